"""`make bench`: summit figures. Prints; asserts nothing.

- the facilitator form's live update: one AHP panel refresh (weights, consistency ratio, the
  group so far), target <= 50 ms so the weights follow the answers as they change;
- one group's weights from 30 AHP participants (geometric mean, eigenvectors, spreads);
- the sample grand summit: every group, every request and requester, 10,000 SMAA samples each.
"""

from __future__ import annotations

import sys
from fractions import Fraction
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_maths import median_time, report  # noqa: E402
from imaging_value.capabilities import load_dataset  # noqa: E402
from imaging_value.explore.summit_form import AHP_SCALE, SummitForm  # noqa: E402
from imaging_value.framework.summit import grand_summit  # noqa: E402
from imaging_value.maths.elicit import aggregate_group  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
LEVER_IDS = load_dataset(ROOT / "data" / "samples").lever_ids  # levers.yaml's levers


def main() -> None:
    print("== summits")
    form = SummitForm(ROOT / "data" / "samples")
    form.tabs.selected_index = 3
    slider = form.pairs[("clinical", "social")]
    values = [Fraction(3), Fraction(1, 2)]
    flip = iter(range(10**9))
    seconds, _ = median_time(lambda: setattr(slider, "value", values[next(flip) % 2]), 50)
    report(
        "form: one AHP answer changed (panel refresh)",
        seconds,
        50,
        f"  target <= 50 ms: {'met' if seconds <= 0.05 else 'MISSED'}",
    )
    rng = np.random.default_rng(3)
    answers = []
    for _ in range(30):
        answers.append(
            {
                (a, b): float(AHP_SCALE[rng.integers(len(AHP_SCALE))])
                for i, a in enumerate(LEVER_IDS)
                for b in LEVER_IDS[i + 1 :]
            }
        )
    seconds, _ = median_time(lambda: aggregate_group("g", "ahp", answers, LEVER_IDS), 20)
    report("one group from 30 AHP participants", seconds, 20)
    seconds, result = median_time(lambda: grand_summit(load_dataset(ROOT / "data" / "samples"), "illustrative"), 3)
    report(f"sample grand summit ({len(result.requests)} request-requesters, SMAA 10,000)", seconds, 3)


if __name__ == "__main__":
    main()
