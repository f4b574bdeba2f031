"""`make bench`: the valuation's speed. Prints; asserts nothing.

Target: 100,000 Monte Carlo draws for six options over a 10-year horizon in at most
50 ms in process (so the explorer can rerun it on every change): one simulation of
the uncertain world, then each option's term sheet priced on it and summarised
(mean, P10/P50/P90, probability of nothing, breakeven, receipts per year).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_maths import median_time  # noqa: E402
from imaging_value import load_dataset, load_request  # noqa: E402
from imaging_value.framework.appraisal import option_terms  # noqa: E402
from imaging_value.maths.valuation import simulate, value_option  # noqa: E402
from imaging_value.model.assumptions import assumptions_for, contribution_share, load_assumptions  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DRAWS = 100_000
TARGET_MS = 50.0


def main() -> None:
    data = ROOT / "data" / "samples"
    dataset = load_dataset(data)
    spec = load_assumptions(data)
    request = load_request("scenario-2", dataset)
    sheets, cost = option_terms(dataset, spec, request, 0)
    a = assumptions_for(spec, request.requesters[0], access_cost=cost, horizon=10)
    share = contribution_share(spec, request)

    def run() -> list:
        d = simulate(a, DRAWS, seed=0)
        return [value_option(d, option, terms, share) for option, terms in sheets.items()]

    seconds, values = median_time(run, 21)
    cpu = []
    for _ in range(21):
        start = time.process_time()
        run()
        cpu.append(time.process_time() - start)
    ms, cpu_ms = seconds * 1e3, statistics.median(cpu) * 1e3
    load = os.getloadavg()[0] / (os.cpu_count() or 1)
    print(
        f"== valuation: {DRAWS:,} draws x {len(values)} options x {a.horizon}-year horizon: {ms:.1f} ms median "
        f"of 21 (target <= {TARGET_MS:g} ms: {'met' if ms <= TARGET_MS else 'MISSED'}); CPU time {cpu_ms:.1f} ms "
        f"median (load average {load:.1f} per core: wall time above CPU time is waiting for a core)"
    )


if __name__ == "__main__":
    main()
