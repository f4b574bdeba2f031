"""Timing figures for the analytics modules (smaa, stability, alignment, sharing).

Run: PYTHONPATH=lib .venv/bin/python bench/bench_maths.py
Prints the median wall time of repeated runs (time.perf_counter); makes no assertions.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from imaging_value.maths.alignment import stakeholder_alignment
from imaging_value.maths.sharing import WorthCurve, split_value
from imaging_value.maths.smaa import rank_acceptability
from imaging_value.maths.stability import weight_stability


def median_time(func: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    """Median seconds over ``repeats`` runs (after one warm-up run) and the last result."""
    result = func()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def report(label: str, seconds: float, repeats: int, extra: str = "") -> None:
    print(f"{label:<48} {seconds * 1e3:9.2f} ms  (median of {repeats}){extra}")


def main() -> None:
    rng = np.random.default_rng(2024)
    options = [f"option{i}" for i in range(6)]
    levers = [f"lever{j}" for j in range(5)]
    scores = np.round(rng.uniform(0, 10, (6, 5)), 1)
    weights = rng.dirichlet(np.ones(5))

    t, _ = median_time(lambda: rank_acceptability(scores, options, levers, n_samples=10_000), 50)
    report("SMAA-2, 6x5, 10,000 samples", t, 50)
    t, _ = median_time(lambda: rank_acceptability(scores, options, levers, n_samples=10_000, score_uncertainty=1.0), 20)
    report("SMAA-2, 6x5, 10,000 samples, score uncertainty", t, 20)
    t, _ = median_time(lambda: weight_stability(scores, options, levers, weights), 200)
    report("weight stability, 6x5", t, 200)
    profiles = {f"profile{p}": rng.dirichlet(np.ones(5)) for p in range(7)}
    t, _ = median_time(lambda: stakeholder_alignment(scores, options, levers, profiles), 200)
    report("stakeholder alignment, 6x5, 7 profiles", t, 200)

    curve = WorthCurve.power(0.5)
    sites20 = [f"site{i}" for i in range(20)]
    images20 = np.round(rng.lognormal(6, 1, 20))
    t, _ = median_time(lambda: split_value(100_000, sites20, images20, None, "shapley", curve=curve), 5)
    report("exact Shapley, 20 sites (2^20 coalitions)", t, 5)

    sites100 = [f"site{i}" for i in range(100)]
    images100 = np.round(rng.lognormal(6, 1, 100))
    total = 100_000
    t, result = median_time(lambda: split_value(total, sites100, images100, None, "shapley", curve=curve), 5)
    max_se = float(result.table["stderr"].astype(float).max())
    report(
        f"sampled Shapley, 100 sites, {result.samples:,} permutations",
        t,
        5,
        f"; max stderr {100 * max_se / total:.4f}% of total",
    )


if __name__ == "__main__":
    main()
