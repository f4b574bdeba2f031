"""Render the report pack: papermill runs the notebooks, nbconvert turns them into offline HTML.

One Python process imports papermill and nbconvert once, then runs the
notebooks in parallel worker processes (forked, so the imports are shared),
each with its own kernel. Every file is written to a temporary name and
renamed when complete; a failing notebook is reported in one line and the
other reports still render.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime, timezone
from multiprocessing import get_context
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

import yaml

from .atomic import write_atomic
from .data import Dataset, load_dataset

__all__ = ["Job", "Outcome", "RenderedReport", "plan_jobs", "render_jobs", "write_index", "render_pack",
           "render_request_report", "notebooks_dir", "NOTEBOOKS"]

NOTEBOOKS = {"portfolio": "01-portfolio.ipynb", "request": "02-request.ipynb", "compare": "03-compare.ipynb"}
TEMPLATES = Path(__file__).resolve().parent / "templates"
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
INPUT_ERRORS = ("ParameterError", "DataValidationError")


def notebooks_dir() -> Path:
    return Path(__file__).resolve().parents[2] / "notebooks"


@dataclass(frozen=True)
class Job:
    """One report to render: which notebook, with which parameters, into which file."""

    kind: str  # portfolio, request or compare
    name: str  # output file stem, e.g. "request-scenario-1"
    title: str  # shown on the index page
    parameters: dict[str, Any] = field(default_factory=dict)

    @property
    def notebook(self) -> str:
        return NOTEBOOKS[self.kind]


@dataclass(frozen=True)
class Outcome:
    job: Job
    seconds: float
    html: Path | None = None
    parameters_file: Path | None = None
    error: str | None = None  # one line: notebook, cell, error
    input_error: bool = False  # the error is about a parameter or input file


@dataclass(frozen=True)
class RenderedReport:
    html: Path
    parameters: Path


def _rel(path: Path, start: Path) -> str:
    return os.path.relpath(path.resolve(), start.resolve())


def _request_param(ref: str, dataset: Dataset, nb_dir: Path) -> str:
    """A request id stays an id; a path becomes relative to the notebooks folder."""
    path = Path(ref)
    if path.suffix in (".yaml", ".yml") or path.exists():
        return _rel(path, nb_dir)
    return ref


def _request_title(ref: str, dataset: Dataset) -> str:
    from .data import load_request
    from .errors import DataValidationError

    try:
        return load_request(ref, dataset).title
    except DataValidationError:
        return Path(ref).stem


def plan_jobs(data_dir: str | Path, requests: Sequence[str] = (), everything: bool = False,
              seed: int = 20210401) -> list[Job]:
    """The reports to render: the pack (portfolio, every request, comparison) or the requests named."""
    dataset = load_dataset(data_dir)
    nb_dir = notebooks_dir()
    data_param = _rel(Path(data_dir), nb_dir)
    refs = list(requests) if not everything else dataset.request_ids()
    jobs: list[Job] = []
    if everything:
        jobs.append(Job("portfolio", "portfolio", "Portfolio: the exemplar projects", {"data_dir": data_param}))
    for ref in refs:
        stem = Path(ref).stem if Path(ref).suffix in (".yaml", ".yml") else ref
        jobs.append(Job("request", f"request-{stem}", _request_title(ref, dataset),
                        {"request": _request_param(ref, dataset, nb_dir), "requester": None, "profile": "",
                         "weights": {}, "seed": seed, "samples": 10_000, "total": 1_000_000.0,
                         "data_dir": data_param}))
    if everything:
        jobs.append(Job("compare", "compare", "All requests compared", {"profile": "", "seed": seed,
                                                                       "data_dir": data_param}))
    return jobs


# --- running one notebook (in a worker process) --------------------------------------


def _exporter():
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="offline", extra_template_basedirs=[str(TEMPLATES)],
                            exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    return exporter


def _strip_for_board(notebook) -> None:
    """Drop what a board member must never see: stderr, tracebacks, the parameters cells, and the
    cells tagged ``jupyter-only`` (the introduction for people running the notebook)."""
    kept = []
    for cell in notebook.cells:
        if {"injected-parameters", "parameters", "jupyter-only"} & set(cell.get("metadata", {}).get("tags", [])):
            continue
        if cell.get("cell_type") == "code":
            cell["outputs"] = [o for o in cell.get("outputs", [])
                               if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
                               and o.get("output_type") != "error"]
        kept.append(cell)
    notebook.cells = kept


def _describe_failure(job: Job, exc: BaseException) -> tuple[str, bool]:
    ename = getattr(exc, "ename", type(exc).__name__)
    lines = [line.strip().lstrip("- ").strip() for line in
             ANSI.sub("", str(getattr(exc, "evalue", exc))).splitlines() if line.strip()]
    if len(lines) > 1 and lines[0].endswith(":"):  # a list of problems: keep them all, on one line
        lines = [lines[0] + " " + "; ".join(lines[1:])]
    cell = getattr(exc, "exec_count", None)
    where = f"cell {cell}" if cell is not None else "before any cell ran"
    message = f"{job.notebook} ({job.name}): {where}: {ename}: {lines[0] if lines else ''}"
    return message, ename in INPUT_ERRORS


def run_job(job: Job, out_dir: Path, nb_dir: Path | None = None) -> Outcome:
    """Execute one notebook with papermill and write its HTML (and, for requests, its parameters file)."""
    import papermill

    nb_dir = nb_dir or notebooks_dir()
    start = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        # no output path: the executed notebook stays in memory (papermill would rewrite it after every cell)
        notebook = papermill.execute_notebook(
            str(nb_dir / job.notebook), None, parameters=job.parameters, cwd=str(nb_dir), kernel_name="python3",
            progress_bar=False, log_output=False, request_save_on_cell_execute=False,
            extra_arguments=["--IPKernelApp.log_level=ERROR"])
    except Exception as exc:  # papermill raises PapermillExecutionError with the cell and error
        message, input_error = _describe_failure(job, exc)
        return Outcome(job, time.perf_counter() - start, error=message, input_error=input_error)
    _strip_for_board(notebook)
    body, _ = _exporter().from_notebook_node(notebook, resources={"metadata": {"name": job.title}})
    html_path = write_atomic(out_dir / f"{job.name}.html", body)
    params_path = None
    if job.kind == "request":
        params_path = write_atomic(out_dir / f"{job.name}.params.yaml", _parameters_yaml(job))
    return Outcome(job, time.perf_counter() - start, html_path, params_path)


def _parameters_yaml(job: Job) -> str:
    head = (f"# Parameters of {job.name}.html. Reproduce it with papermill alone, from the project root:\n"
            f"#   papermill notebooks/{job.notebook} {job.name}.ipynb -f <this file> --cwd notebooks\n"
            f"#   jupyter nbconvert --to html --no-input {job.name}.ipynb\n")
    return head + yaml.safe_dump(job.parameters, sort_keys=False, allow_unicode=True)


# --- running many ----------------------------------------------------------------------


def render_jobs(jobs: Sequence[Job], out_dir: str | Path, workers: int | None = None,
                progress: Callable[[str], None] | None = None) -> list[Outcome]:
    """Render every job, ``workers`` at a time; return the outcomes in job order."""
    out_dir = Path(out_dir)
    workers = max(1, min(workers or os.cpu_count() or 1, len(jobs) or 1))
    say = progress or (lambda line: None)
    outcomes: dict[int, Outcome] = {}
    if workers == 1:
        for index, job in enumerate(jobs):
            outcomes[index] = run_job(job, out_dir)
            say(_progress_line(outcomes[index], len(outcomes), len(jobs)))
    else:
        import nbconvert  # noqa: F401  (imported before forking so workers share it)
        import papermill  # noqa: F401

        with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("fork")) as pool:
            futures = {pool.submit(run_job, job, out_dir): index for index, job in enumerate(jobs)}
            for future in as_completed(futures):
                index = futures[future]
                outcomes[index] = future.result()
                say(_progress_line(outcomes[index], len(outcomes), len(jobs)))
    return [outcomes[i] for i in range(len(jobs))]


def _progress_line(outcome: Outcome, done: int, total: int) -> str:
    status = f"wrote {outcome.html.name}" if outcome.html else "FAILED"
    return f"[{done}/{total}] {outcome.job.name}: {status} ({outcome.seconds:.1f} s)"


def write_index(out_dir: str | Path, outcomes: Sequence[Outcome]) -> Path:
    """index.html linking every report in the folder; the manifest keeps earlier runs' entries."""
    out_dir = Path(out_dir)
    manifest_path = out_dir / "manifest.json"
    manifest: dict[str, dict[str, str]] = {}
    if manifest_path.exists():
        try:
            manifest = json.loads(manifest_path.read_text())
        except (json.JSONDecodeError, OSError):
            manifest = {}
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    for outcome in outcomes:
        if outcome.html is not None:
            manifest[outcome.job.name] = {"title": outcome.job.title, "kind": outcome.job.kind,
                                          "file": outcome.html.name, "rendered": stamp}
    manifest = {k: v for k, v in manifest.items() if (out_dir / v["file"]).exists()}
    order = {"portfolio": 0, "request": 1, "compare": 2}
    rows = "".join(
        f'<tr><td><a href="{html.escape(v["file"])}">{html.escape(v["title"])}</a></td>'
        f'<td>{html.escape(v["kind"])}</td><td>{html.escape(v["rendered"])}</td></tr>'
        for _, v in sorted(manifest.items(), key=lambda kv: (order.get(kv[1]["kind"], 3), kv[0])))
    failed = "".join(f"<li>{html.escape(o.error or '')}</li>" for o in outcomes if o.error)
    from . import __version__

    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Value framework report pack</title>
<style>body{{font-family:"Segoe UI",Helvetica,Arial,sans-serif;margin:2em;color:#1f2933;max-width:960px}}
table{{border-collapse:collapse}}td,th{{border:1px solid #d9e2ec;padding:6px 10px;text-align:left}}
th{{background:#f0f4f8}}.failed{{color:#b42318}}</style></head>
<body><h1>Value framework for medical imaging data: report pack</h1>
<p>Each report is one self-contained file: it opens offline, with no software but a web browser.
Updated {html.escape(stamp)} by imaging-value {html.escape(__version__)}.</p>
<table><tr><th>report</th><th>kind</th><th>rendered</th></tr>{rows}</table>
{f'<h2 class="failed">Failed in this run</h2><ul class="failed">{failed}</ul>' if failed else ''}
</body></html>
"""
    write_atomic(manifest_path, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    return write_atomic(out_dir / "index.html", page)


def render_pack(data_dir: str | Path, out_dir: str | Path, requests: Sequence[str] = (), everything: bool = False,
                workers: int | None = None, progress: Callable[[str], None] | None = None) -> list[Outcome]:
    jobs = plan_jobs(data_dir, requests, everything)
    outcomes = render_jobs(jobs, out_dir, workers, progress)
    write_index(out_dir, outcomes)
    return outcomes


def render_request_report(request: str, *, data_dir: str | Path, out_dir: str | Path, requester: int | None = None,
                          profile: str | None = None, weights: Mapping[str, float] | None = None,
                          seed: int = 20210401, samples: int = 10_000, total: float = 1_000_000.0) -> RenderedReport:
    """Render one request report with the given settings (the explorer's button), through the pack's code path.

    The parameters file saved beside the HTML reproduces the report with papermill alone.
    Raises :class:`ImagingValueError` (with the notebook's own message) if the notebook fails.
    """
    from .errors import ImagingValueError

    dataset = load_dataset(data_dir)
    nb_dir = notebooks_dir()
    parameters = {"request": _request_param(request, dataset, nb_dir), "requester": requester,
                  "profile": profile or "", "weights": dict(weights or {}), "seed": seed, "samples": samples,
                  "total": float(total), "data_dir": _rel(Path(data_dir), nb_dir)}
    digest = hashlib.sha256(json.dumps(parameters, sort_keys=True).encode()).hexdigest()[:8]
    stem = Path(request).stem
    who = "all" if requester is None else f"r{requester}"
    job = Job("request", f"request-{stem}-{who}-{profile or 'custom'}-{digest}",
              f"{_request_title(request, dataset)} ({profile or 'custom weights'})", parameters)
    outcome = run_job(job, Path(out_dir))
    write_index(out_dir, [outcome])
    if outcome.error or outcome.html is None or outcome.parameters_file is None:
        raise ImagingValueError(outcome.error or "the report did not render")
    return RenderedReport(outcome.html, outcome.parameters_file)


def progress_to_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)
