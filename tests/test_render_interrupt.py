"""Interrupted and killed renders: kernels end, nothing is written afterwards, the index matches the disk.

Each test runs ``imaging-value report`` as a separate process in a session of its own,
with ``TMPDIR`` pointing at a fresh folder so that any kernel connection file left
behind is seen.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest

pytestmark = pytest.mark.timeout(300)
COMMAND = Path(sys.executable).with_name("imaging-value")


class Run:
    """``imaging-value report ...`` in its own session, its stderr collected line by line."""

    def __init__(self, tmp_path: Path, *args: str):
        self.out = tmp_path / "out"
        self.tmpdir = tmp_path / "tmpdir"
        self.tmpdir.mkdir()
        env = {**os.environ, "TMPDIR": str(self.tmpdir)}
        self.process = subprocess.Popen(
            [str(COMMAND), "report", *args, "--out", str(self.out)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stderr:
            self.lines.append(line.rstrip("\n"))

    def wait_for_line(self, pattern: str, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(re.search(pattern, line) for line in self.lines):
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        raise AssertionError(f"no line matching {pattern!r}: {self.lines}")

    def descendants(self) -> list[psutil.Process]:
        return psutil.Process(self.process.pid).children(recursive=True)

    def finish(self, timeout: float = 60) -> int:
        code = self.process.wait(timeout=timeout)
        self._reader.join(timeout=5)
        return code


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.name: (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.iterdir()} if folder.exists() else {}


def assert_all_gone(processes: list[psutil.Process], timeout: float = 10) -> None:
    _, alive = psutil.wait_procs(processes, timeout=timeout)
    assert not alive, f"still running: {[(p.pid, p.cmdline()[:4]) for p in alive]}"


def assert_quiet_and_consistent(out: Path, tmpdir: Path) -> None:
    """Nothing changes in the output folder any more; the index and manifest list exactly the reports there."""
    before = snapshot(out)
    time.sleep(3)
    assert snapshot(out) == before, "files were written after the command had exited"
    reports = {p.name for p in out.glob("*.html")} - {"index.html"}
    manifest = json.loads((out / "manifest.json").read_text())
    assert {entry["file"] for entry in manifest.values()} == reports
    assert set(re.findall(r'href="([^"]+)"', (out / "index.html").read_text())) == reports
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")], "a half-written file was left"
    assert not list(tmpdir.iterdir()), "kernel connection files were left in the temporary folder"


@pytest.mark.parametrize("target", ["command", "process group"])
def test_ctrl_c_stops_queued_and_running_notebooks(tmp_path, data_copy, target):
    run = Run(tmp_path, "--all", "--jobs", "2", "--data", str(data_copy))
    run.wait_for_line(r"^\[1/\d+\] .*: wrote ")
    processes = run.descendants()
    assert processes, "the kernels should be running"
    if target == "command":
        os.kill(run.process.pid, signal.SIGINT)
    else:
        os.killpg(run.process.pid, signal.SIGINT)
    assert run.finish() == 130
    assert "error: interrupted" in run.lines
    assert not [line for line in run.lines if "Traceback" in line]
    assert_all_gone(processes)
    written = {p.name for p in run.out.glob("*.html")} - {"index.html"}
    assert 1 <= len(written) < 6, written
    assert_quiet_and_consistent(run.out, run.tmpdir)


def test_killing_the_command_ends_its_kernels_and_nothing_more_is_written(tmp_path, data_copy):
    run = Run(tmp_path, "--all", "--jobs", "2", "--data", str(data_copy))
    run.wait_for_line(r"^\[1/\d+\] .*: wrote ")
    processes = run.descendants()
    assert processes
    os.kill(run.process.pid, signal.SIGKILL)
    run.finish()
    assert_all_gone(processes)
    before = snapshot(run.out)
    time.sleep(3)
    assert snapshot(run.out) == before
    assert not list(run.tmpdir.iterdir()), "kernel connection files were left in the temporary folder"


def test_a_parallel_render_says_only_what_it_did(tmp_path):
    run = Run(tmp_path, "scenario-1", "scenario-3", "--jobs", "2")
    assert run.finish(timeout=240) == 0, run.lines
    # progress lines only: no "[IPKernelApp] ERROR | KeyboardInterrupt caught in kernel." from kernels shut down
    assert len(run.lines) == 2, run.lines
    assert all(
        re.fullmatch(r"\[[12]/2\] request-scenario-[13]: wrote request-scenario-[13]\.html \(\d+\.\d s\)", line)
        for line in run.lines
    ), run.lines
    assert not list(run.tmpdir.iterdir()), "kernel connection files were left in the temporary folder"
