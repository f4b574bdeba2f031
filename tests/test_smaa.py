"""Tests for imaging_value.maths.smaa (SMAA-2)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from imaging_value.core.errors import ParameterError
from imaging_value.maths.smaa import SmaaResult, rank_acceptability

OPTIONS = ["A", "B", "C"]
LEVERS = ["l1", "l2"]
# Worked example.  Weight w on lever 1, 1 - w on lever 2; with uniform simplex weights
# (Dirichlet(1, 1)) w is uniform on [0, 1].  Utilities: A = 10w, B = 10(1 - w), C = 6.
#   A first:  10w > 6 and 10w > 10(1-w)        -> w > 0.6          : 0.4
#   B first:  by symmetry                       -> w < 0.4          : 0.4
#   C first:  0.4 < w < 0.6                                          : 0.2
#   A last:   10w < 10(1-w) and 10w < 6         -> w < 0.5          : 0.5
#   A second: 0.5 < w < 0.6                                          : 0.1
#   B (mirror of A): 0.4, 0.1, 0.5
#   C last needs 10w > 6 and 10(1-w) > 6, impossible                : 0.0 -> C: 0.2, 0.8, 0.0
# Central weights: A wins on w in (0.6, 1] -> mean w = 0.8; B -> 0.2; C -> 0.5.
SCORES = np.array([[10.0, 0.0], [0.0, 10.0], [6.0, 6.0]])
EXPECTED = np.array([[0.4, 0.1, 0.5], [0.4, 0.1, 0.5], [0.2, 0.8, 0.0]])


@pytest.fixture(scope="module")
def big() -> SmaaResult:
    return rank_acceptability(SCORES, OPTIONS, LEVERS, n_samples=200_000, seed=7)


def test_worked_example_rank_acceptabilities(big: SmaaResult) -> None:
    table = big.rank_acceptability
    assert list(table.index) == OPTIONS
    assert list(table.columns) == ["rank 1", "rank 2", "rank 3"]
    # standard error of a share near 0.5 at 200k draws is about 0.0011
    np.testing.assert_allclose(table.to_numpy(), EXPECTED, atol=0.006)
    assert table.loc["C", "rank 3"] == 0.0
    assert big.first_rank_share == pytest.approx({"A": 0.4, "B": 0.4, "C": 0.2}, abs=0.006)


def test_rows_and_columns_sum_to_one(big: SmaaResult) -> None:
    np.testing.assert_allclose(big.rank_acceptability.sum(axis=1), 1.0, atol=1e-12)
    np.testing.assert_allclose(big.rank_acceptability.sum(axis=0), 1.0, atol=1e-12)
    rng = np.random.default_rng(3)
    other = rank_acceptability(
        rng.uniform(0, 10, (6, 5)), list("abcdef"), list("12345"), n_samples=5000, score_uncertainty=1.5
    )
    np.testing.assert_allclose(other.rank_acceptability.sum(axis=1), 1.0, atol=1e-12)
    np.testing.assert_allclose(other.rank_acceptability.sum(axis=0), 1.0, atol=1e-12)


def test_central_weights_and_confidence(big: SmaaResult) -> None:
    cw = big.central_weights
    assert cw["A"]["l1"] == pytest.approx(0.8, abs=0.005)
    assert cw["A"]["l1"] > 0.6
    assert cw["B"]["l1"] == pytest.approx(0.2, abs=0.005)
    assert cw["C"]["l1"] == pytest.approx(0.5, abs=0.005)
    for option in OPTIONS:
        assert sum(cw[option].values()) == pytest.approx(1.0)
    # no score uncertainty: each option is best at its own central weights
    assert big.confidence == {"A": 1.0, "B": 1.0, "C": 1.0}


def test_option_never_first_has_no_central_weights() -> None:
    scores = np.array([[8.0, 8.0], [2.0, 3.0], [9.0, 1.0]])  # B is dominated by A
    result = rank_acceptability(scores, OPTIONS, LEVERS, n_samples=5000)
    assert result.central_weights["B"] is None
    assert result.confidence["B"] is None
    assert result.rank_acceptability.loc["B", "rank 1"] == 0.0
    data = result.to_dict()
    assert data["central_weights"]["B"] is None and data["confidence"]["B"] is None


def test_confidence_with_score_uncertainty() -> None:
    result = rank_acceptability(SCORES, OPTIONS, LEVERS, n_samples=20_000, score_uncertainty=2.0, seed=1)
    for option in OPTIONS:
        assert 0.0 < result.confidence[option] < 1.0
    # far from the others at its central weights, A keeps winning more often than C does
    assert result.confidence["A"] > result.confidence["C"]


def test_ties_broken_by_option_order() -> None:
    scores = np.array([[5.0, 5.0], [5.0, 5.0]])  # identical options
    result = rank_acceptability(scores, ["first", "second"], LEVERS, n_samples=1000)
    assert result.rank_acceptability.loc["first", "rank 1"] == 1.0
    assert result.rank_acceptability.loc["second", "rank 2"] == 1.0


def test_reproducible_with_seed_and_seeds_differ() -> None:
    a = rank_acceptability(SCORES, OPTIONS, LEVERS, n_samples=2000, seed=42, score_uncertainty=1.0)
    b = rank_acceptability(SCORES, OPTIONS, LEVERS, n_samples=2000, seed=42, score_uncertainty=1.0)
    c = rank_acceptability(SCORES, OPTIONS, LEVERS, n_samples=2000, seed=43, score_uncertainty=1.0)
    pd.testing.assert_frame_equal(a.rank_acceptability, b.rank_acceptability)
    assert a.to_dict() == b.to_dict()
    assert not a.rank_acceptability.equals(c.rank_acceptability)


def test_dirichlet_centre_concentrates() -> None:
    # centred on equal weights with high concentration: w stays near 0.5, where C wins
    result = rank_acceptability(SCORES, OPTIONS, LEVERS, n_samples=20_000, centre=[0.5, 0.5], concentration=500)
    assert result.rank_acceptability.loc["C", "rank 1"] > 0.99
    # a profile on lever 1 only (zero component floored): A wins nearly always
    result = rank_acceptability(SCORES, OPTIONS, LEVERS, n_samples=20_000, centre=[1.0, 0.0], concentration=1000)
    assert result.rank_acceptability.loc["A", "rank 1"] > 0.99
    assert result.dirichlet_alpha == pytest.approx((1000.0, 1e-3 * 1000 / 2))
    # default concentration is 50
    assert rank_acceptability(SCORES, OPTIONS, LEVERS, n_samples=10, centre=[0.5, 0.5]).concentration == 50.0


def test_to_dict_is_json_ready(big: SmaaResult) -> None:
    data = big.to_dict()
    json.dumps(data, allow_nan=False)
    assert data["rank_acceptability"]["C"]["rank 3"] == 0.0
    assert set(data) >= {
        "options",
        "levers",
        "n_samples",
        "seed",
        "rank_acceptability",
        "central_weights",
        "confidence",
        "first_rank_share",
    }


def test_win_counts_add_up() -> None:
    rng = np.random.default_rng(0)
    result = rank_acceptability(rng.uniform(0, 10, (6, 5)), list("abcdef"), list("12345"), n_samples=10_000)
    assert result.n_samples == 10_000
    assert sum(result.win_counts.values()) == 10_000


@pytest.mark.parametrize(
    ("kwargs", "parameter"),
    [
        ({"n_samples": 0}, "n_samples"),
        ({"n_samples": 2.5}, "n_samples"),
        ({"centre": [-0.2, 1.2]}, "centre"),
        ({"centre": [0.3, 0.3]}, "centre"),
        ({"centre": [0.5, 0.5], "concentration": 0}, "concentration"),
        ({"centre": [0.5, 0.5], "concentration": -1.0}, "concentration"),
        ({"concentration": 10.0}, "concentration"),
        ({"score_uncertainty": -1.0}, "score_uncertainty"),
        ({"seed": -1}, "seed"),
    ],
)
def test_bad_parameters(kwargs: dict, parameter: str) -> None:
    with pytest.raises(ParameterError, match=rf"parameter '{parameter}") as info:
        rank_acceptability(SCORES, OPTIONS, LEVERS, **kwargs)
    assert info.value.parameter.startswith(parameter)
    assert isinstance(info.value, ValueError)


def test_bad_matrix() -> None:
    with pytest.raises(ParameterError, match=r"parameter 'scores'.*shape \(3, 2\)"):
        rank_acceptability(SCORES[:2], OPTIONS, LEVERS)
    with pytest.raises(ParameterError, match=r"scores\['A', 'l1'\].*from 0 to 10"):
        rank_acceptability(np.array([[11.0, 0.0], [0.0, 10.0], [6.0, 6.0]]), OPTIONS, LEVERS)
    with pytest.raises(ParameterError, match="parameter 'options'.*unique"):
        rank_acceptability(SCORES, ["A", "A", "C"], LEVERS)
    with pytest.raises(ParameterError, match="parameter 'levers'"):
        rank_acceptability(SCORES, OPTIONS, [])
