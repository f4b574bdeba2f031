"""Hostile and mistaken input: each test is a defect that once got through (issue 8).

Every case must end in exit 2 and one ``error:`` line naming the file, row or key and
field, or (for the maths) in the right answer.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from imaging_value import DataValidationError, load_dataset, load_request
from imaging_value.errors import ParameterError
from imaging_value.safetext import brief

BOMB_LEVELS = "abcdefghi"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def one_error(result) -> str:
    """The single error line of a failed command (exit 2, nothing on stdout)."""
    assert result.code == 2, result
    assert result.out == ""
    assert result.err.startswith("error: ") and result.err.count("\n") == 1, result.err
    return result.err


def alias_bomb(levels: int) -> str:
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for prev, name in zip(BOMB_LEVELS, BOMB_LEVELS[1:levels]):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"


# --- 1. alias bombs -------------------------------------------------------------------------


@pytest.mark.timeout(60)
def test_alias_bomb_request_is_rejected_at_load_time(cli, tmp_path):
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(alias_bomb(9))
    assert bomb.stat().st_size < 400  # nine levels of nine references: 9**9 values from a few hundred bytes
    err = one_error(cli("recommend", str(bomb)))
    assert "bomb.yaml" in err and "aliases" in err and "10,000" in err


def test_alias_expansion_past_the_bound_is_an_error_naming_the_file(data_copy):
    # five levels: 59,049 values, small enough to build, past the bound all the same
    (data_copy / "pooling.yaml").write_text(alias_bomb(5))
    with pytest.raises(DataValidationError) as info:
        load_dataset(data_copy)
    (problem,) = [p for p in info.value.problems if p.file == "pooling.yaml"]
    assert "aliases" in problem.expected and "more than 10,000" in problem.found


def test_a_self_referring_alias_is_an_error(data_copy):
    (data_copy / "requests" / "loop.yaml").write_text("id: &x [*x]\n")
    with pytest.raises(DataValidationError, match="loop.yaml: expected aliases .*found an alias inside the value"):
        load_request("loop", load_dataset(data_copy))


def test_modest_aliases_and_merge_keys_still_work(dataset, data_copy):
    path = data_copy / "requests" / "anchors.yaml"
    path.write_text(
        "id: anchors\ntitle: Anchors\ntemporality: retrospective\ncuration: raw\ndeidentification: [anonymised]\n"
        "data_types: [CT]\nsites:\n  count: 2\n  contributions:\n"
        "    - &trust {site: Trust A, kind: large_trust, images: 4000}\n"
        "    - {<<: *trust, site: Trust B}\n"
        "requesters:\n  - &uni {kind: university, sector: research, staff: '1000'}\n")
    request = load_request(path, dataset)
    assert [c.site for c in request.sites.contributions] == ["Trust A", "Trust B"]
    assert request.sites.contributions[1].images == 4000


@pytest.mark.timeout(20)
def test_brief_never_walks_a_huge_value():
    row = ["x"] * 1000
    shared = [row] * 1000
    huge = [shared] * 1000  # a billion items by reference, as aliases would build
    text = brief(huge)
    assert len(text) <= 80 and text.startswith("[[[")
    error = ParameterError("weights", "a number", huge)
    assert len(str(error)) < 500


# --- 2. empty files ---------------------------------------------------------------------------


@pytest.mark.parametrize("content", ["", "# only a comment\n\n# and another\n", "\n\n"])
def test_empty_request_names_the_file(cli, tmp_path, content):
    path = tmp_path / "empty.yaml"
    path.write_text(content)
    err = one_error(cli("recommend", str(path)))
    assert err.startswith("error: empty.yaml: ") and "is empty" in err


@pytest.mark.parametrize("name", ["decision_tree.yaml", "guidance.yaml", "fairness.yaml", "options.yaml",
                                  "levers.yaml", "pooling.yaml"])
@pytest.mark.parametrize("content", ["", "# nothing here yet\n"])
def test_empty_data_file_names_the_file(cli, data_copy, name, content):
    (data_copy / name).write_text(content)
    err = one_error(cli("recommend", "scenario-1", "--data", str(data_copy)))
    assert err.startswith(f"error: {name}: ") and "is empty" in err


# --- 3. mistakes that were silently accepted -----------------------------------------------------


def test_duplicate_key_in_a_request(cli, data_copy):
    edit(data_copy / "requests" / "scenario-1.yaml", "curation: unstated", "curation: unstated\ncuration: raw")
    err = one_error(cli("recommend", "scenario-1", "--data", str(data_copy)))
    assert "requests/scenario-1.yaml: line" in err and "field 'curation'" in err
    assert "each key once" in err


@pytest.mark.parametrize("name, old, new, key", [
    ("pooling.yaml", "exponent: 0.5", "exponent: 0.5\nexponent: 0.9", "exponent"),
    ("decision_tree.yaml", "    fact: request.temporality\n", "    fact: request.temporality\n    fact: requester.kind\n",
     "fact"),
    ("options.yaml", "exclusivity_months: 12", "exclusivity_months: 12\n    exclusivity_months: 0",
     "exclusivity_months"),
])
def test_duplicate_keys_in_data_files(data_copy, name, old, new, key):
    edit(data_copy / name, old, new)
    with pytest.raises(DataValidationError) as info:
        load_dataset(data_copy)
    (problem,) = info.value.problems
    assert (problem.file, problem.field) == (name, key)
    assert problem.location.startswith("line ") and "again (first on line" in problem.found


def test_misspelt_value_in_adjustments_csv(data_copy):
    edit(data_copy / "adjustments.csv", "univ-no-fees,requester.kind,in,university;charity",
         "univ-no-fees,requester.kind,in,universty;charity")
    with pytest.raises(DataValidationError) as info:
        load_dataset(data_copy)
    assert [str(p) for p in info.value.problems] == [
        "adjustments.csv: row 1 (line 2): field 'value': expected values of requester.kind: university, charity, "
        "sme, multinational; found 'universty'"]


def test_misspelt_value_in_guidance_yaml(data_copy):
    edit(data_copy / "guidance.yaml", "value: [product_access, in_kind]", "value: [product_acess, in_kind]")
    with pytest.raises(DataValidationError) as info:
        load_dataset(data_copy)
    (problem,) = info.value.problems
    assert problem.file == "guidance.yaml" and problem.location == "items[0] (dhsc-improve-care) breaks_when[0]"
    assert problem.field == "value" and problem.found == "'product_acess'"
    assert problem.expected.startswith("values of option.mechanisms: product_access, access_fee")


def test_number_test_on_a_word_fact_in_guidance_yaml(data_copy):
    edit(data_copy / "guidance.yaml", "- {fact: request.sites.count, op: gt, value: 1}",
         "- {fact: requester.kind, op: gt, value: 1}")
    with pytest.raises(DataValidationError, match=r"guidance.yaml: items\[1\] .*field 'op': expected in, not_in or "
                                                  "eq: requester.kind is not a number; found 'gt'"):
        load_dataset(data_copy)


def test_misspelt_value_in_decision_tree_yaml(data_copy):
    edit(data_copy / "decision_tree.yaml", "when: [university, charity]", "when: [universty, charity]")
    with pytest.raises(DataValidationError) as info:
        load_dataset(data_copy)
    assert ("decision_tree.yaml: node 'retro_requester' branches[0]: field 'when': expected values of "
            "requester.kind: university, charity, sme, multinational; found 'universty'") in map(str, info.value.problems)


def test_misspelt_value_in_fairness_yaml(data_copy):
    edit(data_copy / "fairness.yaml", "      - when: [sme]\n", "      - when: [smee]\n")
    with pytest.raises(DataValidationError, match=r"fairness.yaml: themes\[2\]: field 'answers': expected when: "
                                                  "values of requester.kind: .*found 'smee'"):
        load_dataset(data_copy)


@pytest.mark.parametrize("placeholder, found", [
    ("{request_curaton}", "{request_curaton}"),  # not a fact
    ("{request_curation[0]}", "{request_curation[0]}"),  # indexing
    ("{request_curation.upper}", "{request_curation.upper}"),  # attribute
    ("{request_curation:>10}", "a format spec"),  # format spec
    ("{request_curation!r}", "a format spec or conversion"),  # conversion
    ("{0}", "{0}"),  # positional
    ("{request_curation", "unbalanced braces"),
])
def test_bad_placeholder_in_a_guidance_reason(data_copy, placeholder, found):
    edit(data_copy / "guidance.yaml", "over data whose curation is {request_curation}",
         f"over data whose curation is {placeholder}")
    with pytest.raises(DataValidationError) as info:
        load_dataset(data_copy)
    (problem,) = info.value.problems
    assert (problem.file, problem.location, problem.field) == ("guidance.yaml", "items[2] (dhsc-no-exclusive-raw)",
                                                               "reason")
    assert found in problem.found and "request_curation" in problem.expected


def test_bad_placeholder_in_a_fairness_answer(data_copy):
    edit(data_copy / "fairness.yaml", "({outcomes})", "({outcomes[0]})")
    with pytest.raises(DataValidationError, match=r"fairness.yaml: themes\[0\].answers\[2\]: field 'text': expected "
                                                  r"\{name\} placeholders naming one of recommended, .*found "
                                                  r"\{outcomes\[0\]\}"):
        load_dataset(data_copy)


def test_fairness_placeholders_are_what_the_report_fills(dataset):
    """The list the validator accepts is exactly what the request report computes."""
    from imaging_value.report import request_report
    from imaging_value.schema import FAIRNESS_PLACEHOLDERS

    report = request_report("scenario-1", data_dir=str(dataset.root), samples=200)
    assert set(report._fairness_context(0)) - {"recommended_id"} == set(FAIRNESS_PLACEHOLDERS)


@pytest.mark.parametrize("name, old, new, field", [
    ("site_defaults.csv", "large_trust,5000,1.0", "large_trust,inf,1.0", "images"),
    ("site_defaults.csv", "large_trust,5000,1.0", "large_trust,5000,Infinity", "curation_effort"),
    ("profiles.csv", "equal,Equal weights,1,1,1,1,1", "equal,Equal weights,inf,1,1,1,1", "clinical"),
    ("pooling.yaml", "scale: 10000", "scale: .inf", "scale"),
    ("adjustments.csv", "univ-no-fees,requester.kind,in,university;charity,enterprise_licence,commercial,-4",
     "univ-no-fees,requester.kind,in,university;charity,enterprise_licence,commercial,-inf", "delta"),
])
def test_infinite_numbers_in_data_files(data_copy, name, old, new, field):
    edit(data_copy / name, old, new)
    with pytest.raises(DataValidationError) as info:
        load_dataset(data_copy)
    (problem,) = info.value.problems
    assert (problem.file, problem.field) == (name, field)
    assert "finite" in problem.expected or "less than" in problem.expected or "greater than" in problem.expected


def test_infinite_bound_in_a_guidance_condition(data_copy):
    edit(data_copy / "guidance.yaml", "- {fact: request.sites.count, op: gt, value: 1}",
         "- {fact: request.sites.count, op: gt, value: .inf}")
    with pytest.raises(DataValidationError, match=r"guidance.yaml: items\[1\] .*applies_when\[0\]"):
        load_dataset(data_copy)


@pytest.mark.parametrize("old, new, field", [
    ("images: 4000", "images: .inf", "images"),
    ("images: 4000", "images: -.inf", "images"),
    ("curation_effort: 2.0", "curation_effort: .inf", "curation_effort"),
])
def test_infinite_numbers_in_a_request(cli, data_copy, tmp_path, old, new, field):
    path = tmp_path / "inf.yaml"
    path.write_text(CONTRIBUTIONS_REQUEST.replace(old, new, 1))
    err = one_error(cli("split", str(path), "--total", "1000", "--data", str(data_copy)))
    assert "inf.yaml: sites.contributions[" in err and f"field '{field}'" in err


CONTRIBUTIONS_REQUEST = """\
id: contributions
title: Three trusts
temporality: retrospective
curation: cleaned
deidentification: [anonymised]
data_types: [CT]
sites:
  count: 3
  kinds: [large_trust, academic]
  contributions:
    - {site: Trust A, kind: large_trust, images: 4000}
    - {site: Trust B, kind: academic, images: 9000, curation_effort: 2.0}
    - {site: Trust C, kind: large_trust, images: 1500}
requesters:
  - {kind: university, sector: research, staff: "1000"}
"""


@pytest.mark.parametrize("value", ["true", "false", "yes"])
def test_a_boolean_is_not_a_count(cli, data_copy, value):
    edit(data_copy / "requests" / "scenario-3.yaml", "count: 1", f"count: {value}")
    err = one_error(cli("recommend", "scenario-3", "--data", str(data_copy)))
    assert "requests/scenario-3.yaml: sites: field 'count': expected a number, not true or false" in err


def test_a_boolean_is_not_a_number_of_images(cli, data_copy, tmp_path):
    path = tmp_path / "flag.yaml"
    path.write_text(CONTRIBUTIONS_REQUEST.replace("images: 4000", "images: true", 1))
    err = one_error(cli("split", str(path), "--total", "1000", "--data", str(data_copy)))
    assert "field 'images': expected a number, not true or false" in err


def test_an_empty_deidentification_list(cli, data_copy):
    edit(data_copy / "requests" / "scenario-1.yaml", "deidentification: [anonymised, pseudonymised]", "deidentification: []")
    err = one_error(cli("recommend", "scenario-1", "--data", str(data_copy)))
    assert "requests/scenario-1.yaml: field 'deidentification': expected a list of anonymised and/or " \
           "pseudonymised such as [pseudonymised], or the word unstated; an empty list says nothing; found []" in err


def test_duplicate_kinds_in_site_defaults(data_copy):
    path = data_copy / "site_defaults.csv"
    path.write_text(path.read_text() + "academic,9000,1.2,A second academic row.\n")
    with pytest.raises(DataValidationError) as info:
        load_dataset(data_copy)
    assert [str(p) for p in info.value.problems] == [
        "site_defaults.csv: kind 'academic': field 'kind': expected one row per site kind; found two rows"]


def test_unreachable_tree_node(data_copy):
    path = data_copy / "decision_tree.yaml"
    path.write_text(path.read_text() + (
        "  - id: orphan\n    question: Nobody asks this?\n    fact: requester.kind\n    branches:\n"
        "      - when: [university, charity, sme, multinational]\n        option: open_research\n"
        "        rationale: Never reached.\n"))
    with pytest.raises(DataValidationError) as info:
        load_dataset(data_copy)
    assert [str(p) for p in info.value.problems] == [
        "decision_tree.yaml: node 'orphan': field 'id': expected a node reached from the start ('temporality'); "
        "found no branch leading to it"]
