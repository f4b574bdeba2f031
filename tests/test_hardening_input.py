"""Hostile and mistaken input: each test is a defect that once got through (issue 8).

Every case must end in exit 2 and one ``error:`` line naming the file, row or key and
field, or (for the maths) in the right answer.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from imaging_value import DataValidationError, load_dataset, load_request
from imaging_value.core.errors import ParameterError

BOMB_LEVELS = "abcdefghi"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def the_one_problem(data: Path, name: str, old: str, new: str):
    """Edit one data file and load the folder: the single problem it reports."""
    edit(data / name, old, new)
    with pytest.raises(DataValidationError) as info:
        load_dataset(data)
    (problem,) = info.value.problems
    return problem


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
        "requesters:\n  - &uni {kind: university, sector: research, staff: '1000'}\n"
    )
    request = load_request(path, dataset)
    assert [c.site for c in request.sites.contributions] == ["Trust A", "Trust B"]
    assert request.sites.contributions[1].images == 4000


@pytest.mark.timeout(20)
def test_brief_never_walks_a_huge_value():
    from imaging_value.core.safetext import brief

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


@pytest.mark.parametrize(
    "name", ["decision_tree.yaml", "guidance.yaml", "fairness.yaml", "options.yaml", "levers.yaml", "pooling.yaml"]
)
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


@pytest.mark.parametrize(
    "name, old, new, key",
    [
        ("pooling.yaml", "exponent: 0.5", "exponent: 0.5\nexponent: 0.9", "exponent"),
        (
            "decision_tree.yaml",
            "    fact: request.temporality\n",
            "    fact: request.temporality\n    fact: requester.kind\n",
            "fact",
        ),
        (
            "options.yaml",
            "exclusivity_months: 12",
            "exclusivity_months: 12\n    exclusivity_months: 0",
            "exclusivity_months",
        ),
    ],
)
def test_duplicate_keys_in_data_files(data_copy, name, old, new, key):
    problem = the_one_problem(data_copy, name, old, new)
    assert (problem.file, problem.field) == (name, key)
    assert problem.location.startswith("line ") and "again (first on line" in problem.found


def test_misspelt_value_in_adjustments_csv(data_copy):
    edit(
        data_copy / "adjustments.csv",
        "univ-no-fees,requester.kind,in,university;charity",
        "univ-no-fees,requester.kind,in,universty;charity",
    )
    with pytest.raises(DataValidationError) as info:
        load_dataset(data_copy)
    assert [str(p) for p in info.value.problems] == [
        "adjustments.csv: row 1 (line 2): field 'value': expected values of requester.kind: university, charity, "
        "sme, multinational; found 'universty'"
    ]


def test_misspelt_value_in_guidance_yaml(data_copy):
    edit(data_copy / "guidance.yaml", "value: [product_access, in_kind]", "value: [product_acess, in_kind]")
    with pytest.raises(DataValidationError) as info:
        load_dataset(data_copy)
    (problem,) = info.value.problems
    assert problem.file == "guidance.yaml" and problem.location == "items[0] (dhsc-improve-care) breaks_when[0]"
    assert problem.field == "value" and problem.found == "'product_acess'"
    assert problem.expected.startswith("values of option.mechanisms: product_access, access_fee")


def test_number_test_on_a_word_fact_in_guidance_yaml(data_copy):
    edit(
        data_copy / "guidance.yaml",
        "- {fact: requester.kind, op: in, value: [university, charity]}",
        "- {fact: requester.kind, op: gt, value: 1}",
    )
    with pytest.raises(
        DataValidationError,
        match=r"guidance.yaml: items\[5\] .*field 'op': expected in, not_in or "
        "eq: requester.kind is not a number; found 'gt'",
    ):
        load_dataset(data_copy)


def test_misspelt_value_in_decision_tree_yaml(data_copy):
    edit(data_copy / "decision_tree.yaml", "when: [university, charity]", "when: [universty, charity]")
    with pytest.raises(DataValidationError) as info:
        load_dataset(data_copy)
    assert (
        "decision_tree.yaml: node 'retro_requester' branches[0]: field 'when': expected values of "
        "requester.kind: university, charity, sme, multinational; found 'universty'"
    ) in map(str, info.value.problems)


def test_misspelt_value_in_fairness_yaml(data_copy):
    edit(data_copy / "fairness.yaml", "      - when: [sme]\n", "      - when: [smee]\n")
    with pytest.raises(
        DataValidationError,
        match=r"fairness.yaml: themes\[2\]: field 'answers': expected when: "
        "values of requester.kind: .*found 'smee'",
    ):
        load_dataset(data_copy)


@pytest.mark.parametrize(
    "placeholder, found",
    [
        ("{request_curaton}", "{request_curaton}"),  # not a fact
        ("{request_curation[0]}", "{request_curation[0]}"),  # indexing
        ("{request_curation.upper}", "{request_curation.upper}"),  # attribute
        ("{request_curation:>10}", "a format spec"),  # format spec
        ("{request_curation!r}", "a format spec or conversion"),  # conversion
        ("{0}", "{0}"),  # positional
        ("{request_curation", "unbalanced braces"),
    ],
)
def test_bad_placeholder_in_a_guidance_reason(data_copy, placeholder, found):
    edit(
        data_copy / "guidance.yaml",
        "over data whose curation is {request_curation}",
        f"over data whose curation is {placeholder}",
    )
    with pytest.raises(DataValidationError) as info:
        load_dataset(data_copy)
    (problem,) = info.value.problems
    assert (problem.file, problem.location, problem.field) == (
        "guidance.yaml",
        "items[2] (dhsc-no-exclusive-raw)",
        "reason",
    )
    assert found in problem.found and "request_curation" in problem.expected


def test_bad_placeholder_in_a_fairness_answer(data_copy):
    edit(data_copy / "fairness.yaml", "({outcomes})", "({outcomes[0]})")
    with pytest.raises(
        DataValidationError,
        match=r"fairness.yaml: themes\[0\].answers\[2\]: field 'text': expected "
        r"\{name\} placeholders naming one of recommended, .*found "
        r"\{outcomes\[0\]\}",
    ):
        load_dataset(data_copy)


def test_fairness_placeholders_are_what_the_report_fills(dataset):
    """The list the validator accepts is exactly what the request report computes."""
    from imaging_value.capabilities.fairness import context as fairness_context
    from imaging_value.model.schema import FAIRNESS_PLACEHOLDERS
    from imaging_value.reports import request_report

    report = request_report("scenario-1", data_dir=str(dataset.root), samples=200)
    assert set(fairness_context(report.case, 0)) - {"recommended_id"} == set(FAIRNESS_PLACEHOLDERS)


@pytest.mark.parametrize(
    "name, old, new, field",
    [
        ("site_defaults.csv", "large_trust,5000,1.0", "large_trust,inf,1.0", "images"),
        ("site_defaults.csv", "large_trust,5000,1.0", "large_trust,5000,Infinity", "curation_effort"),
        ("profiles.csv", "equal,Equal weights,1,1,1,1,1", "equal,Equal weights,inf,1,1,1,1", "clinical"),
        ("pooling.yaml", "scale: 10000", "scale: .inf", "scale"),
        (
            "adjustments.csv",
            "many-sites-open,request.sites.count,ge,10,",
            "many-sites-open,request.sites.count,ge,inf,",
            "value",
        ),
    ],
)
def test_infinite_numbers_in_data_files(data_copy, name, old, new, field):
    problem = the_one_problem(data_copy, name, old, new)
    assert (problem.file, problem.field) == (name, field)
    assert "finite" in problem.expected or "less than" in problem.expected or "greater than" in problem.expected


def test_infinite_bound_in_a_guidance_condition(data_copy):
    edit(
        data_copy / "guidance.yaml",
        "- {fact: option.exclusivity_months, op: gt, value: 0}",
        "- {fact: option.exclusivity_months, op: gt, value: .inf}",
    )
    with pytest.raises(DataValidationError, match=r"guidance.yaml: items\[2\] .*breaks_when\[0\]"):
        load_dataset(data_copy)


@pytest.mark.parametrize(
    "old, new, field",
    [
        ("images: 4000", "images: .inf", "images"),
        ("curation_effort: 2.0", "curation_effort: .inf", "curation_effort"),
    ],
)
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
    edit(
        data_copy / "requests" / "scenario-1.yaml",
        "deidentification: [anonymised, pseudonymised]",
        "deidentification: []",
    )
    err = one_error(cli("recommend", "scenario-1", "--data", str(data_copy)))
    assert (
        "requests/scenario-1.yaml: field 'deidentification': expected a list of anonymised and/or "
        "pseudonymised such as [pseudonymised], or the word unstated; an empty list says nothing; found []" in err
    )


def test_duplicate_kinds_in_site_defaults(data_copy):
    path = data_copy / "site_defaults.csv"
    path.write_text(path.read_text() + "academic,9000,1.2,A second academic row.\n")
    with pytest.raises(DataValidationError) as info:
        load_dataset(data_copy)
    assert [str(p) for p in info.value.problems] == [
        "site_defaults.csv: kind 'academic': field 'kind': expected one row per site kind; found two rows"
    ]


def test_unreachable_tree_node(data_copy):
    path = data_copy / "decision_tree.yaml"
    path.write_text(
        path.read_text()
        + (
            "  - id: orphan\n    question: Nobody asks this?\n    fact: requester.kind\n    branches:\n"
            "      - when: [university, charity, sme, multinational]\n        option: open_research\n"
            "        rationale: Never reached.\n"
        )
    )
    with pytest.raises(DataValidationError) as info:
        load_dataset(data_copy)
    assert [str(p) for p in info.value.problems] == [
        "decision_tree.yaml: node 'orphan': field 'id': expected a node reached from the start ('temporality'); "
        "found no branch leading to it"
    ]


# --- 4. numbers that overflow ---------------------------------------------------------------------


def no_warnings(run, *args):
    """Run the command with every warning an error: a RuntimeWarning must not precede the error line."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return run(*args)


@pytest.mark.parametrize("images", ["1e308", "1.0e+13"])
def test_a_huge_image_count_is_one_clean_error(cli, data_copy, tmp_path, images):
    path = tmp_path / "huge.yaml"
    path.write_text(CONTRIBUTIONS_REQUEST.replace("images: 4000", f"images: {images}", 1))
    err = one_error(no_warnings(cli, "split", str(path), "--total", "1000", "--data", str(data_copy)))
    assert "huge.yaml: sites.contributions[0]: field 'images': expected less than or equal to 1000000000000" in err


@pytest.mark.parametrize("total", ["1e30", "1e308", "1000000000001", "inf", "nan", "-5"])
def test_a_total_outside_the_documented_range(cli, total):
    err = one_error(no_warnings(cli, "split", "scenario-2", "--total", total))
    assert "parameter 'total': expected a finite number >= 0, at most 1,000,000,000,000" in err
    assert "amounts" not in err and "units" not in err  # no internals


def test_the_largest_total_splits_to_the_penny(cli):
    answer = no_warnings(cli, "split", "scenario-2", "--total", "1e12", "--rule", "pro_rata", "--json").json()
    shares = [round(s["share"] * 100) for s in answer["rules"]["pro_rata"]]
    assert sum(shares) == 10**14


@pytest.mark.parametrize("command", ["rank", "stability"])
def test_huge_weights_are_out_of_range_not_all_zero(cli, command):
    err = one_error(no_warnings(cli, command, "scenario-1", "--weights", "clinical=1e308,social=1e308"))
    assert "all weights 0" not in err and "summing to 1" not in err
    assert "for lever 'clinical', at most 1,000,000" in err


def test_tiny_weights_are_not_all_zero(cli):
    from imaging_value import normalise_weights

    assert normalise_weights({"social": 5e-324}, ("clinical", "social")) == {"clinical": 0.0, "social": 1.0}
    result = no_warnings(cli, "rank", "scenario-1", "--weights", "clinical=1e-300,social=1e-310", "--json")
    assert result.code == 0 and result.json()["weights"]["clinical"] == pytest.approx(1.0, abs=1e-9)
    err = one_error(cli("rank", "scenario-1", "--weights", "clinical=0,social=0.0"))
    assert "all weights 0" in err


def test_profile_weights_past_the_range(data_copy):
    edit(data_copy / "profiles.csv", "equal,Equal weights,1,1,1,1,1", "equal,Equal weights,1e308,1e308,1,1,1")
    with pytest.raises(DataValidationError) as info:
        load_dataset(data_copy)
    assert [p.field for p in info.value.problems] == ["clinical", "social"]
    assert info.value.problems[0].expected == "less than or equal to 1000000"


@pytest.mark.parametrize(
    "args",
    [
        ["acceptability", "scenario-1", "--samples", "1000001"],
        ["acceptability", "scenario-1", "--samples", "100000000000"],
        ["split", "scenario-2", "--total", "1000", "--rule", "shapley", "--samples", "1000001"],
    ],
)
def test_samples_have_an_upper_bound(cli, args):
    err = one_error(cli(*args))
    assert "parameter 'samples': expected an integer from 1 to 1,000,000" in err


def test_samples_bound_in_the_report_and_the_pooling_file(data_copy):
    from imaging_value.maths.smaa import check_samples
    from imaging_value.reports import request_report

    assert check_samples(1_000_000) == 1_000_000
    with pytest.raises(ParameterError, match="parameter 'samples': expected an integer from 1 to 1,000,000"):
        request_report("scenario-1", data_dir=str(data_copy), samples=10**7)
    edit(data_copy / "pooling.yaml", "samples: 20000", "samples: 50000000")
    with pytest.raises(
        DataValidationError, match="pooling.yaml: field 'samples': expected less than or equal to 1000000"
    ):
        load_dataset(data_copy)


def test_score_uncertainty_past_the_score_range_is_an_error_not_a_traceback(cli):
    err = one_error(cli("acceptability", "scenario-1", "--samples", "100", "--score-uncertainty", "1e308"))
    assert "parameter 'score_uncertainty': expected a finite number >= 0 and <= 10" in err


# --- 9. text that reaches other programs ------------------------------------------------------------


def test_csv_exports_neutralise_formulas_and_keep_numbers(data_copy, tmp_path):
    import csv

    from imaging_value.export import export_all

    edit(data_copy / "projects.csv", "Stroke and AI,", '=HYPERLINK("http://example.invalid"),')
    edit(
        data_copy / "guidance.yaml",
        "reason: prices expert-curated data like raw data",
        "reason: +prices expert-curated data like raw data",
    )
    out = tmp_path / "out"
    export_all(load_dataset(data_copy), out)
    with open(out / "portfolio.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    names = [row["name"] for row in rows]
    assert '\'=HYPERLINK("http://example.invalid")' in names
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row.values())
    sizes = {row["name"]: row["dataset_size"] for row in rows}
    assert sizes["UK Biobank"] if "UK Biobank" in sizes else True
    assert all(s == "" or s.isdigit() for s in sizes.values())  # numbers stay numbers
    with open(out / "scenario-3-rank.csv", newline="") as handle:  # curated data: the charge-by-type flag
        ranking = list(csv.DictReader(handle))
    flagged = [row["flags"] for row in ranking if "prices expert-curated data like raw data" in row["flags"]]
    assert flagged and all(not f.startswith("+") for f in flagged)
    assert all(float(row["score"]) >= 0 for row in ranking)


@pytest.mark.parametrize(
    "value, cell",
    [
        ("=1+2", "'=1+2"),
        ("+1+2", "'+1+2"),
        ("-1+cmd", "'-1+cmd"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("-4", "-4"),
        ("+3.5", "+3.5"),
        ("-1e5", "-1e5"),
        ("plain", "plain"),
        (-4, -4),
        (2.5, 2.5),
        (None, None),
    ],
)
def test_spreadsheet_cell(value, cell):
    from imaging_value.core.safetext import spreadsheet_cell

    assert spreadsheet_cell(value) == cell


ESCAPES = "Trust \\e[31mRED\\e[0m \\x9b2J \\u202eevil"  # YAML double-quoted escapes: ESC, CSI (C1), RLO


def test_control_characters_in_names_are_escaped_on_the_terminal(cli, data_copy, tmp_path):
    path = tmp_path / "ansi.yaml"
    path.write_text(CONTRIBUTIONS_REQUEST.replace("site: Trust A", f'site: "{ESCAPES}"', 1))
    text = cli("split", str(path), "--total", "1000", "--data", str(data_copy))
    assert text.code == 0
    for raw in ("\x1b", "\x9b", "\u202e"):
        assert raw not in text.out
    assert "Trust \\x1b[31mRED\\x1b[0m \\x9b2J \\u202eevil" in text.out
    as_json = cli("split", str(path), "--total", "1000", "--data", str(data_copy), "--json")
    assert not any(raw in as_json.out for raw in ("\x1b", "\x9b", "\u202e"))
    assert as_json.json()["sites"][0]["site"] == "Trust \x1b[31mRED\x1b[0m \x9b2J \u202eevil"  # same value


def test_control_characters_in_an_error_line_are_escaped(cli, data_copy, tmp_path):
    path = tmp_path / "ansi-key.yaml"
    path.write_text(CONTRIBUTIONS_REQUEST.replace("title: Three trusts", 'title: Three trusts\n"\\e[2Jevil": 1'))
    err = one_error(cli("recommend", str(path), "--data", str(data_copy)))
    assert "\x1b" not in err and "\\x1b[2Jevil" in err


@pytest.mark.parametrize(
    "name, secrets",
    [
        ("pooling.yaml", ["power", "0.5", "square-root"]),
        ("levers.yaml", ["Clinical", "question"]),
        ("projects.csv", ["Stroke", "54,000"]),
    ],
)
def test_a_file_that_is_not_a_request_says_so_without_its_values(cli, samples, name, secrets):
    err = one_error(cli("recommend", str(samples / name)))
    assert f"error: {name}: " in err and "this file is not a request" in err
    for secret in secrets:
        assert secret not in err


# --- 10. small things: ties, numbering, messages --------------------------------------------------


def exact_utilities(dataset, table, profile):
    """Utilities in exact rational arithmetic: no float noise to split a tie."""
    from fractions import Fraction

    p = dataset.profile(profile).raw_weights()
    total = sum(Fraction(str(v)) for v in p.values())
    return [
        sum(Fraction(str(table.scores.loc[o, lever])) * Fraction(str(p[lever])) / total for lever in table.levers)
        for o in table.options
    ]


@pytest.mark.parametrize("rid", ["scenario-1", "scenario-2", "scenario-3", "scenario-4"])
def test_kendall_tau_matches_scipy_on_exact_utilities(dataset, rid):
    from scipy.stats import kendalltau

    from imaging_value.framework.analysis import align_stakeholders as alignment
    from imaging_value.framework.scoring import score_options

    request = load_request(rid, dataset)
    for index in range(len(request.requesters)):
        table = score_options(dataset, request, index)
        result = alignment(dataset, table)
        exact = {p: exact_utilities(dataset, table, p) for p in result.profiles}
        for p in result.profiles:
            for q in result.profiles:
                expected = kendalltau([float(x) for x in exact[p]], [float(x) for x in exact[q]]).statistic
                assert result.kendall_tau.loc[p, q] == pytest.approx(expected, abs=1e-12), (rid, index, p, q)


def test_kendall_tau_scenario_three_broker(cli):
    from scipy.stats import kendalltau

    result = cli("alignment", "scenario-3", "--json").json()["results"][0]
    tau = result["kendall_tau"]["broker"]
    broker, equal = result["normalised"]["broker"], result["normalised"]["equal"]
    options = list(broker)
    # tied pairs are ties (tau-b), exactly as scipy computes it on values rounded as the ranking compares them
    expected = kendalltau([round(broker[o], 9) for o in options], [round(equal[o], 9) for o in options]).statistic
    assert tau["equal"] == pytest.approx(expected, abs=1e-12) and tau["equal"] < 1


@pytest.mark.parametrize(
    "scores, lever, side",
    [
        # all weight on lever w: the winner and option c both score 10 there, a tie at t = 1
        ([[6, 4, 9, 1, 7], [5, 10, 8, 9, 9], [0, 10, 1, 4, 2]], "w", "above"),
        # no weight on lever v: the winner and option c both come to 68/9 on the others, a tie at t = 0
        ([[10, 10, 6, 8, 8], [2, 10, 0, 9, 7], [3, 3, 10, 2, 10]], "v", "below"),
    ],
)
def test_a_tie_at_an_end_of_the_weight_range_is_not_a_takeover(scores, lever, side):
    from imaging_value.maths.stability import weight_stability

    weights = [3 / 12, 2 / 12, 4 / 12, 1 / 12, 2 / 12]
    result = weight_stability(scores, ["a", "b", "c"], list("vwxyz"), weights)
    (row,) = [row for row in result.to_dict()["levers"] if row["lever"] == lever]
    if side == "above":
        assert row["upper"] == 1.0 and row["taker_above"] is None
    else:
        assert row["lower"] == 0.0 and row["taker_below"] is None


def test_chart_text_is_escaped_once(dataset, data_copy):
    import json

    from imaging_value.engine.case import analyse
    from imaging_value.framework.tree import recommend
    from imaging_value.present import figures as views

    label = 'Fish & "Chips" <b>bold</b>'
    edit(data_copy / "options.yaml", "label: Open research access", f"label: '{label}'")
    data = load_dataset(data_copy)
    request = load_request("scenario-4", data)
    analysis = analyse(data, request, 0, None, n_samples=200)
    figures = [
        views.ranking_figure(data, analysis.ranking),
        views.lever_profile_figure(data, analysis.table),
        views.acceptability_figure(data, analysis.acceptability),
        views.stability_figure(data, analysis.stability, title=None),
        views.alignment_figure(data, analysis.alignment),
        views.tree_figure(data, recommend(data, request, 0)),
    ]
    text = json.dumps([fig.to_plotly_json() for fig in figures], default=str)
    assert 'Fish &amp; \\"Chips\\" &lt;b&gt;bold&lt;/b&gt;' in text or 'Fish &amp; "Chips"' in text
    for twice in ("&quot;", "&amp;amp;", "&amp;quot;", "&amp;lt;", "&#x27;"):
        assert twice not in text
    assert "<b>bold" not in text


def test_stability_title_escapes_the_winner_once(dataset, data_copy):
    from imaging_value.engine.case import analyse
    from imaging_value.present import figures as views

    edit(data_copy / "options.yaml", "label: SME incubation", "label: 'R&D \"open\"'")
    data = load_dataset(data_copy)
    analysis = analyse(data, load_request("scenario-4", data), 0, None, n_samples=200)
    assert analysis.stability.winner == "sme_incubation"
    title = views.stability_figure(data, analysis.stability).layout.title.text
    assert title == 'How far each weight can move before R&amp;D "open" loses first place'


def test_requesters_are_numbered_from_one_in_command_line_text(cli):
    text = cli("recommend", "scenario-2").out
    assert "requester 1 (SMEs under 50 staff, pre-profit): " in text
    assert "requester 3 (Multinational pharma and diagnostics company): " in text
    assert "requester 0" not in text
    for command in ("rank", "stability", "alignment"):
        out = cli(command, "scenario-2", "--requester", "2").out
        assert "requester 3 (Multinational pharma and diagnostics company)" in out and "requester 2 " not in out
    answer = cli("recommend", "scenario-2", "--json").json()
    assert sorted({r["requester_index"] for r in answer["recommendations"]}) == [0, 1, 2]
    value = cli("value", "scenario-2", "--requester", "2", "--draws", "1000").out
    assert "requester 3 (Multinational pharma and diagnostics company):" in value and "requester 2 " not in value
    summit = cli("summit", "illustrative", "--samples", "500").out
    assert "scenario-2 requester 3: smallest worst shortfall" in summit and "requester 0" not in summit


def test_requester_option_says_what_it_counts_from(capsys):
    from imaging_value.cli import build_parser

    with pytest.raises(SystemExit):
        build_parser().parse_args(["rank", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "counted from 0 as requester_index in the JSON (the text's 'requester 1' is --requester 0)" in help_text


def test_report_parameters_number_the_requester_as_the_headings_do():
    from imaging_value.reports import request_report

    report = request_report("scenario-2", requester=1, data_dir="data/samples", samples=200)
    assert report.parameters["requester"] == "Requester 2 only (parameter requester: 1)"
    assert "Requester 2 (multinational):" in report.key_findings()


def test_deidentification_as_a_word_says_to_write_a_list(cli, data_copy):
    edit(
        data_copy / "requests" / "scenario-1.yaml",
        "deidentification: [anonymised, pseudonymised]",
        "deidentification: pseudonymised",
    )
    err = one_error(cli("recommend", "scenario-1", "--data", str(data_copy)))
    assert (
        "requests/scenario-1.yaml: field 'deidentification': expected a list of anonymised and/or "
        "pseudonymised such as [pseudonymised], or the word unstated (write [pseudonymised], in brackets); "
        "found 'pseudonymised'" in err
    )
    assert "tuple[" not in err and "literal[" not in err


def test_deidentification_with_an_unknown_word(cli, data_copy):
    edit(
        data_copy / "requests" / "scenario-1.yaml",
        "deidentification: [anonymised, pseudonymised]",
        "deidentification: [anonymized]",
    )
    err = one_error(cli("recommend", "scenario-1", "--data", str(data_copy)))
    assert "field 'deidentification'" in err and "'anonymized' is not one of them" in err
    assert "tuple[" not in err and "literal[" not in err


def test_a_thousands_comma_inside_braces_says_how_to_write_the_number(cli, data_copy, tmp_path):
    path = tmp_path / "comma.yaml"
    path.write_text(CONTRIBUTIONS_REQUEST.replace("images: 4000}", "images: 2,200}", 1))
    err = one_error(cli("split", str(path), "--total", "1000", "--data", str(data_copy)))
    assert (
        "comma.yaml: line 11: field '200': expected a field name (text) as every key; found the int 200 as a "
        "key (inside {...} a comma separates entries: write a number like 2,200 as 2200)" in err
    )
    assert "Keys should be strings" not in err and "0[200]" not in err


def test_a_currency_total_says_to_write_a_plain_number(cli):
    err = one_error(cli("split", "scenario-2", "--total", "£250,000"))
    assert (
        "parameter 'total': expected a plain number such as 250000 (write 250000, with no currency sign or "
        "thousands separators); found '£250,000'" in err
    )
    assert "invalid float value" not in err


def test_site_kinds_must_match_the_contributions(cli, data_copy, tmp_path):
    path = tmp_path / "kinds.yaml"
    path.write_text(CONTRIBUTIONS_REQUEST.replace("kind: academic, images: 9000", "kind: large_trust, images: 9000"))
    err = one_error(cli("split", str(path), "--total", "1000", "--data", str(data_copy)))
    assert (
        "kinds.yaml: sites: field 'kinds': expected only kinds that some site in contributions has "
        "(large_trust); found academic" in err
    )
    path.write_text(CONTRIBUTIONS_REQUEST.replace("kinds: [large_trust, academic]", "kinds: [large_trust]"))
    err = one_error(cli("split", str(path), "--total", "1000", "--data", str(data_copy)))
    assert "field 'kinds': expected every kind a site in contributions has; found no academic" in err
