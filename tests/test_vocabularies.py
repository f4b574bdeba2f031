"""Vocabularies come from the data: levers (labels, colours), profile weights, the one registry of facts,
requester maturity as rules in facts.yaml, and the counts report text states."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import texts
from imaging_value import DataValidationError, load_dataset, load_request
from imaging_value.core.wording import count_word
from imaging_value.framework.scoring import rank_options, score_options
from imaging_value.framework.terms import option_facts, term_sheets
from imaging_value.model.conditions import facts_for
from imaging_value.model.data import load_levers
from imaging_value.model.schema import FACT_VALUES, FACTS, NUMERIC_FACTS
from imaging_value.present.figures import ranking_figure
from imaging_value.reports import request_report
from test_validation import edit, problems

ROOT = Path(__file__).resolve().parents[1]


def load_problems(folder: Path) -> list[str]:
    """The problems loading the data folder names (it must fail)."""
    with pytest.raises(DataValidationError) as info:
        load_dataset(folder)
    return problems(info)


# --- a sixth lever is a data change only ------------------------------------------------------------


def add_lever(folder: Path, lever: str = "workforce", colour: str = "#2a9d8f") -> None:
    """levers.yaml, a column of profiles.csv and a base score per option: the data change a new lever takes."""
    levers = folder / "levers.yaml"
    levers.write_text(
        levers.read_text(encoding="utf-8")
        + f"""  - id: {lever}
    label: NHS workforce
    colour: "{colour}"
    question: Will the agreement build the NHS's own skills in imaging AI?
    source: this framework's reading (a lever added to test that levers are data)
""",
        encoding="utf-8",
    )
    rows = list(csv.DictReader(io.StringIO((folder / "profiles.csv").read_text(encoding="utf-8"))))
    header = list(rows[0])
    header.insert(header.index("rationale"), lever)
    out = io.StringIO()
    writer = csv.DictWriter(out, header, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({**row, lever: 6 if row["name"] == "clinicians" else 1})
    (folder / "profiles.csv").write_text(out.getvalue(), encoding="utf-8")
    options = [o["id"] for o in yaml.safe_load((folder / "options.yaml").read_text(encoding="utf-8"))["options"]]
    with (folder / "base_scores.csv").open("a", encoding="utf-8") as scores:
        for index, option in enumerate(options):
            scores.write(f"{option},{lever},{index % 2 * 10},Made up for the test: every other option builds skills.\n")


def test_a_sixth_lever_is_a_data_change_only(data_copy, dataset):
    add_lever(data_copy)
    # the summit's answers weigh five levers: each group must weigh the new one too; until then the
    # summit's files are listed as invalid (and give no profile), and the rest of the folder loads
    found = [str(p) for p in load_dataset(data_copy).summit_problems]
    assert found and all(p.startswith("summits/illustrative/") and "workforce" in p for p in found)
    assert not load_dataset(data_copy).summit_profiles
    shutil.rmtree(data_copy / "summits")

    six = load_dataset(data_copy)
    assert six.lever_ids == (*dataset.lever_ids, "workforce")
    assert six.profile("clinicians").weights == {**dataset.profile("clinicians").weights, "workforce": 6.0}
    request = load_request("scenario-2", six)
    table = score_options(six, request, 0)
    assert table.levers == six.lever_ids
    assert table.scores.loc["open_research", "workforce"] == 0.0
    weights = {lever: (1.0 if lever == "workforce" else 0.0) for lever in six.lever_ids}
    ranking = rank_options(table, weights)
    # weighing the new lever alone ranks the options it scores 10 above those it scores 0
    tens = [o for i, o in enumerate(six.option_ids) if i % 2]
    assert set(ranking.order[: len(tens)]) == set(tens)
    figure = ranking_figure(six, ranking)
    bars = {trace.name: trace.marker.color for trace in figure.data if trace.type == "bar"}
    assert bars["NHS workforce"] == "#2a9d8f" and len(bars) == 6
    assert bars["Clinical"] == "#1b6ca8"  # levers.yaml's colours, not a list in the code

    report = request_report("scenario-2", requester=0, profile="clinicians", data_dir=str(data_copy), samples=200)
    assert set(report.weights) == set(six.lever_ids) and report.weights["workforce"] == pytest.approx(6 / 16)
    section = "".join(str(item) for item in report.section("rank"))
    assert "workforce" in section and "NHS workforce" in section
    assert "NHS workforce" in "".join(str(item) for item in report.section("alignment"))


def test_profile_columns_are_checked_against_levers_yaml(data_copy):
    edit(
        data_copy / "profiles.csv",
        "name,label,clinical,social,economic_development,environmental,commercial,",
        "name,label,clinical,social,economic_developmnt,environmental,commercial,",
    )
    levers = "clinical, social, economic_development, environmental, commercial"
    assert load_problems(data_copy) == [
        "profiles.csv: header: field 'economic_development': expected a column named 'economic_development' (one "
        f"column per lever of levers.yaml: {levers}); found columns name, label, clinical, social, "
        "economic_developmnt, environmental, commercial, rationale",
        "profiles.csv: header: field 'economic_developmnt': expected only the columns name, label, clinical, social, "
        f"economic_development, environmental, commercial, rationale (one column per lever of levers.yaml: {levers})"
        "; found an extra column 'economic_developmnt'",
    ]


def test_a_profile_weight_names_its_row_and_column(data_copy):
    edit(data_copy / "profiles.csv", "clinicians,Clinicians,5,2,1,1,1", "clinicians,Clinicians,5,2,lots,1,1")
    assert load_problems(data_copy) == [
        "profiles.csv: row 3 (line 4): field 'economic_development': expected a valid number, "
        "unable to parse string as a number; found 'lots'"
    ]


def test_scores_and_adjustments_name_levers_of_levers_yaml(data_copy):
    edit(data_copy / "base_scores.csv", "open_research,social,8,", "open_research,socal,8,")
    edit(
        data_copy / "adjustments.csv",
        "university;charity,enterprise_licence,commercial,-4",
        "university;charity,enterprise_licence,comercial,-4",
    )
    levers = "clinical, social, economic_development, environmental, commercial"
    assert load_problems(data_copy) == [
        f"base_scores.csv: row 2: field 'lever': expected a lever id from levers.yaml: {levers}; found 'socal'",
        "base_scores.csv: option 'open_research': field 'social': expected a base score for every option and lever; "
        "found no row",
        f"adjustments.csv: row 1 (univ-no-fees): field 'lever': expected a lever id from levers.yaml: {levers}; "
        "found 'comercial'",
    ]


@pytest.mark.parametrize("colour", ["blue", "#12345", "#1b6ca8ff", "1b6ca8"])
def test_a_lever_colour_is_a_hex_colour(data_copy, colour):
    edit(data_copy / "levers.yaml", 'colour: "#e07b39"', f'colour: "{colour}"')
    with pytest.raises(DataValidationError) as info:
        load_levers(data_copy)
    assert problems(info) == [
        f"levers.yaml: levers[1] (social): field 'colour': expected a hex colour such as "
        f"#1b6ca8 (# and six hex digits); found '{colour}'"
    ]


# --- one registry of facts -------------------------------------------------------------------------


def test_every_fact_of_the_registry_is_read_and_none_other(dataset):
    request = load_request("scenario-2", dataset)
    case = facts_for(request, request.requesters[0], dataset.derived_facts)
    option = option_facts(term_sheets(dataset, request, 0)["open_research"])
    assert set(case) == {n for n, f in FACTS.items() if f.subject != "option"}
    assert set(option) == {n for n, f in FACTS.items() if f.subject == "option"}
    assert set(FACT_VALUES) | set(NUMERIC_FACTS) == set(FACTS)


@pytest.mark.parametrize("document", ["docs/framework.md", "data/samples/README.md"])
def test_the_documents_name_every_fact(document):
    text = (ROOT / document).read_text(encoding="utf-8")
    missing = [name for name in FACTS if f"`{name}`" not in text]
    assert not missing, f"{document} does not name the facts {missing}"


def test_the_tree_and_fairness_take_their_facts_from_the_registry(data_copy):
    edit(data_copy / "decision_tree.yaml", "fact: request.temporality", "fact: requester.sector")
    edit(data_copy / "fairness.yaml", "fact: request.temporality", "fact: option.mechanisms")
    assert load_problems(data_copy) == [
        "decision_tree.yaml: nodes[0]: field 'fact': expected 'request.temporality', 'request.curation', "
        "'requester.kind', 'requester.profit_stage', 'request.modality', 'request.item_kind', 'request.ai_stage', "
        "'request.challenge', 'request.population' or 'request.return_horizon'; found 'requester.sector'",
        "fairness.yaml: themes[0]: field 'fact': expected 'request.temporality', 'request.curation', "
        "'request.deidentification', 'requester.kind', 'requester.profit_stage', 'request.modality', "
        "'request.item_kind', 'request.ai_stage', 'request.challenge', 'request.population', "
        "'request.return_horizon', 'requester.maturity' or 'request.assumed'; found 'option.mechanisms'",
    ]


# --- requester maturity is a rule in data ----------------------------------------------------------


def test_maturity_follows_the_rules_of_facts_yaml(dataset, data_copy):
    request = load_request("scenario-2", dataset)
    before = [facts_for(request, r, dataset.derived_facts)["requester.maturity"] for r in request.requesters]
    assert before == ["pre_profit", "large", "large"]
    # a reading where a multinational's maturity is its profit stage, as an SME's is: an edit of facts.yaml
    edit(
        data_copy / "facts.yaml",
        "value: [multinational]}",
        "value: [multinational]}\n          - {fact: requester.profit_stage, op: in, value: [profit_generating]}",
    )
    changed = load_dataset(data_copy)
    after = [facts_for(request, r, changed.derived_facts)["requester.maturity"] for r in request.requesters]
    assert after == ["pre_profit", "non_commercial", "non_commercial"]  # unstated stage: no rule but the last
    rule = dataset.derived_facts[0].rules[0]
    assert rule.rationale and rule.source == "this framework's reading"


@pytest.mark.parametrize(
    "old, new, expected",
    [
        (
            "      - value: large\n",
            "      - value: huge\n",
            "facts.yaml: derived[0]: field 'rules[0].value': expected values of requester.maturity: large, pre_profit, "
            "profit_generating, unstated, non_commercial; found 'huge'",
        ),
        (
            "      - value: non_commercial\n",
            "      - value: non_commercial\n        when:\n"
            "          - {fact: requester.kind, op: in, value: [university]}\n",
            "facts.yaml: derived[0]: field 'rules': expected a last rule with no conditions (so every case has a value); "
            "found 1 condition(s) on the last rule",
        ),
        (
            "{fact: requester.kind, op: in, value: [multinational]}",
            "{fact: requester.maturity, op: in, value: [large]}",
            "facts.yaml: derived[0]: field 'rules[0].when': expected conditions on the request's or requester's own facts "
            "(not an option's, nor a derived fact); found requester.maturity",
        ),
        (
            "  - fact: requester.maturity\n",
            "  - fact: requester.sector\n",
            "facts.yaml: derived[0]: field 'fact': expected a fact worked out by rules: requester.maturity; "
            "found 'requester.sector'",
        ),
    ],
)
def test_facts_yaml_problems_are_named(data_copy, old, new, expected):
    edit(data_copy / "facts.yaml", old, new)
    assert expected in load_problems(data_copy)


def test_a_derived_fact_without_rules_is_named(data_copy):
    (data_copy / "facts.yaml").write_text("derived: []\n", encoding="utf-8")
    assert load_problems(data_copy) == [
        "facts.yaml: derived: field 'fact': expected an entry for requester.maturity; found none"
    ]


# --- counts in report text come from the data --------------------------------------------------------


def test_count_word():
    assert [count_word(n) for n in (0, 1, 4, 5, 12, 13, 1200)] == ["no", "one", "four", "five", "twelve", "13", "1,200"]


def test_the_fairness_section_counts_the_recommendations_of_fairness_yaml(data_copy):
    assert "The four fairness recommendations" in texts(
        request_report("scenario-1", data_dir=str(data_copy), samples=100).html("fairness"), "h4"
    )
    text = (data_copy / "fairness.yaml").read_text(encoding="utf-8")
    head, _, recs = text.partition("recommendations:\n")
    entries = recs.split("\n  - ")
    (data_copy / "fairness.yaml").write_text(
        head + "recommendations:\n" + "\n  - ".join(entries[:-1]) + "\n", encoding="utf-8"
    )
    section = request_report("scenario-1", data_dir=str(data_copy), samples=100).html("fairness")
    assert "<h4>The three fairness recommendations</h4>" in section and "four" not in section.split("<h4>")[1][:40]


# --- a lever removed ---------------------------------------------------------------------------------


def drop_lever(folder: Path, lever: str) -> None:
    """levers.yaml, the profiles' column, the scores and the adjustments on it, and the summits' answers."""
    data = yaml.safe_load((folder / "levers.yaml").read_text(encoding="utf-8"))
    data["levers"] = [entry for entry in data["levers"] if entry["id"] != lever]
    (folder / "levers.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    for name, keep in (
        ("profiles.csv", None),
        ("base_scores.csv", "lever"),
        ("adjustments.csv", "lever"),
        ("weight_adjustments.csv", "lever"),
    ):
        rows = list(csv.DictReader(io.StringIO((folder / name).read_text(encoding="utf-8"))))
        header = [c for c in rows[0] if c != lever]
        out = io.StringIO()
        writer = csv.DictWriter(out, header, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(row for row in rows if keep is None or row[keep] != lever)
        (folder / name).write_text(out.getvalue(), encoding="utf-8")
    shutil.rmtree(folder / "summits")


def test_a_lever_removed_is_a_data_change_and_the_value_switch_names_it(data_copy):
    drop_lever(data_copy, "commercial")
    four = load_dataset(data_copy)
    request = load_request("scenario-3", four)
    assert score_options(four, request, 0).levers == ("clinical", "social", "economic_development", "environmental")
    # the valuation's switch scores the commercial lever: switched on without it, the error names the switch
    path = data_copy / "valuation.yaml"
    edit(path, "commercial_lever_from_value:\n  value: false", "commercial_lever_from_value:\n  value: true")
    with pytest.raises(DataValidationError) as info:
        load_dataset(data_copy)
    assert problems(info) == [
        "valuation.yaml: commercial_lever_from_value: field 'value': expected false, or a "
        "lever 'commercial' in levers.yaml to score from value; found true, and levers.yaml "
        "has no such lever"
    ]
