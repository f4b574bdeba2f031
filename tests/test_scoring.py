"""Scoring and ranking, on worked examples checked by hand against the data files."""

import math

import pytest

from imaging_value import ParameterError, load_request, normalise_weights, rank_options, score_options

LEVERS = ("clinical", "social", "economic_development", "environmental", "commercial")


def test_scenario_three_scores_by_hand(dataset):
    # Scenario three: one academic site, a profit-generating SME, curated data, temporality unstated.
    table = score_options(dataset, load_request("scenario-3", dataset), 0)
    fired = set(table.fired["id"])
    assert fired == {
        "profit-noembargo",
        "profit-defer",
        "curated-underpriced",
        "curated-royalty",
        "curated-royalty-sme",
        "curated-codev",
        "sme-codev",
        "one-site-codev",
    }
    # strategic_codevelopment base 8,6,5,6,9; +1 clinical (curated), +1 social (one site), -2 econ (SME)
    assert table.scores.loc["strategic_codevelopment"].tolist() == [9, 7, 3, 6, 9]
    # scale_up_licence base 6,5,7,5,7; +1 commercial (curated)
    assert table.scores.loc["scale_up_licence"].tolist() == [6, 5, 7, 5, 8]
    # sme_incubation base 6,5,9,5,5; -3 econ (established company), -1 commercial (can pay now)
    assert table.scores.loc["sme_incubation"].tolist() == [6, 5, 6, 5, 4]
    # the base table is kept alongside, unchanged
    assert table.base.loc["sme_incubation"].tolist() == [6, 5, 9, 5, 5]


def test_ranking_by_hand_with_two_levers(dataset):
    table = score_options(dataset, load_request("scenario-3", dataset), 0)
    ranking = rank_options(table, {"clinical": 1, "commercial": 1})
    # clinical and commercial half each: strategic (9+9)/2 = 9; enterprise (6+9)/2 = 7.5; scale-up (6+8)/2 = 7
    assert ranking.order[:3] == ("strategic_codevelopment", "enterprise_licence", "scale_up_licence")
    assert ranking.totals["strategic_codevelopment"] == pytest.approx(9.0)
    assert ranking.totals["enterprise_licence"] == pytest.approx(7.5)
    assert ranking.totals["scale_up_licence"] == pytest.approx(7.0)
    assert ranking.contributions.loc["scale_up_licence", "commercial"] == pytest.approx(4.0)
    assert ranking.weights["social"] == 0.0


def test_equal_weights_by_default(dataset):
    table = score_options(dataset, load_request("scenario-3", dataset), 0)
    ranking = rank_options(table)
    assert all(w == pytest.approx(0.2) for w in ranking.weights.values())
    # strategic: (9+7+3+6+9)/5 = 6.8
    assert ranking.totals["strategic_codevelopment"] == pytest.approx(6.8)


def test_all_weight_on_one_lever_picks_that_levers_best(dataset):
    table = score_options(dataset, load_request("scenario-2", dataset), 0)
    for lever in LEVERS:
        ranking = rank_options(table, {lever: 1})
        assert table.scores.loc[ranking.winner, lever] == table.scores[lever].max()


def test_scores_are_clipped_to_the_scale(dataset):
    for rid in dataset.request_ids():
        request = load_request(rid, dataset)
        for index in range(len(request.requesters)):
            scores = score_options(dataset, request, index).scores
            assert scores.min().min() >= 0 and scores.max().max() <= 10


def test_ties_keep_the_options_file_order(dataset):
    table = score_options(dataset, load_request("scenario-3", dataset), 0)
    ranking = rank_options(table, {"environmental": 1})
    # environmental scores: every option 5 except strategic 6, so the rest tie and keep file order
    assert ranking.order == (
        "strategic_codevelopment",
        "open_research",
        "sme_incubation",
        "cost_recovery_access",
        "revenue_share_licence",
        "scale_up_licence",
        "enterprise_licence",
    )


def test_weights_normalise():
    assert normalise_weights({"clinical": 3, "commercial": 1}, LEVERS) == {
        "clinical": 0.75,
        "social": 0.0,
        "economic_development": 0.0,
        "environmental": 0.0,
        "commercial": 0.25,
    }
    assert math.isclose(sum(normalise_weights(None, LEVERS).values()), 1.0)


@pytest.mark.parametrize(
    "weights, message",
    [
        ({"clinical": 0, "commercial": 0}, "at least one positive weight"),
        ({"clinical": -1, "commercial": 2}, "non-negative number for lever 'clinical'"),
        ({"clinical": float("nan")}, "non-negative number for lever 'clinical'"),
        ({"clinicl": 1}, "lever names from clinical"),
    ],
)
def test_bad_weights_are_errors(weights, message):
    with pytest.raises(ParameterError, match="weights") as info:
        normalise_weights(weights, LEVERS)
    assert message in str(info.value)
    assert isinstance(info.value, ValueError)


def test_requester_index_out_of_range(dataset):
    with pytest.raises(ParameterError, match="requester.*from 0 to 0"):
        score_options(dataset, load_request("scenario-3", dataset), 1)
