"""Command-line start-up against the import floor, measured in the same run. Prints; asserts nothing.

Floor: `python -c "import numpy, yaml, pydantic"` with the same interpreter. Targets:
`imaging-value rank scenario-1 --json` in at most 2 x the floor, `imaging-value --help`
in at most 1.2 x; `imaging-value terms scenario-1 --json` (the agreement to sign, which prices the options
to judge the proportionate share) is timed beside them, without a target. Each command runs REPEATS times, interleaved with the others so that
load from other processes falls on all of them alike; the median is reported.
`--baseline REF` also times the same commands on the library as it was at git REF
(run from a temporary export of REF's lib/ and data/ with this interpreter).
The commands run as a user's shell would, writing bytecode caches (PYTHONDONTWRITEBYTECODE
unset): the warm-up run caches each module's compiled code, as a user's first run does, and
stores the validated data folder and request (imaging_value.model.datacache, in a fresh folder for
this run), as a user's first run does. `rank`, no data cache: the same command with
IMAGING_VALUE_CACHE=off, every record validated, as on the first run after a data file changes.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
REPEATS = 7
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
CACHE_ENV = "IMAGING_VALUE_CACHE"
TARGETS = {"rank": 2.0, "help": 1.2}


def commands(tree: Path | None) -> dict[str, list[str]]:
    if tree is None:  # the installed console script, on this tree's data
        cli, data = [str(BIN / "imaging-value")], []
    else:  # another version's library, on its own data
        cli = [
            sys.executable,
            "-c",
            f"import sys; sys.path.insert(0, {str(tree / 'lib')!r}); "
            "from imaging_value.cli import main; sys.exit(main())",
        ]
        data = ["--data", str(tree / "data" / "samples")]
    return {
        "rank": cli + ["rank", "scenario-1", "--json"] + data,
        "terms": cli + ["terms", "scenario-1", "--json"] + data,
        "help": cli + ["--help"],
    }


def seconds(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=ENV | env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def measure(runs: dict[str, list[str]], envs: dict[str, dict[str, str]]) -> dict[str, float]:
    times: dict[str, list[float]] = {name: [] for name in runs}
    for name, command in runs.items():  # one warm-up each, so the file cache is warm for all alike
        seconds(command, envs.get(name, {}))
    for _ in range(REPEATS):
        for name, command in runs.items():
            times[name].append(seconds(command, envs.get(name, {})))
    return {name: statistics.median(values) for name, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", metavar="REF", help="also time the library as it was at this git ref")
    args = parser.parse_args()
    runs = {"floor": [sys.executable, "-c", "import numpy, yaml, pydantic"]}
    runs.update({f"{name}": command for name, command in commands(None).items()})
    runs["rank, no data cache"] = runs["rank"]
    envs = {"rank, no data cache": {CACHE_ENV: "off"}}
    with tempfile.TemporaryDirectory(prefix="bench-cli-") as tmp:
        ENV[CACHE_ENV] = str(Path(tmp) / "data-cache")
        if args.baseline:
            archive = subprocess.run(
                ["git", "archive", args.baseline, "lib", "data"], cwd=ROOT, check=True, capture_output=True
            ).stdout
            subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
            runs.update({f"{name} at {args.baseline}": command for name, command in commands(Path(tmp)).items()})
        load = os.getloadavg()[0]
        medians = measure(runs, envs)
    floor = medians["floor"]
    print(f"== command-line start-up, median of {REPEATS} (load average {load:.2f} at start)")
    print(f"import floor (numpy, yaml, pydantic): {floor * 1000:6.0f} ms")
    for name, value in medians.items():
        if name == "floor":
            continue
        target = TARGETS.get(name)
        verdict = f"; target <= {target:g} x: {'met' if value <= target * floor else 'MISSED'}" if target else ""
        label = {
            "rank": "imaging-value rank scenario-1 --json",
            "terms": "imaging-value terms scenario-1 --json",
            "help": "imaging-value --help",
            "rank, no data cache": "  the same rank, no data cache",
        }.get(name, name)
        print(f"{label:46} {value * 1000:6.0f} ms = {value / floor:4.2f} x floor{verdict}")


if __name__ == "__main__":
    main()
