"""The fan chart's paths come from one simulation; the fair capped royalty is found in few evaluations.

Both give the answers the slower ways gave: each column of the paths is the option priced on
its own simulation with that horizon, exactly; the fair royalty under a cap is the bisection's
to within a billionth of a per cent.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from imaging_value.maths import valuation
from imaging_value.maths.valuation import npv_paths, price, simulate, solve_fair, value_created
from test_valuation import OPTIONS, H, world


@pytest.mark.parametrize("name", ["incubation", "scale_up", "enterprise", "codevelopment"])
def test_each_year_of_the_paths_is_the_option_priced_with_that_horizon(name):
    a = world(cost=40_000)
    terms = OPTIONS[name]
    paths = npv_paths(a, terms, 3000, 11)
    assert paths.shape == (3000, H + 1)
    for t in range(H + 1):
        assert np.array_equal(paths[:, t], price(simulate(replace(a, horizon=t), 3000, 11), terms).npv), t


def test_the_paths_fan_is_seeded():
    a = world(cost=40_000)
    assert np.array_equal(npv_paths(a, OPTIONS["scale_up"], 2000, 3), npv_paths(a, OPTIONS["scale_up"], 2000, 3))
    assert not np.array_equal(npv_paths(a, OPTIONS["scale_up"], 2000, 3), npv_paths(a, OPTIONS["scale_up"], 2000, 4))


def bisection(d, terms, share):
    """The fair royalty by sixty halvings of [0, 100] (how it was solved before)."""
    target = share * value_created(d)
    lo, hi = 0.0, 100.0
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if price(d, {**terms, "royalty": mid}).mean < target else (lo, mid)
    return (lo + hi) / 2


@pytest.mark.parametrize(
    "name,cap,share",
    [
        ("fee", 300_000, 0.1),
        ("incubation", 1_000_000, 0.35),
        ("enterprise", 300_000, 0.2),
        ("codevelopment", 300_000, 0.3),  # the cap binds: at 0.35 even a 100% royalty falls just short
        ("deferred", 1_000_000, 0.35),
    ],
)
def test_a_capped_royalty_is_solved_as_bisection_solves_it(name, cap, share, monkeypatch):
    d = simulate(world(cost=30_000), 20_000, seed=4)
    terms = {**OPTIONS[name], "royalty_cap": cap}
    calls = []
    monkeypatch.setattr(valuation, "price", lambda *args: calls.append(1) or price(*args))
    fair = solve_fair(d, terms, "royalty", share)
    assert fair is not None and fair > 0
    assert fair == pytest.approx(bisection(d, terms, share), rel=1e-11)
    assert len(calls) < 40  # bisection priced the terms 63 times
    assert price(d, {**terms, "royalty": fair}).mean == pytest.approx(share * value_created(d), rel=1e-9)
