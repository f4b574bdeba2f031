"""Tests for imaging_value.maths.sharing (value sharing among sites)."""

from __future__ import annotations

import itertools
import json
import math
from decimal import Decimal

import numpy as np
import pytest

from imaging_value.core.errors import ParameterError
from imaging_value.maths.sharing import (
    RULES,
    WorthCurve,
    largest_remainder,
    shapley_exact,
    split_all,
    split_value,
)

SQRT = WorthCurve.power(0.5)
CURVES = [WorthCurve.power(0.5), WorthCurve.log(scale=50.0), WorthCurve.saturating(scale=200.0)]


def decimal_sum(values) -> Decimal:
    return sum((Decimal(repr(float(v))) for v in values), Decimal(0))


def brute_force_shapley(images, curve) -> np.ndarray:
    """Average marginal contribution over all n! orderings (definition, Shapley 1953)."""
    n = len(images)
    phi = np.zeros(n)
    orderings = list(itertools.permutations(range(n)))
    for order in orderings:
        pool = 0.0
        for i in order:
            phi[i] += float(curve(pool + images[i]) - curve(pool))
            pool += images[i]
    return phi / len(orderings)


def test_three_site_shapley_by_hand() -> None:
    # v(x) = sqrt(x); images 1, 4, 4.
    # v(1) = 1, v(4) = 2, v(1+4) = sqrt 5, v(4+4) = sqrt 8 = 2 sqrt 2, v(all) = 3.
    # Weights |S|!(n-|S|-1)!/n!: |S|=0 -> 1/3, |S|=1 -> 1/6, |S|=2 -> 1/3.
    # phi_1 = 1/3 (1 - 0) + 2 * 1/6 (sqrt5 - 2) + 1/3 (3 - 2 sqrt2) = (2 + sqrt5 - 2 sqrt2) / 3
    # phi_2 = phi_3 = (3 - phi_1) / 2                       (efficiency + symmetry)
    phi1 = (2 + math.sqrt(5) - 2 * math.sqrt(2)) / 3
    phi2 = (3 - phi1) / 2
    assert shapley_exact(np.array([1.0, 4.0, 4.0]), SQRT) == pytest.approx([phi1, phi2, phi2], abs=1e-12)
    # shares of 90: 90 * phi / 3 = 30 phi -> 14.0764..., 37.9618..., 37.9618...
    result = split_value(90, ["s1", "s2", "s3"], [1, 4, 4], None, "shapley", curve=SQRT)
    assert result.method == "exact"
    assert result.worth_total == pytest.approx(3.0)
    assert result.table["raw_share"].tolist() == pytest.approx([30 * phi1, 30 * phi2, 30 * phi2], abs=1e-10)
    # floors 14.07 + 37.96 + 37.96 = 89.99; the spare cent goes to the largest remainder (s1)
    assert result.table["share"].tolist() == [14.08, 37.96, 37.96]


@pytest.mark.parametrize("curve", CURVES, ids=lambda c: c.kind)
def test_exact_matches_definition(curve: WorthCurve) -> None:
    images = np.array([3.0, 0.0, 10.0, 7.5, 120.0, 1.0])
    assert shapley_exact(images, curve) == pytest.approx(brute_force_shapley(images, curve), abs=1e-12)


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("total", [100.00, 0.01, 0.0, 1234567.89, 10, 99.99])
def test_efficiency_to_the_penny(rule: str, total: float) -> None:
    for images in ([1, 1, 1], [5, 0, 7.3, 2, 11]):
        sites = [f"s{i}" for i in range(len(images))]
        effort = np.linspace(1, 2, len(images))
        result = split_value(total, sites, images, effort, rule, curve=SQRT)
        assert decimal_sum(result.table["share"]) == Decimal(repr(float(total)))
        assert result.table["raw_share"].sum() == pytest.approx(total, abs=1e-9 * max(1, total))
        assert (result.table["share"] >= 0).all()


def test_hundred_split_three_ways() -> None:
    results = split_all(100.00, ["a", "b", "c"], [2, 2, 2], [1, 1, 1], SQRT)
    assert list(results) == list(RULES)
    for rule, result in results.items():
        assert result.table["share"].tolist() == [33.34, 33.33, 33.33], rule
        assert result.rule == rule


def test_closed_form_rules() -> None:
    sites, images, effort = ["a", "b", "c"], [10, 30, 60], [3, 1, 0.5]
    assert split_value(100, sites, images, effort, "equal").table["raw_share"].tolist() == pytest.approx([100 / 3] * 3)
    assert split_value(100, sites, images, effort, "pro_rata").shares == {"a": 10.0, "b": 30.0, "c": 60.0}
    # curation: 10*3 : 30*1 : 60*0.5 = 30 : 30 : 30
    cur = split_value(100, sites, images, effort, "curation")
    assert cur.method == "closed form"
    assert cur.shares == {"a": 33.34, "b": 33.33, "c": 33.33}
    assert cur.to_dict() == {
        "rule": "curation",
        "total": 100.0,
        "method": "closed form",
        "shares": [{"site": s, "share": v, "stderr": None} for s, v in cur.shares.items()],
    }


@pytest.mark.parametrize("rule", RULES)
def test_symmetry_null_player_monotonicity(rule: str) -> None:
    sites = ["a", "b", "c", "d", "e"]
    images = [40.0, 40.0, 0.0, 15.0, 90.0]
    effort = [1.5, 1.5, 2.0, 1.0, 1.0]
    result = split_value(1000, sites, images, effort, rule, curve=SQRT)
    raw = result.table["raw_share"].to_numpy()
    assert raw[0] == pytest.approx(raw[1], abs=1e-9)  # symmetry
    assert abs(result.table["share"][0] - result.table["share"][1]) <= 0.01 + 1e-12
    if rule != "equal":
        assert raw[2] == 0.0 and result.shares["c"] == 0.0  # null player
    # monotonicity: giving site d more images never lowers its share
    more = split_value(1000, sites, [40.0, 40.0, 0.0, 25.0, 90.0], effort, rule, curve=SQRT)
    assert more.table["raw_share"][3] >= raw[3] - 1e-9
    if rule in ("pro_rata", "shapley"):  # more images than another site -> not less share
        order = np.argsort(images, kind="stable")
        assert np.all(np.diff(raw[order]) >= -1e-9)


def test_shapley_sampled_null_and_symmetry() -> None:
    result = split_value(
        500, ["a", "b", "z"], [3.0, 3.0, 0.0], None, "shapley", curve=SQRT, method="sampled", samples=2000
    )
    assert result.method == "sampled"
    assert result.table["raw_share"][2] == 0.0 and result.table["stderr"][2] == 0.0
    assert decimal_sum(result.table["share"]) == Decimal("500.0")


def test_exact_vs_sampled_twelve_sites() -> None:
    rng = np.random.default_rng(11)
    images = np.round(rng.lognormal(3, 1, 12), 1)
    images[5] = 0.0
    sites = [f"site{i}" for i in range(12)]
    for curve in CURVES:
        exact = split_value(10_000, sites, images, None, "shapley", curve=curve, method="exact")
        sampled = split_value(
            10_000, sites, images, None, "shapley", curve=curve, method="sampled", samples=20_000, seed=5
        )
        assert exact.method == "exact" and sampled.method == "sampled"
        assert all(s is None for s in exact.table["stderr"])
        se = sampled.table["stderr"].astype(float).to_numpy()
        diff = np.abs(sampled.table["raw_share"].to_numpy() - exact.table["raw_share"].to_numpy())
        assert np.all(diff <= 4 * se + 1e-9), (curve.kind, diff / np.where(se > 0, se, 1))
        assert se.max() < 0.01 * 10_000
        data = sampled.to_dict()
        json.dumps(data, allow_nan=False)
        assert data["shares"][0]["stderr"] == pytest.approx(se[0])


def test_auto_uses_sampling_above_twenty_sites() -> None:
    rng = np.random.default_rng(2)
    n = 30
    result = split_value(
        3000, [f"s{i}" for i in range(n)], rng.uniform(1, 50, n), None, "shapley", curve=SQRT, samples=4000
    )
    assert result.method == "sampled" and result.samples == 4000
    assert result.seed == 0
    assert decimal_sum(result.table["share"]) == Decimal("3000.0")
    assert all(s is not None and s > 0 for s in result.table["stderr"])
    with pytest.raises(ParameterError, match="parameter 'method'.*at most 20 sites"):
        split_value(1, [f"s{i}" for i in range(21)], np.ones(21), None, "shapley", curve=SQRT, method="exact")


def test_sampled_is_reproducible() -> None:
    kwargs = dict(curve=SQRT, method="sampled", samples=3000)
    a = split_value(100, ["a", "b", "c"], [1, 2, 3], None, "shapley", seed=9, **kwargs)
    b = split_value(100, ["a", "b", "c"], [1, 2, 3], None, "shapley", seed=9, **kwargs)
    c = split_value(100, ["a", "b", "c"], [1, 2, 3], None, "shapley", seed=10, **kwargs)
    assert a.to_dict() == b.to_dict()
    assert not np.array_equal(a.table["raw_share"], c.table["raw_share"])


def test_largest_remainder_examples() -> None:
    assert largest_remainder([100 / 3] * 3, 100).tolist() == [33.34, 33.33, 33.33]
    # 1/7 each of 1.00: floors 0.14 x 7 = 0.98, two cents left -> first two sites
    assert largest_remainder([1 / 7] * 7, 1.00).tolist() == [0.15, 0.15] + [0.14] * 5
    # naive rounding gives 1.01 + 1.01 + 0.99 = 3.01; largest remainder: .8 then .6 (earlier)
    assert largest_remainder([1.006, 1.006, 0.988], 3).tolist() == [1.01, 1.00, 0.99]
    # whole units: 4.5, 4.5, 1 of 10 -> the tie goes to the earlier entry
    assert largest_remainder([4.5, 4.5, 1.0], 10, decimals=0).tolist() == [5.0, 4.0, 1.0]
    # exact amounts are untouched despite float noise (0.1 * 3 = 0.30000000000000004)
    assert largest_remainder([0.1 * 3, 0.7], 1.0).tolist() == [0.3, 0.7]
    with pytest.raises(ParameterError, match="parameter 'amounts'.*summing to the total"):
        largest_remainder([1.0, 1.0], 3)


def test_worth_curves() -> None:
    x = np.array([0.0, 1.0, 10.0])
    assert WorthCurve.power(0.5)(x).tolist() == pytest.approx([0, 1, math.sqrt(10)])
    assert WorthCurve.log(2.0)(x).tolist() == pytest.approx([0, math.log(1.5), math.log(6)])
    assert WorthCurve.saturating(5.0)(x).tolist() == pytest.approx([0, 1 - math.exp(-0.2), 1 - math.exp(-2)])
    assert WorthCurve("power", a=0.3).to_dict()["formula"] == "v(x) = x**0.3"
    # the parameter a kind does not use is ignored (stored as None)
    assert WorthCurve("log", a=0.5, scale=1.0) == WorthCurve.log(1.0)
    assert WorthCurve("power", a=0.5, scale=3.0).scale is None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "linear", "a": 1.0}, r"parameter 'curve.kind'.*power"),
        ({"kind": "power", "a": 1.0}, r"parameter 'curve.a'.*strictly between 0 and 1"),
        ({"kind": "power", "a": 0.0}, r"parameter 'curve.a'"),
        ({"kind": "power"}, r"parameter 'curve.a'"),
        ({"kind": "log", "scale": 0.0}, r"parameter 'curve.scale'.*> 0"),
        ({"kind": "saturating", "scale": -2.0}, r"parameter 'curve.scale'"),
    ],
)
def test_bad_curves(kwargs: dict, message: str) -> None:
    with pytest.raises(ParameterError, match=message):
        WorthCurve(**kwargs)


def test_bad_input() -> None:
    sites, images = ["a", "b", "c"], [1.0, 2.0, 3.0]
    with pytest.raises(ParameterError, match=r"parameter 'total'.*>= 0.*-5"):
        split_value(-5, sites, images, None, "equal")
    with pytest.raises(ParameterError, match=r"parameter 'total'.*at most 2 decimal places"):
        split_value(10.005, sites, images, None, "equal")
    with pytest.raises(
        ParameterError, match=r"parameter 'rule'.*'equal', 'pro_rata', 'curation', 'shapley'.*'lottery'"
    ):
        split_value(10, sites, images, None, "lottery")
    with pytest.raises(ParameterError, match=r"parameter 'samples'.*>= 1.*found 0"):
        split_value(10, sites, images, None, "shapley", curve=SQRT, samples=0)
    with pytest.raises(ParameterError, match=r"parameter 'images\['b'\]'.*>= 0.*-2"):
        split_value(10, sites, [1.0, -2.0, 3.0], None, "pro_rata")
    with pytest.raises(ParameterError, match=r"parameter 'effort\['c'\]'.*> 0"):
        split_value(10, sites, images, [1.0, 1.0, 0.0], "curation")
    for rule in ("pro_rata", "curation", "shapley"):
        with pytest.raises(ParameterError, match=r"parameter 'images'.*images > 0"):
            split_value(10, sites, [0, 0, 0], None, rule, curve=SQRT)
    assert split_value(10, sites, [0, 0, 0], None, "equal").shares == {"a": 3.34, "b": 3.33, "c": 3.33}
    with pytest.raises(ParameterError, match=r"parameter 'curve'.*required"):
        split_value(10, sites, images, None, "shapley")
    with pytest.raises(ParameterError, match=r"parameter 'images'.*3 numbers"):
        split_value(10, sites, [1.0, 2.0], None, "pro_rata")
    with pytest.raises(ParameterError, match=r"parameter 'sites'.*unique"):
        split_value(10, ["a", "a", "c"], images, None, "pro_rata")
    with pytest.raises(ParameterError, match=r"parameter 'method'"):
        split_value(10, sites, images, None, "shapley", curve=SQRT, method="guess")
