"""Render-pack benchmark: the whole pack with --jobs 2 against the naive floor measured in the same run.

Floor: for each report in the pack, one after another, the `papermill` command on a
notebook with a single empty cell, then `jupyter nbconvert --to html --no-input` on its
output. Target: the pack (two warm kernels, reset between notebooks) in at most 0.3
times the floor. Also: one request report as the explorer's *Render board report*
button renders it (``render_request_report``, in this process), first on a cold
kernel, then warm (median of 3 different settings), target at most 3 s warm; and each
HTML file's size against the size of the plotly.js it embeds (target: at most 1 MB
above it). Prints figures; asserts nothing.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import plotly

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def floor_seconds(reports: int, work: Path) -> float:
    notebook = work / "empty.ipynb"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, notebook)
    start = time.perf_counter()
    for index in range(reports):
        out = work / f"out-{index}.ipynb"
        subprocess.run(
            [str(BIN / "papermill"), str(notebook), str(out), "--no-progress-bar"], check=True, capture_output=True
        )
        subprocess.run(
            [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(out)], check=True, capture_output=True
        )
    return time.perf_counter() - start


def pack_seconds(out: Path, jobs: int) -> float:
    start = time.perf_counter()
    subprocess.run(
        [str(BIN / "imaging-value"), "report", "--all", "--out", str(out), "--jobs", str(jobs)],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    return time.perf_counter() - start


def button_seconds(out: Path) -> tuple[float, list[float]]:
    """The explorer's button path: the first report (kernel started), then three more on the warm kernel."""
    from imaging_value.model.params import RequestParams
    from imaging_value.render.pack import render_request_report

    data = ROOT / "data" / "samples"
    started = time.perf_counter()
    first = RequestParams(request="scenario-1", requester=0, profile="broker")
    render_request_report(first, data_dir=data, out_dir=out)
    cold = time.perf_counter() - started
    warm = []
    for profile, weights in (
        ("nhs_finance", None),
        (None, {"clinical": 2, "commercial": 1}),
        ("patients_public", None),
    ):
        started = time.perf_counter()
        params = RequestParams(request="scenario-2", requester=1, profile=profile, weights=weights)
        render_request_report(params, data_dir=data, out_dir=out)
        warm.append(time.perf_counter() - started)
    return cold, warm


def main() -> None:
    plotly_js = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    js_size = plotly_js.stat().st_size
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        pack = pack_seconds(work / "pack", 2)
        reports = sorted((work / "pack").glob("*.html"))
        count = len([r for r in reports if r.name != "index.html"])
        floor = floor_seconds(count, work)
        print(
            f"== render pack: {count} reports with --jobs 2 in {pack:.1f} s; naive floor (papermill + nbconvert "
            f"on an empty notebook, {count} times, one after another) {floor:.1f} s"
        )
        ratio = pack / floor
        print(f"   ratio {ratio:.2f} (target <= 0.30: {'met' if ratio <= 0.3 else 'MISSED'})")
        cold, warm = button_seconds(work / "button")
        median = statistics.median(warm)
        print(
            f"== explorer's Render board report: first {cold:.1f} s (starts the kernel); then warm: "
            + ", ".join(f"{w:.1f}" for w in warm)
            + f" s, median {median:.1f} s "
            f"(target <= 3 s: {'met' if median <= 3 else 'MISSED'})"
        )
        print(f"== HTML sizes (plotly.js embedded once: {js_size / 1e6:.2f} MB; target: at most 1 MB above it)")
        for report in reports:
            size = report.stat().st_size
            extra = (size - js_size) / 1e6
            verdict = (
                ""
                if report.name == "index.html"
                else f"; {extra:+.2f} MB over plotly.js ({'met' if extra <= 1.0 else 'MISSED'})"
            )
            print(f"   {report.name:32} {size / 1e6:6.2f} MB{verdict}")


if __name__ == "__main__":
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    main()
