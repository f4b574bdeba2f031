"""Tests for imaging_value.maths.alignment (stakeholder alignment)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy.stats import kendalltau

from imaging_value.core.errors import ParameterError
from imaging_value.maths.alignment import kendall_tau_b, stakeholder_alignment

LEVERS = ["l1", "l2"]
# A is best for "clinical" (all weight on l1), B for "research" (all weight on l2);
# C is second under both.  D is dominated by C.
#   clinical: A 10, C 6, D 5, B 0   -> normalised A 1, C 0.6, D 0.5, B 0
#   research: B 10, C 6, D 5, A 0   -> normalised B 1, C 0.6, D 0.5, A 0
#   worst case: A 0, B 0, C 0.6, D 0.5 -> win:win C (first under neither profile)
SCORES = np.array([[10.0, 0.0], [0.0, 10.0], [6.0, 6.0], [5.0, 5.0]])
OPTIONS = ["A", "B", "C", "D"]
PROFILES = {"clinical": [1.0, 0.0], "research": [0.0, 1.0]}


def test_compromise_is_win_win() -> None:
    # three options only: A first for clinical, B first for research, C second under both
    three = stakeholder_alignment(SCORES[:3], OPTIONS[:3], LEVERS, PROFILES)
    assert three.win_win == "C"
    assert all(ranking[0] != "C" for ranking in three.rankings.values())
    assert three.worst_case == pytest.approx({"A": 0.0, "B": 0.0, "C": 0.6})
    # with the dominated option D added
    result = stakeholder_alignment(SCORES, OPTIONS, LEVERS, PROFILES)
    assert result.rankings == {"clinical": ["A", "C", "D", "B"], "research": ["B", "C", "D", "A"]}
    assert result.win_win == "C"
    assert result.rank_table.loc["C"].tolist() == [2, 2]
    assert result.worst_case == pytest.approx({"A": 0.0, "B": 0.0, "C": 0.6, "D": 0.5})
    assert result.normalised.loc["D", "clinical"] == pytest.approx(0.5)
    assert result.utility_table.loc["A", "clinical"] == 10.0
    assert result.disagreement == {"A": 3, "B": 3, "C": 0, "D": 0}


def test_pareto_hand_example() -> None:
    result = stakeholder_alignment(SCORES, OPTIONS, LEVERS, PROFILES)
    assert result.pareto == ["A", "B", "C"]  # D: 5 < 6 under both views -> beaten by C
    assert result.beaten_by["D"] == ("C",)
    # strict dominance ("beats it under every view"): worse under one view and equal under the other is
    # not beaten, so y stays in the set although x is at least as good everywhere and better somewhere
    weak = stakeholder_alignment(np.array([[6.0, 6.0], [5.0, 6.0], [1.0, 1.0]]), ["x", "y", "z"], LEVERS, PROFILES)
    assert weak.pareto == ["x", "y"]
    assert weak.beaten_by == {"x": (), "y": (), "z": ("x", "y")}
    # equal options do not dominate each other
    twin = stakeholder_alignment(np.array([[6.0, 6.0], [6.0, 6.0], [1.0, 1.0]]), ["x", "y", "z"], LEVERS, PROFILES)
    assert twin.pareto == ["x", "y"]
    assert twin.win_win == "x"  # tie on worst case -> earlier option


def test_kendall_tau_self_and_reversed() -> None:
    three = stakeholder_alignment(SCORES[:3], OPTIONS[:3], LEVERS, PROFILES)  # A, B, C
    tau = three.kendall_tau
    assert tau.loc["clinical", "clinical"] == 1.0
    assert tau.loc["research", "research"] == 1.0
    # clinical A > C > B, research B > C > A: exactly reversed
    assert tau.loc["clinical", "research"] == -1.0
    assert tau.loc["research", "clinical"] == -1.0


def test_kendall_tau_matches_scipy_with_ties() -> None:
    rng = np.random.default_rng(0)
    u = rng.integers(0, 4, (15, 6)).astype(float)
    ours = kendall_tau_b(u)
    for p in range(6):
        for q in range(6):
            assert ours[p, q] == pytest.approx(kendalltau(u[:, p], u[:, q]).statistic, abs=1e-12)


def test_constant_profile_gives_none_tau_and_normalised_ones() -> None:
    scores = np.array([[4.0, 1.0], [4.0, 9.0], [4.0, 5.0]])  # lever 1 constant
    result = stakeholder_alignment(scores, ["a", "b", "c"], LEVERS, {"flat": [1, 0], "l2": [0, 1]})
    assert np.isnan(result.kendall_tau.loc["flat", "l2"])
    data = result.to_dict()
    assert data["kendall_tau"]["flat"]["l2"] is None
    assert data["kendall_tau"]["flat"]["flat"] is None
    assert data["normalised"]["flat"] == {"a": 1.0, "b": 1.0, "c": 1.0}
    assert data["rankings"]["flat"] == ["a", "b", "c"]  # all tied -> option order


def test_to_dict_shape() -> None:
    profiles = {"clinical": [1.0, 0.0], "research": [0.0, 1.0], "balanced": {"l1": 0.5, "l2": 0.5}}
    data = stakeholder_alignment(SCORES, OPTIONS, LEVERS, profiles).to_dict()
    json.dumps(data, allow_nan=False)
    assert data["profiles"] == ["clinical", "research", "balanced"]
    assert data["rankings"]["balanced"] == ["C", "A", "B", "D"]  # 6 > 5 = 5 = 5, ties by order
    assert data["win_win"] == "C"
    assert data["pareto"] == ["A", "B", "C"]
    assert data["rank_spread"] == {"A": 3, "B": 3, "C": 1, "D": 1}
    assert data["worst_case"]["C"] == pytest.approx(0.6)
    assert set(data) == {
        "profiles",
        "rankings",
        "kendall_tau",
        "normalised",
        "worst_case",
        "win_win",
        "pareto",
        "rank_spread",
    }


def test_bad_input() -> None:
    with pytest.raises(ParameterError, match="parameter 'profiles'"):
        stakeholder_alignment(SCORES, OPTIONS, LEVERS, {})
    with pytest.raises(ParameterError, match=r"parameter 'profiles\['bad'\]'.*summing to 1"):
        stakeholder_alignment(SCORES, OPTIONS, LEVERS, {"ok": [0.5, 0.5], "bad": [0.5, 0.2]})
    with pytest.raises(ParameterError, match=r"profiles\['neg'\]\['l1'\]"):
        stakeholder_alignment(SCORES, OPTIONS, LEVERS, {"neg": [-1.0, 2.0]})
    with pytest.raises(ParameterError, match="parameter 'scores'"):
        stakeholder_alignment(SCORES, OPTIONS[:3], LEVERS, PROFILES)
