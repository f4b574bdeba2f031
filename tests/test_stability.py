"""Tests for imaging_value.maths.stability (exact weight-stability intervals)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from imaging_value.core.errors import ParameterError
from imaging_value.maths.stability import weight_stability

OPTIONS = ["A", "B", "C"]
LEVERS = ["l1", "l2"]
SCORES = np.array([[10.0, 0.0], [0.0, 10.0], [6.0, 6.0]])


def winner_at(scores: np.ndarray, weights: np.ndarray, j: int, t: float) -> int:
    """Independent re-implementation: winner when lever j's weight is set to t."""
    k = len(weights)
    w = np.empty(k)
    others = np.arange(k) != j
    rest = weights[others].sum()
    w[others] = (1 - t) * (weights[others] / rest if rest > 0 else 1.0 / (k - 1))
    w[j] = t
    return int(np.argmax(scores @ w))  # first maximum: ties to the earlier option


def test_hand_worked_example() -> None:
    # Lever 1 weight t: A = 10t, B = 10(1-t), C = 6.  C best while 10(1-t) <= 6 and 10t <= 6,
    # i.e. 0.4 <= t <= 0.6; below 0.4 B takes over, above 0.6 A does.  Lever 2 is the mirror.
    result = weight_stability(SCORES, OPTIONS, LEVERS, [0.5, 0.5])
    assert result.winner == "C"
    row1, row2 = result.to_dict()["levers"]
    assert row1["lever"] == "l1" and row1["weight"] == 0.5
    assert abs(row1["lower"] - 0.4) <= 1e-12 and abs(row1["upper"] - 0.6) <= 1e-12
    assert (row1["taker_below"], row1["taker_above"]) == ("B", "A")
    assert abs(row2["lower"] - 0.4) <= 1e-12 and abs(row2["upper"] - 0.6) <= 1e-12
    assert (row2["taker_below"], row2["taker_above"]) == ("A", "B")
    assert list(result.table.columns) == ["lever", "weight", "lower", "upper", "taker_below", "taker_above"]
    assert result.utilities.to_dict() == {"A": 5.0, "B": 5.0, "C": 6.0}
    assert result.crossings.loc["B", "l1"] == pytest.approx(0.4, abs=1e-12)
    assert np.isnan(result.crossings.loc["C", "l1"])


def test_three_levers_hand_example() -> None:
    # weights (0.5, 0.25, 0.25).  Lever 1 at t, others share 1-t equally.
    # A = (9, 0, 0): U = 9t.  B = (0, 8, 8): U = 8(1-t).  C = (5, 5, 5): U = 5.
    # At t=0.5: A 4.5, B 4, C 5 -> C.  C >= A: t <= 5/9.  C >= B: t >= 3/8.
    scores = np.array([[9.0, 0.0, 0.0], [0.0, 8.0, 8.0], [5.0, 5.0, 5.0]])
    result = weight_stability(scores, OPTIONS, ["x", "y", "z"], {"x": 0.5, "y": 0.25, "z": 0.25})
    row = result.to_dict()["levers"][0]
    assert result.winner == "C"
    assert abs(row["lower"] - 3 / 8) <= 1e-12 and abs(row["upper"] - 5 / 9) <= 1e-12
    assert (row["taker_below"], row["taker_above"]) == ("B", "A")


def test_dominant_option_is_stable_everywhere() -> None:
    scores = np.array([[9.0, 9.0, 9.0], [5.0, 8.0, 1.0], [3.0, 2.0, 8.0]])
    result = weight_stability(scores, OPTIONS, ["x", "y", "z"], [0.2, 0.3, 0.5])
    assert result.winner == "A"
    for row in result.to_dict()["levers"]:
        assert (row["lower"], row["upper"]) == (0.0, 1.0)
        assert row["taker_below"] is None and row["taker_above"] is None


def test_all_weight_on_one_lever_splits_equally() -> None:
    # weights (1, 0): for lever 1 the others' proportions are undefined -> split equally.
    result = weight_stability(SCORES, OPTIONS, LEVERS, [1.0, 0.0])
    row1, row2 = result.to_dict()["levers"]
    assert result.winner == "A"
    assert abs(row1["lower"] - 0.6) <= 1e-12 and row1["upper"] == 1.0
    assert row1["taker_below"] == "C" and row1["taker_above"] is None
    # lever 2 at 0: A stays best while its weight t <= 0.4
    assert row2["lower"] == 0.0 and abs(row2["upper"] - 0.4) <= 1e-12
    assert row2["taker_above"] == "C"


def test_tie_at_current_weights_goes_to_earlier_option() -> None:
    scores = np.array([[10.0, 0.0], [0.0, 10.0]])
    result = weight_stability(scores, ["A", "B"], LEVERS, [0.5, 0.5])
    assert result.winner == "A"
    row1 = result.to_dict()["levers"][0]
    assert row1["lower"] == 0.5 and row1["upper"] == 1.0 and row1["taker_below"] == "B"


@pytest.mark.parametrize("seed", range(25))
def test_brute_force_random_instances(seed: int) -> None:
    rng = np.random.default_rng(seed)
    m, k = int(rng.integers(2, 7)), int(rng.integers(2, 6))
    scores = np.round(rng.uniform(0, 10, (m, k)), 3)
    weights = rng.dirichlet(np.ones(k))
    options = [f"o{i}" for i in range(m)]
    result = weight_stability(scores, options, [f"l{j}" for j in range(k)], weights)
    b = options.index(result.winner)
    assert b == int(np.argmax(scores @ weights))
    eps = 1e-7
    grid = np.linspace(0, 1, 2001)
    for j, row in enumerate(result.to_dict()["levers"]):
        lo, hi = row["lower"], row["upper"]
        assert 0.0 <= lo <= weights[j] <= hi <= 1.0
        assert winner_at(scores, weights, j, weights[j]) == b
        if hi - lo > 4 * eps:  # just inside both ends: unchanged
            assert winner_at(scores, weights, j, lo + eps) == b
            assert winner_at(scores, weights, j, hi - eps) == b
        if lo > eps:  # just outside: the taker wins
            assert winner_at(scores, weights, j, lo - eps) == options.index(row["taker_below"])
        else:
            assert row["taker_below"] is None
        if hi < 1 - eps:
            assert winner_at(scores, weights, j, hi + eps) == options.index(row["taker_above"])
        else:
            assert row["taker_above"] is None
        # the winning set on a grid is exactly the grid points inside [lo, hi]
        wins = np.array([winner_at(scores, weights, j, t) == b for t in grid])
        inside = (grid > lo + eps) & (grid < hi - eps)
        outside = (grid < lo - eps) | (grid > hi + eps)
        assert wins[inside].all() and not wins[outside].any()


def test_to_dict_json_ready() -> None:
    data = weight_stability(SCORES, OPTIONS, LEVERS, [0.5, 0.5]).to_dict()
    json.dumps(data, allow_nan=False)
    assert set(data) >= {"winner", "weights", "levers"}
    assert data["weights"] == {"l1": 0.5, "l2": 0.5}


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ([0.5, 0.6], r"parameter 'weights'.*summing to 1"),
        ([1.5, -0.5], r"parameter 'weights\['l2'\]'.*non-negative"),
        ([1.0], r"parameter 'weights'.*2 weights"),
        ({"l1": 1.0}, r"parameter 'weights'.*each lever"),
    ],
)
def test_bad_weights(weights: object, message: str) -> None:
    with pytest.raises(ParameterError, match=message):
        weight_stability(SCORES, OPTIONS, LEVERS, weights)


def test_bad_scores() -> None:
    with pytest.raises(ParameterError, match="parameter 'scores'"):
        weight_stability(SCORES.T, OPTIONS, LEVERS, [0.5, 0.5])
    with pytest.raises(ParameterError, match=r"scores\['C', 'l2'\]"):
        weight_stability(np.array([[1.0, 1.0], [1.0, 1.0], [1.0, np.nan]]), OPTIONS, LEVERS, [0.5, 0.5])
