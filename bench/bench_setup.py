"""`make bench-setup`: the first `make report` on a clean clone, the old way against the new, in one run.

Both ways start from a fresh `git clone` of this repository's HEAD and end with the whole
report pack and its exports written:
- old: the recipe before the lock: `python3 -m venv .venv`, `pip install -e '.[test]'`
  (pip resolves the declared ranges), then `imaging-value report --all` and `export`;
- new: `make report` (bootstraps uv into the venv, installs requirements.lock with it,
  then renders the same pack).
With `--pip-fallback`, also `make report INSTALLER=pip` (pip installing the same lock).

By default each way gets its own empty package cache (PIP_CACHE_DIR, UV_CACHE_DIR), as on a
fresh machine: every package is downloaded from the index. `--warm` uses the usual caches.
Target: new <= 0.6 x old. Prints figures; asserts nothing. Needs network access to the index.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = 0.6
OLD_INSTALL = [
    ["python3", "-m", "venv", ".venv"],
    [".venv/bin/python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", ".[test]"],
]
OLD_REPORT = [
    [".venv/bin/imaging-value", "report", "--all", "--data", "data/samples", "--out", "reports"],
    [".venv/bin/imaging-value", "export", "--data", "data/samples", "--out", "reports/data"],
]


def timed(commands: list[list[str]], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    for command in commands:
        done = subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if done.returncode != 0:
            sys.exit(f"error: {' '.join(command)} failed in {cwd} (exit {done.returncode}): {done.stderr[-2000:]}")
    return time.perf_counter() - start


def clone(work: Path, name: str) -> Path:
    target = work / name
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(target)], check=True)
    return target


def environment(work: Path, name: str, warm: bool) -> dict[str, str]:
    # as a user's shell: no venv active, and bytecode written (pip compiles at install only then)
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONDONTWRITEBYTECODE")}
    if not warm:
        env["PIP_CACHE_DIR"] = str(work / f"{name}-pip-cache")
        env["UV_CACHE_DIR"] = str(work / f"{name}-uv-cache")
    return env


def way(work: Path, name: str, install: list[list[str]], report: list[list[str]], warm: bool) -> tuple[float, float]:
    tree = clone(work, name)
    env = environment(work, name, warm)
    setup = timed(install, tree, env)
    render = timed(report, tree, env)
    reports = len(list((tree / "reports").glob("*.html")))
    print(
        f"{name:>13}: install {setup:6.1f} s + report {render:5.1f} s = {setup + render:6.1f} s ({reports} HTML files)",
        flush=True,
    )
    return setup, render


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warm", action="store_true", help="use the usual package caches instead of empty ones")
    parser.add_argument("--pip-fallback", action="store_true", help="also time `make report INSTALLER=pip`")
    args = parser.parse_args()
    print(
        f"== first `make report` on a clean clone of HEAD ({'warm' if args.warm else 'empty'} package caches; "
        f"load average {os.getloadavg()[0]:.2f} at start)",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="bench-setup-") as tmp:
        work = Path(tmp)
        old = sum(way(work, "old (pip)", OLD_INSTALL, OLD_REPORT, args.warm))
        new = sum(way(work, "new (uv)", [["make", ".venv/.installed-stamp"]], [["make", "report"]], args.warm))
        if args.pip_fallback:
            way(
                work,
                "lock with pip",
                [["make", ".venv/.installed-stamp", "INSTALLER=pip"]],
                [["make", "report", "INSTALLER=pip"]],
                args.warm,
            )
    ratio = new / old
    print(
        f"first make report: new {new:.1f} s / old {old:.1f} s = {ratio:.2f}; target <= {TARGET:g}: "
        f"{'met' if ratio <= TARGET else 'MISSED'} (load average {os.getloadavg()[0]:.2f} at end)"
    )


if __name__ == "__main__":
    main()
