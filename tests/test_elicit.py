"""Elicitation methods: published worked examples, a peer implementation, and the formulas."""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pytest

from conftest import LEVER_IDS
from imaging_value.core.errors import ParameterError
from imaging_value.maths.elicit import (
    RANDOM_INDEX,
    aggregate_group,
    ahp,
    ahp_matrix,
    point_weights,
    rank_order_centroid,
    swing_weights,
)

# Saaty, T. L. (1990). "How to make a decision: The Analytic Hierarchy Process". European Journal of
# Operational Research 48, 9-26: the house-buying example. Criteria: size of house, transportation,
# neighbourhood, age of house, yard space, modern facilities, general condition, financing.
# Published: priorities .173 .054 .188 .018 .031 .036 .167 .333; lambda_max 9.669, C.I. .238, C.R. .169.
HOUSE_CRITERIA = """
1   5   3   7   6   6   1/3 1/4
1/5 1   1/3 5   3   3   1/5 1/7
1/3 3   1   6   3   4   6   1/5
1/7 1/5 1/6 1   1/3 1/4 1/7 1/8
1/6 1/3 1/3 3   1   1/2 1/5 1/6
1/6 1/3 1/4 4   2   1   1/5 1/6
3   5   1/6 7   5   5   1   1/2
4   7   5   8   6   6   2   1
"""
HOUSE_LABELS = ["size", "transportation", "neighbourhood", "age", "yard", "modern_facilities", "condition", "financing"]
HOUSE_PRIORITIES = [0.173, 0.054, 0.188, 0.018, 0.031, 0.036, 0.167, 0.333]
# The same paper: the three houses A, B, C compared on size of house; published .754 .181 .065,
# lambda_max 3.136, C.R. .117.
HOUSE_SIZE = [[1, 6, 8], [1 / 6, 1, 4], [1 / 8, 1 / 4, 1]]


def parse_matrix(text: str) -> np.ndarray:
    return np.array([[float(Fraction(x)) for x in line.split()] for line in text.strip().splitlines()])


def test_ahp_reproduces_saaty_1990_house_criteria():
    result = ahp(parse_matrix(HOUSE_CRITERIA), HOUSE_LABELS)
    assert [round(result.weights[label], 3) for label in HOUSE_LABELS] == HOUSE_PRIORITIES
    assert round(result.lambda_max, 3) == 9.669
    assert round(result.consistency_index, 3) == 0.238
    assert result.random_index == 1.41
    assert round(result.consistency_ratio, 3) == 0.169
    # CR above 0.1: accepted, with a warning that names the comparison furthest from the weights
    (warning,) = result.warnings
    a, b = result.most_inconsistent
    assert f"{a}/{b}" in warning and "0.169" in warning
    assert (a, b) == ("neighbourhood", "condition")  # judged 6, while the weights imply about 1.1
    assert result.judged == 6.0 and round(result.implied, 2) == round(0.188 / 0.167, 2)


def test_ahp_reproduces_saaty_1990_house_size():
    result = ahp(HOUSE_SIZE, ["A", "B", "C"])
    assert [round(result.weights[x], 3) for x in "ABC"] == [0.754, 0.181, 0.065]
    assert round(result.lambda_max, 3) == 3.136 and round(result.consistency_ratio, 3) == 0.117


def test_ahp_agrees_with_pymcdm():
    from pymcdm.weights.subjective import AHP

    rng = np.random.default_rng(7)
    scale = [1 / 9, 1 / 7, 1 / 5, 1 / 3, 1 / 2, 1, 2, 3, 5, 7, 9]
    matrices = [parse_matrix(HOUSE_CRITERIA), np.array(HOUSE_SIZE)]
    for n in (3, 4, 5, 6):
        m = np.ones((n, n))
        for i, j in itertools.combinations(range(n), 2):
            m[i, j] = rng.choice(scale)
            m[j, i] = 1 / m[i, j]
        matrices.append(m)
    for m in matrices:
        n = len(m)
        ours = ahp(m, [f"c{i}" for i in range(n)])
        peer = AHP(matrix=m)
        assert np.allclose([ours.weights[f"c{i}"] for i in range(n)], peer(), atol=1e-9)
        # pymcdm divides the same CI by Tummala and Ling's random index (1998), not Saaty's
        assert ours.consistency_index == pytest.approx(peer.get_cr() * AHP.RI_M[n - 1], abs=1e-9)


def test_consistent_matrix_has_cr_zero_and_reproduces_its_weights():
    w = np.array([0.4, 0.25, 0.15, 0.12, 0.08])
    result = ahp(w[:, None] / w[None, :], LEVER_IDS)
    assert result.consistency_ratio == pytest.approx(0.0, abs=1e-12)
    assert result.lambda_max == pytest.approx(5.0)
    assert [result.weights[lv] for lv in LEVER_IDS] == pytest.approx(list(w))
    assert result.warnings == ()


def test_ahp_matrix_from_judgements_either_way_round():
    judgements = {("a", "b"): 3, ("c", "a"): 0.5, ("b", "c"): 1 / 4}
    m = ahp_matrix(judgements, ["a", "b", "c"])
    assert np.allclose(m, [[1, 3, 2], [1 / 3, 1, 1 / 4], [1 / 2, 4, 1]])
    with pytest.raises(ParameterError):
        ahp_matrix({("a", "b"): 3, ("a", "c"): 2}, ["a", "b", "c"])  # b/c missing


def test_random_index_is_saatys():
    assert [RANDOM_INDEX[n] for n in range(3, 11)] == [0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49]


def test_rank_order_centroid_for_five_levers():
    # Barron and Barrett (1996): w_k = (1/n) sum_{i=k..n} 1/i
    weights = rank_order_centroid(
        ["clinical", "social", "economic_development", "environmental", "commercial"], LEVER_IDS
    )
    expected = [
        (1 + 1 / 2 + 1 / 3 + 1 / 4 + 1 / 5) / 5,
        (1 / 2 + 1 / 3 + 1 / 4 + 1 / 5) / 5,
        (1 / 3 + 1 / 4 + 1 / 5) / 5,
        (1 / 4 + 1 / 5) / 5,
        (1 / 5) / 5,
    ]
    assert [weights[lv] for lv in LEVER_IDS] == pytest.approx(expected)
    assert [round(x, 4) for x in expected] == [0.4567, 0.2567, 0.1567, 0.0900, 0.0400]  # the published table
    assert sum(weights.values()) == pytest.approx(1.0)


def test_rank_order_centroid_ties_share_their_positions():
    weights = rank_order_centroid(
        ["clinical", ["social", "commercial"], "economic_development", "environmental"], LEVER_IDS
    )
    untied = rank_order_centroid(
        ["clinical", "social", "commercial", "economic_development", "environmental"], LEVER_IDS
    )
    share = (untied["social"] + untied["commercial"]) / 2
    assert weights["social"] == weights["commercial"] == pytest.approx(share)
    assert weights["clinical"] == pytest.approx(untied["clinical"])
    assert weights["environmental"] == pytest.approx(untied["environmental"])
    assert sum(weights.values()) == pytest.approx(1.0)
    with pytest.raises(ParameterError):
        rank_order_centroid(["clinical", "social"], LEVER_IDS)


def test_swing_and_points_normalise():
    swing = swing_weights(
        {"clinical": 100, "social": 60, "economic_development": 40, "environmental": 10, "commercial": 70}, LEVER_IDS
    )
    assert sum(swing.values()) == pytest.approx(1.0)
    assert swing["clinical"] == pytest.approx(100 / 280) and swing["environmental"] == pytest.approx(10 / 280)
    points = point_weights(
        {"clinical": 40, "social": 20, "economic_development": 20, "environmental": 5, "commercial": 15}, LEVER_IDS
    )
    assert sum(points.values()) == pytest.approx(1.0)
    assert points == pytest.approx(
        {"clinical": 0.4, "social": 0.2, "economic_development": 0.2, "environmental": 0.05, "commercial": 0.15}
    )


AHP_ANSWERS = [
    {
        ("clinical", "social"): 3,
        ("clinical", "economic_development"): 5,
        ("clinical", "environmental"): 7,
        ("clinical", "commercial"): 5,
        ("social", "economic_development"): 2,
        ("social", "environmental"): 3,
        ("social", "commercial"): 2,
        ("economic_development", "environmental"): 2,
        ("economic_development", "commercial"): 1,
        ("environmental", "commercial"): 1 / 2,
    },
    {
        ("clinical", "social"): 1 / 2,
        ("clinical", "economic_development"): 4,
        ("clinical", "environmental"): 6,
        ("clinical", "commercial"): 4,
        ("social", "economic_development"): 2,
        ("social", "environmental"): 4,
        ("social", "commercial"): 2,
        ("economic_development", "environmental"): 2,
        ("commercial", "economic_development"): 1,
        ("commercial", "environmental"): 3,
    },
    {
        ("clinical", "social"): 9,
        ("clinical", "economic_development"): 6,
        ("clinical", "environmental"): 5,
        ("clinical", "commercial"): 3,
        ("social", "economic_development"): 1,
        ("social", "environmental"): 2,
        ("social", "commercial"): 1 / 2,
        ("economic_development", "environmental"): 1,
        ("economic_development", "commercial"): 1 / 3,
        ("environmental", "commercial"): 1 / 3,
    },
]
SWING_ANSWERS = [
    {"clinical": 100, "social": 20, "economic_development": 30, "environmental": 10, "commercial": 50},
    {"clinical": 40, "social": 100, "economic_development": 20, "environmental": 10, "commercial": 70},
    {"clinical": 100, "social": 25, "economic_development": 40, "environmental": 15, "commercial": 0},
]
RANK_ANSWERS = [
    ["economic_development", "commercial", "clinical", "social", "environmental"],
    ["economic_development", ["clinical", "commercial"], "social", "environmental"],
    ["commercial", "economic_development", "clinical", ["social", "environmental"]],
]


@pytest.mark.parametrize("method,answers", [("ahp", AHP_ANSWERS), ("swing", SWING_ANSWERS), ("rank", RANK_ANSWERS)])
def test_group_aggregation_is_order_independent(method, answers):
    first = aggregate_group("g", method, answers, LEVER_IDS)
    for order in itertools.permutations(answers):
        again = aggregate_group("g", method, list(order), LEVER_IDS)
        assert again.weights == pytest.approx(first.weights, abs=1e-12)
        assert again.spread == pytest.approx(first.spread, abs=1e-12)
        if method == "ahp":
            assert again.consistency_ratio == pytest.approx(first.consistency_ratio, abs=1e-12)
    assert sum(first.weights.values()) == pytest.approx(1.0)
    assert first.participants == 3


def test_group_ahp_is_the_eigenvector_of_the_geometric_mean_matrix():
    group = aggregate_group("g", "ahp", AHP_ANSWERS, LEVER_IDS)
    matrices = [ahp_matrix(a, LEVER_IDS) for a in AHP_ANSWERS]
    combined = (matrices[0] * matrices[1] * matrices[2]) ** (1 / 3)
    expected = ahp(combined, LEVER_IDS)
    assert group.weights == pytest.approx(expected.weights)
    assert group.consistency_ratio == pytest.approx(expected.consistency_ratio)
    # the spread is the population sd of the participants' own eigenvector weights
    own = np.array([[ahp(m, LEVER_IDS).weights[lv] for lv in LEVER_IDS] for m in matrices])
    assert [group.spread[lv] for lv in LEVER_IDS] == pytest.approx(list(own.std(axis=0)))


def test_group_arithmetic_mean_for_other_methods():
    group = aggregate_group("g", "swing", SWING_ANSWERS, LEVER_IDS)
    own = [swing_weights(a, LEVER_IDS) for a in SWING_ANSWERS]
    assert group.weights == pytest.approx({lv: sum(w[lv] for w in own) / 3 for lv in LEVER_IDS})
    assert group.consistency_ratio is None


def test_one_ahp_participant_gives_that_matrix_eigenvector_and_cr():
    group = aggregate_group("g", "ahp", AHP_ANSWERS[:1], LEVER_IDS)
    single = ahp(ahp_matrix(AHP_ANSWERS[0], LEVER_IDS), LEVER_IDS)
    assert group.weights == pytest.approx(single.weights)
    lam = single.lambda_max
    assert group.consistency_ratio == pytest.approx((lam - 5) / 4 / 1.12)
    assert all(v == 0 for v in group.spread.values())
