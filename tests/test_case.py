"""The one Case: each answer computed once, lazily; a new view recomputes only the weighted answers."""

import pytest

from imaging_value import load_dataset, load_request, rank_options, score_options
from imaging_value.engine.case import Case

DATA = "data/samples"


@pytest.fixture(scope="module")
def dataset():
    return load_dataset(DATA)


@pytest.fixture
def counted(monkeypatch):
    """How often each requester is scored (the judgement table every answer starts from, as the score
    table's module calls it), with the facts it was scored on: a branch of the decision tree that assumes a
    fact is scored on its own facts, once."""
    import imaging_value.framework.lever_value as scoring

    calls = []
    real = scoring.score_options

    def counting(dataset, request, index):
        requester = request.requesters[index]
        facts = (request.temporality, request.curation, requester.kind, requester.profit_stage)
        calls.append((request.id, index) if facts == stated[(request.id, index)] else (request.id, index, facts))
        return real(dataset, request, index)

    stated = {
        (rid, i): (r.temporality, r.curation, q.kind, q.profit_stage)
        for rid in ("scenario-1", "scenario-2", "scenario-3", "scenario-4")
        for r in [load_request(rid, load_dataset(DATA))]
        for i, q in enumerate(r.requesters)
    }

    monkeypatch.setattr(scoring, "score_options", counting)
    return calls


def test_each_answer_is_computed_once_and_matches_the_direct_call(dataset, counted):
    request = load_request("scenario-2", dataset)
    case = Case(dataset, request, profile="nhs_finance", samples=300, seed=3)
    assert case.requesters == (0, 1, 2)
    for _ in range(2):
        ranking = case.ranking(1)
        case.stability(1), case.alignment(1), case.acceptability(1), case.agreements(1)
    assert counted == [("scenario-2", 1)]
    direct = rank_options(score_options(dataset, request, 1), case.weights)
    assert ranking.order == direct.order and case.weights["commercial"] == pytest.approx(0.5)
    assert case.acceptability(1) is case.acceptability(1)


def test_a_new_view_shares_the_unweighted_answers(dataset, counted):
    case = Case(dataset, load_request("scenario-1", dataset), 0, samples=200)
    table, tree = case.table(0), case.recommendations(0)
    other = case.with_weights({"clinical": 3, "commercial": 1})
    assert other.table(0) is table and other.recommendations(0) is tree
    assert other.ranking(0) is not case.ranking(0)
    assert other.weights["clinical"] == pytest.approx(0.75) and other.weights["commercial"] == pytest.approx(0.25)
    assert counted == [("scenario-1", 0)]


def test_a_bad_requester_or_view_is_a_parameter_error(dataset):
    from imaging_value import ParameterError

    case = Case(dataset, load_request("scenario-1", dataset), 4)
    with pytest.raises(ParameterError, match="requester"):
        _ = case.requesters
    with pytest.raises(ParameterError, match="profile"):
        _ = Case(dataset, None, profile="nobody").weights


def test_the_comparison_scores_every_requester_once(counted):
    from imaging_value.reports import compare_report

    report = compare_report(DATA, profile="clinicians", seed=1)
    report.brief(), report.overview(), report.key_findings(), report.differences(), report.chart()
    assert counted and len(counted) == len(set(counted))


def test_the_request_report_scores_every_requester_once(counted):
    from imaging_value.reports import request_report

    report = request_report("scenario-2", data_dir=DATA, samples=200, seed=1)  # no fact of it is assumed
    (
        report.decision(),
        report.key_findings(),
        report.section("rank"),
        report.section("acceptability"),
        report.html("fairness"),
    )
    report.section("alignment"), report.section("scores"), report.html("guidance")
    assert sorted(counted) == [("scenario-2", 0), ("scenario-2", 1), ("scenario-2", 2)]
