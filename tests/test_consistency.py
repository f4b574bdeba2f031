"""The framework checked against itself (framework/consistency.py): the samples pass; a contradiction planted in
a copy of them fails, naming the file, the leaf or option, and the facts."""

from __future__ import annotations

import warnings

from imaging_value import load_dataset
from imaging_value.core.errors import InconsistencyWarning
from imaging_value.framework.consistency import check, loader_space, static_check


def _replace(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _without_the_unstated_curation_rule(data_copy):
    rules = data_copy / "term_rules.yaml"
    text = rules.read_text(encoding="utf-8")
    start = text.index("  - id: no-exclusivity-unstated-curation")
    end = text.index("  - id: no-exclusivity-assumed-curation")
    rules.write_text(text[:start] + text[end:], encoding="utf-8")


def _planted(data_copy):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InconsistencyWarning)  # the loader's warning: the check below says more
        return load_dataset(data_copy)


def test_the_samples_are_consistent(dataset):
    report = check(dataset, loader_space(dataset))
    assert report.ok and report.problems == ()
    assert report.requests > 50 and report.outcomes >= report.requests


def test_a_leaf_that_can_never_be_signed_is_named_with_the_facts_that_reach_it(data_copy):
    # the raw-data leaf for a profit-generating SME back to a licence at cost alone: it always departs from the
    # proportionate share, so the reconciliation replaces it wherever it is reached
    _replace(
        data_copy / "decision_tree.yaml",
        "      - when: [raw]\n        option: revenue_share_licence",
        "      - when: [raw]\n        option: cost_recovery_access",
    )
    dataset = _planted(data_copy)
    report = check(dataset, loader_space(dataset))
    assert not report.ok
    never = [p for p in report.problems if p.file == "decision_tree.yaml" and "replaced in every one" in p.found]
    assert len(never) == 1, [str(p) for p in report.problems]
    problem = never[0]
    assert "retro_curation_sme" in problem.location and "raw" in problem.location
    assert "cost_recovery_access" in problem.location
    assert "curation=raw" in problem.found and "profit_stage=profit_generating" in problem.found


def test_exclusivity_where_curation_is_unstated_is_named_with_the_option_and_facts(data_copy):
    # without the rule that clears exclusivity on unstated curation, the SME licences grant it there
    _without_the_unstated_curation_rule(data_copy)
    dataset = _planted(data_copy)
    report = static_check(dataset, loader_space(dataset))
    found = [p for p in report.problems if p.field.startswith("exclusivity")]
    assert found, [str(p) for p in report.problems]
    assert all("curation=unstated" in p.found or "unstated" in p.found for p in found), [str(p) for p in found]
    assert all(p.file == "term_rules.yaml" and p.location.startswith("option '") for p in found)
    assert any("sme_incubation" in p.location or "scale_up_licence" in p.location for p in found)


def test_the_check_command_exits_2_listing_every_problem(data_copy, cli):
    _without_the_unstated_curation_rule(data_copy)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InconsistencyWarning)
        result = cli("check", "--quick", "--data", str(data_copy))
    assert result.code == 2
    assert "problem" in result.out and "term_rules.yaml" in result.out and "exclusivity_months" in result.out
