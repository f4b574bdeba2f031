"""The negotiation on the command line (assess, counter, report --negotiation), in the export, the pack and the
explorer (in process; the browser test is tests/test_negotiation_browser.py)."""

from __future__ import annotations

import json
import re

import pytest

from imaging_value import load_dataset
from imaging_value.model.offer_files import load_negotiation, load_offer

ROUND_1 = "negotiations/scenario-2-healthtech/round-1.yaml"


def test_assess_gives_every_part_the_issue_asks_for(cli, samples):
    result = cli("assess", ROUND_1, "--json")
    assert result.code == 0, result.err
    answer = result.json()
    (branch,) = answer["branches"]
    assert {c["status"] for c in branch["compliance"]} == {"meets", "departs", "to_confirm", "not_applicable"}
    assert branch["rule_changes"][0]["rule"] == "no-exclusivity-unstated-curation"
    nhs = branch["nhs"]
    assert nhs["se"] > 0 and nhs["p10"] < nhs["mean"] < nhs["p90"]
    assert nhs["shortfall"] == pytest.approx(nhs["fair_value"] - nhs["mean"])
    assert nhs["fair_value"] == pytest.approx(nhs["contribution_share"] * nhs["value_created"])
    partner = branch["partner"]
    assert partner["alternative"]["kind"] == "data_source" and not partner["alternative"]["stated"]
    assert branch["zone"]["exists"] and branch["zone"]["terms"]
    assert answer["complies"] is False and answer["meets_share"] is False
    text = cli("assess", ROUND_1).out
    assert "departs: Principle 3" in text and "zone: A zone of agreement exists" in text
    assert f"shortfall £{nhs['shortfall']:,.0f}" in text
    # the proportionate share is judged on the price: it departs, with the shortfall in pounds
    (share,) = [c for c in branch["compliance"] if c["principle"].startswith("The NHS takes a share")]
    assert share["status"] == "departs" and f"£{nhs['shortfall']:,.0f} short" in share["reason"]


def test_counter_writes_the_next_round_which_reads_back(cli, data_copy):
    folder = data_copy / "negotiations" / "scenario-2-healthtech"
    out = folder / "round-4.yaml"
    result = cli("counter", str(folder / "round-1.yaml"), "--out", str(out), "--data", str(data_copy))
    assert result.code == 0, result.err
    assert "2 terms moved" in result.out and "exclusivity_months           24 -> 0" in result.out
    assert f"wrote {out}" in result.out
    dataset = load_dataset(data_copy)
    offer = load_offer(out, dataset)
    assert offer.made_by == "consortium" and offer.round == 2 and offer.value("exclusivity_months") == 0
    again = cli("counter", str(folder / "round-1.yaml"), "--out", str(out), "--data", str(data_copy))
    assert again.code == 2 and again.err.startswith("error: ") and "never overwritten" in again.err


def test_counter_says_why_none_exists_and_when_none_is_needed(cli):
    kept = cli("counter", ROUND_1, "--keep", "exclusivity_months", "--json").json()
    assert kept["exists"] is False and kept["needed"] is True
    assert "exclusivity kept at 24 months" in kept["reason"]
    signed = cli("counter", "negotiations/scenario-2-healthtech/round-3.yaml")
    assert signed.code == 0 and "no counter-offer is needed" in signed.out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("counter", ROUND_1, "--keep", "royalti"), "parameter '--keep'"),
        (("assess", "negotiations/none.yaml"), "no such file"),
        (("assess", ROUND_1, "--draws", "0"), "parameter 'draws'"),
    ],
)
def test_bad_input_is_one_error_line(cli, args, message):
    result = cli(*args)
    assert result.code == 2 and result.err.startswith("error: ") and message in result.err
    assert "Traceback" not in result.err and len(result.err.strip().splitlines()) == 1


def test_a_broken_offer_is_named_with_its_key(cli, tmp_path, samples):
    bad = (samples / ROUND_1).read_text().replace("value: 1, unit", "value: 101, unit")
    path = tmp_path / "round-1.yaml"
    path.write_text(bad)
    result = cli("assess", str(path))
    assert result.code == 2
    assert "terms[2] (royalty): field 'value': expected a percentage from 0 to 100" in result.err


def test_the_pack_plans_one_report_per_negotiation(cli):
    plan = cli("report", "--all", "--plan", "--json").json()
    jobs = {j["name"]: j for j in plan["jobs"]}
    job = jobs["negotiation-scenario-2-healthtech"]
    assert job["notebook"].endswith("08-negotiation.ipynb") and job["kind"] == "negotiation"
    assert job["parameters"]["negotiation"] == "negotiations/scenario-2-healthtech"
    assert job["args"][:3] == ["report", "--negotiation", "negotiations/scenario-2-healthtech"]
    kinds = [j["kind"] for j in plan["jobs"]]
    assert kinds.index("negotiation") > kinds.index("request")
    one = cli("report", "--negotiation", "negotiations/scenario-1-sme", "--plan", "--json").json()
    assert [j["name"] for j in one["jobs"]] == ["negotiation-scenario-1-sme"]


def test_the_export_holds_each_requests_negotiations(cli, tmp_path, dataset):
    result = cli("export", "--out", str(tmp_path))
    assert result.code == 0, result.err
    answer = json.loads((tmp_path / "scenario-2-negotiation.json").read_text())
    (negotiation,) = answer["negotiations"]
    assert negotiation["negotiation"] == "scenario-2-healthtech"
    assert negotiation["recommendation"]["action"] == "sign"
    assert [r["round"] for r in negotiation["rounds"]] == [1, 2, 3]
    rows = (tmp_path / "scenario-2-negotiation.csv").read_text().splitlines()
    assert rows[0].startswith("negotiation,requester_index,round,made_by")
    assert len(rows) == 1 + 3  # one branch per round
    assert json.loads((tmp_path / "scenario-3-negotiation.json").read_text())["negotiations"] == []


def test_the_request_report_section_lists_the_negotiations_on_file(dataset):
    from imaging_value import load_request
    from imaging_value.capabilities import View, capability
    from imaging_value.engine.case import Case

    case = Case(dataset, load_request("scenario-2", dataset))
    items = capability("negotiation").present(View(case, case.requesters, str))
    html = items[0]
    assert "Negotiations on file" in html and "scenario-2-healthtech" in html
    assert html.index("Sign.") < html.index("<th>round</th>")  # the verdict first
    assert len(items) == 2  # and the chart
    empty = Case(dataset, load_request("scenario-3", dataset))
    assert capability("negotiation").present(View(empty, empty.requesters, str)) == []


def test_the_explorer_panel_edits_counters_and_saves_the_next_round(data_copy):
    from imaging_value.explore.explorer import Explorer

    explorer = Explorer(data_copy, n_samples=200)
    panel = explorer.panels["negotiation"]
    assert list(panel.picker.options)[:2] == [
        "scenario-1-sme: round 2 (consortium)",
        "scenario-1-sme: round 1 (partner)",
    ]
    panel.picker.value = "scenario-1-sme: round 1 (partner)"
    assert panel.assessment is not None and not panel.assessment.acceptable
    shortfalls = [b.shortfall for b in panel.assessment.branches]
    panel.editors["royalty"].value = 3.0  # an edit re-assesses at once
    assert [b.shortfall for b in panel.assessment.branches] != shortfalls
    assert "cannot be signed" in panel.summary.value
    result = panel.counter()
    assert result is not None and result.offer is not None
    assert panel.assessment.acceptable and "can be signed" in panel.summary.value
    assert re.search(r"Counter-offer, \d term\(s\) moved", panel.status.value)
    saved = panel.save()
    assert saved == data_copy / "negotiations" / "scenario-1-sme" / "round-3.yaml"
    assert [o.round for _p, o in load_negotiation(saved.parent, load_dataset(data_copy)).offers] == [1, 2, 3]
    assert panel.picker.value == "scenario-1-sme: round 3 (consortium)"
    explorer.request_picker.value = "scenario-3"
    assert list(panel.picker.options) == ["a new negotiation from the decision tree's Scale-up licence"]
    start = panel.save()
    assert start == data_copy / "negotiations" / "scenario-3-requester-1" / "round-1.yaml"
