"""`make bench`: how fast an offer is assessed and countered. Prints; asserts nothing.

Target: `assess` and `counter` each answer in under 1 s for a sample offer. For every sample offer
(data/samples/negotiations/), in process on a loaded data folder: the assessment (the valuation's draws for
every branch, compliance, both sides' worth and the zone) and the counter-offer (the assessment, the
mixed-integer search and the counter-offer assessed again), each from scratch, median of REPEATS runs, with
CPU time beside wall time (wall time above CPU time is waiting for a core). Then the whole command once
(`imaging-value assess` and `counter`, the interpreter's start-up included), for the first offer; and the
explorer's negotiation panel in process: a term edited to the offer re-assessed and redrawn (the same
400 ms target as the other panels).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from imaging_value import load_dataset  # noqa: E402
from imaging_value.framework.counter import counter_offer  # noqa: E402
from imaging_value.framework.negotiation import assess_offer  # noqa: E402
from imaging_value.model.offer_files import load_negotiation, negotiation_folders  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
REPEATS = 5
TARGET_S = 1.0
PANEL_TARGET_MS = 400.0


def timed(func, repeats: int = REPEATS) -> tuple[float, float, object]:
    """Median wall and CPU seconds over ``repeats`` runs (after one warm-up run), and the last result."""
    result = func()
    wall, cpu = [], []
    for _ in range(repeats):
        w, c = time.perf_counter(), time.process_time()
        result = func()
        wall.append(time.perf_counter() - w)
        cpu.append(time.process_time() - c)
    return statistics.median(wall), statistics.median(cpu), result


def verdict(seconds: float) -> str:
    return f"target < {TARGET_S:g} s: {'met' if seconds < TARGET_S else 'MISSED'}"


def main() -> None:
    data = ROOT / "data" / "samples"
    dataset = load_dataset(data)
    load = os.getloadavg()[0] / (os.cpu_count() or 1)
    print(f"== negotiation: every sample offer, median of {REPEATS} (load average {load:.1f} per core)")
    worst = {"assess": 0.0, "counter": 0.0}
    first = None
    for folder in negotiation_folders(dataset):
        for path, offer in load_negotiation(folder, dataset).offers:
            shown = str(path.relative_to(data))
            first = first or shown
            a_wall, a_cpu, assessment = timed(lambda offer=offer: assess_offer(dataset, offer))
            c_wall, c_cpu, counter = timed(lambda offer=offer: counter_offer(dataset, offer))
            worst["assess"] = max(worst["assess"], a_wall)
            worst["counter"] = max(worst["counter"], c_wall)
            moved = (
                "none needed"
                if not counter.needed
                else f"{len(counter.moves)} terms moved"
                if counter.offer
                else "none exists"
            )
            print(
                f"{shown:52} {len(assessment.branches)} branch(es)  assess {a_wall * 1e3:6.0f} ms (CPU {a_cpu * 1e3:4.0f})"
                f"  counter {c_wall * 1e3:6.0f} ms (CPU {c_cpu * 1e3:4.0f}, {counter.solves} solve(s); {moved})"
            )
    print(
        f"slowest assess {worst['assess']:.2f} s ({verdict(worst['assess'])}); slowest counter {worst['counter']:.2f} s ({verdict(worst['counter'])})"
    )
    if first is not None:
        for command in ("assess", "counter"):
            args = [str(BIN / "imaging-value"), command, first, "--data", str(data), "--json"]
            start = time.perf_counter()
            subprocess.run(args, check=True, capture_output=True)
            print(
                f"the whole command, start-up included: imaging-value {command} {first}: {time.perf_counter() - start:.2f} s"
            )
    panel_edit(data)


def panel_edit(data: Path) -> None:
    """The explorer's negotiation panel: the royalty of scenario 1's opening offer edited, median of 10 edits."""
    from imaging_value.explore.explorer import Explorer

    explorer = Explorer(data, request="scenario-1")
    panel = explorer.panels["negotiation"]
    panel.picker.value = next(label for label in panel.picker.options if label.endswith("round 1 (partner)"))
    wall, cpu = [], []
    for n in range(11):
        w, c = time.perf_counter(), time.process_time()
        panel.editors["royalty"].value = 1.0 + 0.25 * (n + 1)
        if n:  # the first edit warms up
            wall.append(time.perf_counter() - w)
            cpu.append(time.process_time() - c)
    ms = statistics.median(wall) * 1e3
    print(
        f"explorer panel: a term edited -> {len(panel.assessment.branches)} branches re-assessed, zone and chart "
        f"redrawn: {ms:.0f} ms median of 10 (CPU {statistics.median(cpu) * 1e3:.0f} ms; target <= "
        f"{PANEL_TARGET_MS:g} ms: {'met' if ms <= PANEL_TARGET_MS else 'MISSED'})"
    )


if __name__ == "__main__":
    main()
