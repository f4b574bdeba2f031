"""`imaging-value value`: the issue's JSON shape for every sample request, exit 2 with one error line."""

from __future__ import annotations

from decimal import Decimal

import pytest
import yaml

REQUESTS = ("scenario-1", "scenario-2", "scenario-3", "scenario-4")
OPTION_KEYS = {
    "option",
    "npv",
    "errors",
    "p_nothing",
    "breakeven_year",
    "receipts_by_year",
    "partner_cash_before_revenue",
    "nhs_share",
    "contribution_share",
    "fair_terms",
    "split",
}


@pytest.mark.parametrize("rid", REQUESTS)
def test_value_answers_every_sample_request_in_the_issue_shape(cli, dataset, rid):
    result = cli("value", rid, "--draws", "4000", "--seed", "0", "--json")
    assert result.code == 0 and result.err == ""
    answer = result.json()
    assert set(answer) == {"request", "draws", "seed", "discount_rate", "horizon", "results"}
    assert (answer["request"], answer["draws"], answer["seed"], answer["discount_rate"], answer["horizon"]) == (
        rid,
        4000,
        0,
        0.035,
        10,
    )
    terms = cli("terms", rid, "--json").json()["results"]
    # one result per requester and decision-tree branch, as the terms command gives the agreement to sign
    assert [(e["requester_index"], e["assumed"], e["agreement"]) for e in answer["results"]] == [
        (t["requester_index"], t["assumed"], t["option"]) for t in terms
    ]
    for entry in answer["results"]:
        assert set(entry) == {
            "requester_index",
            "requester",
            "assumed",
            "agreement",
            "data_factor",
            "stage_adjustments",
            "options",
        }
        assert [o["option"] for o in entry["options"]] == list(dataset.option_ids)
        for o in entry["options"]:
            assert set(o) == OPTION_KEYS
            assert o["npv"]["p10"] <= o["npv"]["p50"] <= o["npv"]["p90"]
            assert set(o["errors"]) == {"mean", "p10", "p50", "p90", "p_nothing", "nhs_share"}
            assert o["errors"]["mean"] >= 0 and all(e is None or e >= 0 for e in o["errors"].values())
            assert 0 <= o["p_nothing"] <= 1
            receipts = o["receipts_by_year"]
            assert len(receipts) == answer["horizon"] + 1
            discounted = sum(x / 1.035**t for t, x in enumerate(receipts))
            assert o["npv"]["mean"] == pytest.approx(discounted, rel=1e-12, abs=1e-6)
            total = sum(Decimal(str(s["share"])) for s in o["split"])
            if round(o["npv"]["mean"], 2) > 0:
                assert total == Decimal(str(round(o["npv"]["mean"], 2)))
                assert o["split"][-1]["site"].startswith("Broker")
            else:
                assert o["split"] == []


def test_value_flags_change_the_answer_and_the_seed_reproduces_it(cli):
    base = cli("value", "scenario-3", "--draws", "3000", "--seed", "5", "--json").json()
    again = cli("value", "scenario-3", "--draws", "3000", "--seed", "5", "--json").json()
    assert base == again
    dearer = cli("value", "scenario-3", "--draws", "3000", "--seed", "5", "--discount-rate", "0.08", "--json").json()
    short = cli("value", "scenario-3", "--draws", "3000", "--seed", "5", "--horizon", "5", "--json").json()
    assert short["horizon"] == 5 and len(short["results"][0]["options"][0]["receipts_by_year"]) == 6
    for o_base, o_dear in zip(base["results"][0]["options"], dearer["results"][0]["options"]):
        assert o_dear["npv"]["mean"] < o_base["npv"]["mean"], o_base["option"]


def test_value_for_one_requester(cli):
    answer = cli("value", "scenario-2", "--requester", "2", "--draws", "2000", "--json").json()
    assert [r["requester_index"] for r in answer["results"]] == [2]


def test_value_text_output(cli):
    result = cli("value", "scenario-3", "--draws", "2000")
    assert result.code == 0 and "fair royalty" in result.out and "± se" in result.out
    assert "contribution share 33.9%; * the agreement to sign" in result.out  # curated PET/CT, one academic site


@pytest.mark.parametrize(
    "flags,named",
    [
        (("--draws", "0"), "draws"),
        (("--horizon", "0"), "horizon"),
        (("--discount-rate", "nan"), "discount-rate"),
        (("--discount-rate", "inf"), "discount-rate"),
        (("--discount-rate", "-0.1"), "discount-rate"),
        (("--draws", "many"), "--draws"),
        (("--draws", "2000000"), "draws"),
        (("--horizon", "101"), "horizon"),
        (("--discount-rate", "1.5"), "discount-rate"),
        (("--requester", "9"), "requester"),
    ],
)
def test_bad_flags_exit_2_with_one_error_line(cli, flags, named):
    result = cli("value", "scenario-3", *flags, "--json")
    assert result.code == 2 and result.out == ""
    assert result.err.startswith("error: ") and result.err.count("\n") == 1 and named in result.err


@pytest.mark.parametrize(
    "edit,named",
    [
        (lambda d: d["discount_rate"].update(value=-0.02), "discount_rate"),
        (lambda d: d["stages"][0].update(probability=1.5), "probability"),
        (lambda d: d["stages"][1].update(after="launch"), "after"),
        (lambda d: d["draws"].update(value=float("inf")), "draws"),
    ],
)
def test_bad_assumptions_exit_2_naming_file_and_field(cli, data_copy, edit, named):
    path = data_copy / "valuation.yaml"
    data = yaml.safe_load(path.read_text())
    edit(data)
    path.write_text(yaml.safe_dump(data))
    result = cli("value", "scenario-3", "--data", str(data_copy), "--json")
    assert result.code == 2 and result.out == ""
    assert result.err.startswith("error: valuation.yaml") and result.err.count("\n") == 1 and named in result.err
