"""The money in the decision, one formatting helper for every figure, the command line's text in labels, the
board paper as a job of the pack, and plotly.js shared by a pack published together."""

from __future__ import annotations

import json
import re

import pytest

from imaging_value.capabilities.decision import summary_rows, value_line, worth
from imaging_value.core.wording import (
    MINUS,
    about_money,
    amount_parts,
    money,
    money_column,
    parameter_text,
    status_word,
)
from imaging_value.engine.case import Case
from imaging_value.framework.appraisal import recommended_values
from imaging_value.model.data import load_request

REQUESTS = ("scenario-1", "scenario-2", "scenario-3", "scenario-4")


# --- one helper for every figure ----------------------------------------------------------


def test_money_is_pounds_with_separators_a_true_minus_and_one_rounding_per_column():
    assert money(76923.08) == "£76,923.08" and money(50000) == "£50,000"
    assert money(-57014.4, pence=False) == f"{MINUS}£57,014" and money(-0.2, pence=False) == "£0"
    assert money(None) == "-" and money(12.5, "EUR") == "12.50 EUR"
    assert money_column([175000, 111111.12, 2.5]) == ["£175,000.00", "£111,111.12", "£2.50"]
    assert money_column([175000, 111111]) == ["£175,000", "£111,111"]


def test_amounts_in_a_sentence_share_one_rounding_and_never_show_nought():
    assert about_money([4.4e6, 0.12e6, 10.4e6]) == ["£4.4m", "£0.1m", "£10.4m"]
    assert about_money([341_263, 8_589, 1_045_259]) == ["£341,000", "£9,000", "£1,045,000"]  # not £0.0m
    assert about_money([217_909, 1_186]) == ["£218,000", "£1,000"]
    assert about_money([900, 300]) == ["£900", "£300"]


def test_a_negative_amount_is_kept_on_one_line_in_every_template():
    from imaging_value.present.templates import render_section

    assert amount_parts(f"a loss of {MINUS}£76,014 and £4.4m.") == [
        (False, "a loss of "),
        (True, f"{MINUS}£76,014"),
        (False, " and "),
        (True, "£4.4m"),
        (False, "."),
    ]
    page = render_section("portfolio", part="findings", columns=["a"], rows=[{"a": f"{MINUS}£76,014 owed"}])
    assert f'<span class="iv-amount">{MINUS}£76,014</span> owed' in page


def test_statuses_and_parameters_read_as_people_write_them():
    assert [status_word(s) for s in ("meets", "departs", "to_confirm", "not_applicable")] == [
        "meets",
        "departs",
        "to confirm",
        "not applicable",
    ]
    assert parameter_text(1000000.0) == "1000000" and parameter_text(0.035) == "0.035"
    assert parameter_text(None) == "None" and parameter_text("") == '""' and parameter_text({}) == "{}"
    assert parameter_text({"clinical": 3.0, "commercial": 1}) == "clinical=3, commercial=1"


def test_the_split_table_rounds_each_column_one_way(dataset):
    from imaging_value.capabilities import View, capability

    case = Case(dataset, load_request("scenario-2", dataset))
    page = "".join(str(x) for x in capability("split").present(View(case, case.requesters, str)) if isinstance(x, str))
    table = page[page.rindex("<table") :]
    rows = [re.findall(r"<td>(.*?)</td>", row, flags=re.S) for row in re.findall(r"<tr>(.*?)</tr>", table, flags=re.S)]
    rows = [row for row in rows if row]
    for column in zip(*rows):
        amounts = [cell for cell in column if "£" in cell]
        assert len({bool(re.search(r"£[\d,]+\.\d\d", cell)) for cell in amounts}) <= 1, column


def test_valuation_axes_carry_pounds(dataset):
    from imaging_value.framework.appraisal import appraise_requester
    from imaging_value.maths.valuation import npv_paths
    from imaging_value.present.value_figures import fan_figure, npv_box_figure

    value = appraise_requester(dataset, dataset.valuation, load_request("scenario-2", dataset), 1, draws=2000)
    assert npv_box_figure(dataset, value, "t").layout.xaxis.tickprefix == "£"
    option = value.options[0]
    paths = npv_paths(value.assumptions, value.terms[option.option], 500, 1)
    assert fan_figure(paths, "t").layout.yaxis.tickprefix == "£"


def test_a_long_chart_title_wraps_and_pushes_the_plot_down():
    import plotly.graph_objects as go

    from imaging_value.present.figures import TITLE_CHARACTERS, house_layout

    title = "Fair share: NHS share of the value created: Requesters 2 and 3: " + "Multinational pharma; " * 4
    fig = house_layout(go.Figure(), title)
    lines = fig.layout.title.text.split("<br>")
    assert len(lines) > 1 and all(len(line) <= TITLE_CHARACTERS for line in lines)
    assert fig.layout.margin.t >= 40 + 24 * len(lines)


# --- the money in the decision ----------------------------------------------------------------


@pytest.mark.parametrize("request_id", REQUESTS)
def test_the_decision_carries_what_each_agreement_is_worth_as_the_valuation_prices_it(dataset, request_id, cli):
    request = load_request(request_id, dataset)
    answer = cli("decision", request_id, "--json").json()
    case = Case(dataset, request)
    for group in answer["groups"]:
        for m in group["requesters"]:
            priced = recommended_values(dataset, dataset.valuation, request, m, case.agreements(m), seed=case.seed)
            for outcome, p in zip(group["outcomes"], priced):
                record = next(r for r in outcome["worth"] if r["requester_index"] == m)
                assert record["option"] == outcome["option"] == p.option
                assert record["mean"] == pytest.approx(p.priced.mean)
                assert (record["p10"], record["p90"]) == pytest.approx((p.priced.p10, p.priced.p90))
                created = p.priced.value_created
                expected = max(0.0, p.priced.contribution_share * created - p.priced.mean) if created > 0 else None
                assert record["shortfall"] == pytest.approx(expected)
                assert record["words"].startswith(("Worth about £", "Costs the NHS about £"))
                assert "1 in 10 chance of" in record["words"]


def test_the_value_line_says_the_worth_the_range_the_share_the_partner_and_the_break_even(dataset):
    case = Case(dataset, load_request("scenario-1", dataset))
    records = worth(case, 0)
    glossary = dataset.glossary
    # the framework's own agreements give the NHS its contribution share (the coherence rules): no shortfall
    assert records and all(not r["shortfall"] for r in records)
    first = records[0]
    met = value_line(first, glossary)
    assert f"against a {first['contribution_share']:.1%} contribution, so no shortfall." in met
    # an agreement that under-prices the NHS (an offer, say) says the shortfall in pounds
    short = dict(first, shortfall=12_345.4)
    line = value_line(short, glossary)
    assert re.match(r"Worth about £[\d,]+ to the NHS over ten years in today's money \(", line)
    assert (
        re.search(r"a shortfall of £12,(345|000)\.", line)
        and f"against a {first['contribution_share']:.1%} contribution" in line
    )
    assert "1 in 10 chance of more than £" in line
    assert re.search(r"The partner pays (£[\d,]+ before any revenue|nothing before it has revenue)", line)
    assert re.search(r"(breaks even after \w+ years?|paid back at signing)", line)
    signing = next(r for r in records if r["breakeven_year"] == 0)
    assert "the NHS is paid back at signing" in value_line(signing, glossary)


def test_the_decision_without_a_valuation_says_it_is_not_priced(data_copy, cli):
    (data_copy / "valuation.yaml").unlink()
    result = cli("decision", "scenario-2", "--data", str(data_copy), "--json")
    assert result.code == 0
    assert all(o["worth"] == [] for g in result.json()["groups"] for o in g["outcomes"])


def test_one_row_per_requester_gives_the_agreement_worth_guidance_confirm_and_dissent(dataset):
    case = Case(dataset, load_request("scenario-2", dataset))
    rows = summary_rows(case)
    assert [r["index"] for r in rows] == [0, 1, 2]  # requesters 2 and 3 share an answer, not a row
    assert rows[1]["sign"] == rows[2]["sign"] == "Strategic co-development"
    assert rows[1]["worth"] != rows[2]["worth"]  # their worth differs
    for row in rows:
        assert row["worth"].startswith("about £") and "1 in 10 chance of" in row["worth"]
        assert re.match(r"meets \d+ of the \d+ that apply", row["guidance"])


def test_not_applicable_is_its_own_status_never_meets(dataset):
    case = Case(dataset, load_request("scenario-2", dataset))
    statuses = {c.status for a in case.agreements(0) for c in a.compliance}
    assert "not_applicable" in statuses
    for a in case.agreements(0):
        for c in a.compliance:
            if c.status == "meets":
                assert c.reason != "does not apply to this request and requester"


# --- the command line's text: labels, ids only in --json ----------------------------------------


@pytest.mark.parametrize("command", ["decision", "recommend", "rank", "terms", "value", "stability", "alignment"])
def test_the_text_names_options_and_levers_by_their_labels(dataset, cli, command):
    result = cli(command, "scenario-2")
    assert result.code == 0
    for option in dataset.option_ids:
        assert not re.search(rf"(?<![\w(]){option}(?![\w)])", result.out), (command, option)
    assert "economic_development" not in result.out
    assert "SME incubation" in result.out or "Strategic co-development" in result.out
    assert "sme_incubation" in cli(command, "scenario-2", "--json").out or command == "stability"


def test_terms_text_writes_amounts_and_units_as_people_do(cli):
    out = cli("terms", "scenario-2").out
    assert "GBP" not in out and "50000" not in out and "subscription 50000" not in out
    assert re.search(r"Access fee \(cost recovery\)\s+£[\d,]+", out)


def test_the_summit_text_gives_every_lever_label_in_full(dataset, cli):
    out = cli("summit", "illustrative").out
    for lever in dataset.levers:
        assert lever.label in out
    assert "economic_d " not in out and "environmen " not in out
    assert "requester 0" not in out


# --- the board paper in the pack, and plotly.js shared ---------------------------------------


def test_report_help_says_what_all_includes_and_every_default(cli, capsys):
    from imaging_value.cli import main

    with pytest.raises(SystemExit):
        main(["report", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "the board paper, the portfolio, every request in the data folder, the comparison and every summit" in text
    assert "output folder (default: reports)" in text and "(default: inline)" in text
    for option in ("--jobs", "--seed", "--total", "--plan", "--pdf", "--summit", "--weights", "--profile"):
        help_text = text.split(option, 2)[-1][:400]
        assert "default" in help_text, option


def test_the_plan_includes_the_board_paper_first_and_the_shared_plotly_flag(cli, data_copy, tmp_path):
    result = cli(
        "report", "--all", "--plan", "--json", "--data", str(data_copy), "--out", str(tmp_path), "--plotly", "shared"
    )
    jobs = result.json()["jobs"]
    assert jobs[0]["name"] == "board-paper" and jobs[0]["notebook"].endswith("09-board.ipynb")
    assert all(job["args"][-2:] == ["--plotly", "shared"] for job in jobs)


def test_a_shared_pack_loads_one_plotly_js_beside_its_reports(tmp_path):
    from imaging_value.cli import main

    out = tmp_path / "out"
    assert main(["report", "scenario-3", "--board", "--out", str(out), "--jobs", "1", "--plotly", "shared"]) == 0
    shared = out / "plotly.min.js"
    assert shared.stat().st_size > 1_000_000
    page = (out / "request-scenario-3.html").read_text(encoding="utf-8")
    assert '<script src="plotly.min.js"></script>' in page
    assert shared.read_text(encoding="utf-8")[:2000] not in page  # no copy of its own
    assert len(page) < 1_500_000
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["request-scenario-3"]["plotly"] == "shared"
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "plotly.min.js" in index and "publish the folder together" in index
    # rendered again self-contained: the index says each report stands alone
    assert main(["report", "scenario-3", "--board", "--out", str(out), "--jobs", "1"]) == 0
    page = (out / "request-scenario-3.html").read_text(encoding="utf-8")
    assert '<script src="plotly.min.js"></script>' not in page and len(page) > 3_000_000
    assert "can be sent on its own" in (out / "index.html").read_text(encoding="utf-8")
