"""`make bench`: performance figures against the project's targets. Prints; asserts nothing.

Sections:
- analytics: the full recompute for one (request, requester) that the interactive
  workbook reruns on every slider move (scores, ranking, 10,000-sample SMAA,
  weight stability, stakeholder alignment), target <= 20 ms median; exact Shapley
  for 20 sites, target <= 0.5 s; sampled Shapley for 100 sites with standard
  error under 1% of the total, target <= 2 s.
- the pure maths, one piece at a time (bench_maths.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_maths import main as maths_main  # noqa: E402
from bench_maths import median_time
from imaging_value import load_dataset, load_request  # noqa: E402
from imaging_value.engine.case import analyse  # noqa: E402
from imaging_value.maths.sharing import WorthCurve, split_value  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def verdict(value: float, target: float, unit: str) -> str:
    return f"target <= {target:g} {unit}: {'met' if value <= target else 'MISSED'}"


def analytics() -> None:
    dataset = load_dataset(ROOT / "data" / "samples")
    print("== full recompute per (request, requester): scores, ranking, SMAA 10,000, stability, alignment")
    worst = 0.0
    for rid in dataset.request_ids():
        request = load_request(rid, dataset)
        for index in range(len(request.requesters)):
            seconds, _ = median_time(
                lambda request=request, index=index: analyse(dataset, request, index, None, n_samples=10_000, seed=0),
                60,
            )
            worst = max(worst, seconds)
            print(f"  {rid} requester {index}: {seconds * 1e3:7.2f} ms median of 60")
    print(f"  slowest median {worst * 1e3:.2f} ms ({verdict(worst * 1e3, 20, 'ms')})")

    rng = np.random.default_rng(11)
    curve = WorthCurve.power(dataset.pooling.exponent)
    images20 = np.round(rng.lognormal(8, 1, 20))
    seconds, _ = median_time(
        lambda: split_value(
            100_000, [f"s{i}" for i in range(20)], images20, None, "shapley", curve=curve, method="exact"
        ),
        5,
    )
    print(f"== exact Shapley, 20 sites: {seconds:.3f} s median of 5 ({verdict(seconds, 0.5, 's')})")
    images100 = np.round(rng.lognormal(8, 1, 100))
    seconds, result = median_time(
        lambda: split_value(
            100_000,
            [f"s{i}" for i in range(100)],
            images100,
            None,
            "shapley",
            curve=curve,
            samples=dataset.pooling.samples,
        ),
        5,
    )
    worst_se = float(result.table["stderr"].astype(float).max()) / 100_000 * 100
    print(
        f"== sampled Shapley, 100 sites, {result.samples:,} permutations: {seconds:.3f} s median of 5 "
        f"({verdict(seconds, 2, 's')}); largest standard error {worst_se:.3f}% of the total (target < 1%)"
    )


if __name__ == "__main__":
    analytics()
    print("== the maths alone (random 6 x 5 matrices)")
    maths_main()
