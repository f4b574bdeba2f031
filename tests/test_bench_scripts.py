"""The `make bench` scripts load and their measuring helpers measure (no timed assertions)."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"
SCRIPTS = tuple(sorted(p.stem for p in BENCH.glob("*.py")))
ENTRY = {name: "analytics" if name == "run" else "main" for name in SCRIPTS}  # what each script runs


def load(name: str):
    """Import a bench script as its own module, as ``python bench/<name>.py`` would find its neighbours."""
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    spec = importlib.util.spec_from_file_location(f"bench_script_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_make_bench_runs_every_script():
    makefile = (BENCH.parent / "Makefile").read_text(encoding="utf-8")
    run = set(re.findall(r"(?:python|PYTHON\)) bench/(\w+)\.py", makefile))  # make bench and make bench-setup
    assert run and run <= set(SCRIPTS)
    for name in set(SCRIPTS) - run:  # a helper module is imported by a script make bench runs
        assert any(
            re.search(rf"^from {name} import", (BENCH / f"{other}.py").read_text(encoding="utf-8"), re.M)
            for other in run
        ), f"bench/{name}.py is neither run by make bench nor used by a script it runs"


@pytest.mark.parametrize("name", SCRIPTS)
def test_each_script_imports_and_has_an_entry_point(name):
    module = load(name)  # unlike compiling, this fails on a renamed library function or a missing module
    assert callable(getattr(module, ENTRY[name]))  # what `make bench` runs


def test_median_time_runs_once_to_warm_up_then_the_repeats():
    maths = load("bench_maths")
    calls = []
    seconds, result = maths.median_time(lambda: calls.append(1) or len(calls), 5)
    assert len(calls) == 6 and result == 6
    assert 0 <= seconds < 1


@pytest.mark.parametrize("value, expected", [(0.4, "met"), (0.5, "met"), (0.6, "MISSED")])
def test_verdict_against_a_target(value, expected):
    assert load("run").verdict(value, 0.5, "s") == f"target <= 0.5 s: {expected}"


def test_latency_in_process_prints_its_figures(capsys):
    load("bench_latency").in_process(3)
    out = capsys.readouterr().out
    assert "(3 moves)" in out
    assert re.search(r"median \d+\.\d ms, p90 \d+\.\d ms  \(target <= [\d.]+ ms: (met|MISSED)\)", out), out
