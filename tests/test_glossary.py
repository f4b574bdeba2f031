"""Plain words: glossary.yaml is validated like every data file; no term on its not-for-the-board list reaches a
decision block or the board paper; every term it explains is explained once, where the working first uses it."""

from __future__ import annotations

import html
import re

import pytest
import yaml
from markupsafe import escape

from imaging_value import load_dataset
from imaging_value.core.errors import DataValidationError
from imaging_value.engine.case import Case
from imaging_value.model.data import load_request

REQUESTS = ("scenario-1", "scenario-2", "scenario-3", "scenario-4")
VIEWS = ({}, {"profile": "clinicians"}, {"profile": "nhs_finance"}, {"weights": {"commercial": 3, "clinical": 1}})


def text_of(page: str) -> str:
    """What a reader sees of an HTML fragment: no tags, entities read, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def rule_ids(dataset) -> set[str]:
    spec = dataset.agreement.reconciliation
    return {spec.default.id, spec.replacement.id, *(o.id for o in spec.overrides)}


def edited(data_copy, change) -> None:
    path = data_copy / "glossary.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def test_every_entry_has_plain_words_or_an_explanation_with_its_rationale_and_source(dataset):
    glossary = dataset.glossary
    assert glossary is not None and glossary.not_for_board
    for entry in glossary.terms:
        assert entry.plain or entry.explain
        assert entry.rationale and entry.source
    # the terms the board member did not know (issue 22) are all kept from the board
    kept = {e.term for e in glossary.not_for_board_entries()}
    for term in ("rNPV", "P10", "P90", "Pareto set", "win:win", "Kendall's tau", "SMAA-2", "central weights"):
        assert term in kept
    for term in ("confidence factor", "minimax regret", "Shapley value", "year 0", "(equal)"):
        assert term in kept


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["terms"][0].pop("plain") and d["terms"][0].pop("explain"), "neither"),
        (lambda d: d["not_for_board"].append("no_such_term"), "no_such_term"),
        (lambda d: d["terms"][0].update(source="a blog"), "source"),
        (lambda d: d["terms"].append(dict(d["terms"][0])), "more than once"),
    ],
    ids=["no-words", "unknown-id", "bad-source", "duplicate"],
)
def test_a_bad_glossary_is_one_error_naming_the_file_and_the_field(data_copy, change, message):
    edited(data_copy, change)
    with pytest.raises(DataValidationError) as caught:
        load_dataset(data_copy)
    text = caught.value.one_line()
    assert "glossary.yaml" in text and message in text


def test_a_missing_glossary_is_named(data_copy):
    (data_copy / "glossary.yaml").unlink()
    with pytest.raises(DataValidationError, match="glossary.yaml"):
        load_dataset(data_copy)


@pytest.mark.parametrize("request_id", REQUESTS)
def test_no_decision_block_shows_a_term_kept_from_the_board(dataset, request_id):
    from imaging_value.capabilities import View, capability

    request = load_request(request_id, dataset)
    for view in VIEWS:
        case = Case(dataset, request, **view)
        page = text_of("".join(map(str, capability("decision").present(View(case, case.requesters, str)))))
        assert "Worth about" in page
        assert dataset.glossary.board_terms_in(page) == [], (request_id, view)
        for rule in rule_ids(dataset):  # the reconciliation's rule ids are for the working only
            assert f"({rule})" not in page


def test_the_board_paper_shows_no_term_kept_from_the_board(samples):
    from imaging_value.reports.board import board_report

    for view in VIEWS:
        board = board_report(data_dir=str(samples), **view)
        page = text_of(board.header() + board.decisions() + board.requests() + board.provenance())
        assert "The decisions to take" in page and "1 in 10 chance of" in page
        assert board.dataset.glossary.board_terms_in(page) == [], view
        for rule in rule_ids(board.dataset):
            assert f"({rule})" not in page


def test_a_term_kept_from_the_board_is_found_wherever_it_is_written(dataset):
    found = dataset.glossary.board_terms_in(
        "The P10 is low; win:win SME; (equal) view; Kendall's tau; breaks even year 0"
    )
    assert found == ["P10", "year 0", "(equal)", "win:win", "Kendall's tau"]
    assert dataset.glossary.board_terms_in("A tapestry of weighted values in the year 2030") == []


@pytest.mark.parametrize("request_id", REQUESTS)
def test_every_explained_term_is_explained_once_where_the_working_first_uses_it(samples, request_id):
    from imaging_value.reports.request import request_report

    report = request_report(request=request_id, data_dir=str(samples))
    working = "".join(item for item in report.sections() if isinstance(item, str))
    explained = 0
    for entry in report.dataset.glossary.explained():
        uses = [m.start() for m in entry.pattern().finditer(working)]
        if not uses:
            continue
        explanation = str(escape(entry.explain))  # as the template wrote it (autoescaped)
        assert working.count(explanation) == 1, f"{entry.id}: explained {working.count(explanation)} times"
        at = working.index(explanation)
        between = working[min(at, uses[0]) : max(at, uses[0])]
        assert at <= uses[0] or not re.search(r"</p>|<h[1-6]|</table>", between), (
            f"{entry.id}: first used before its explanation, in another paragraph"
        )
        explained += 1
    assert explained >= 10  # the valuation's, the views', the robustness and the split's terms
