"""Render the report pack: papermill runs the notebooks on warm kernels, nbconvert turns them into offline HTML.

``jobs`` worker threads each own one warm kernel (:mod:`imaging_value.render.kernels`: started
once with the workbook imported, reset between notebooks) and take the next notebook
from a shared queue. Every file is written to a temporary name and renamed when
complete; a failing notebook is reported in one line and the other reports still
render. An interrupt (Ctrl-C, SIGTERM) kills the kernels, and no report is written
after it; ``index.html`` and ``manifest.json`` are always rebuilt from the reports
actually on disk, under an advisory lock on the output folder, so runs sharing a
folder (several commands, or a scheduler's jobs) never lose an entry.
"""

from __future__ import annotations

import fcntl
import hashlib
import html
import json
import os
import queue
import re
import signal
import stat
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from ..capabilities import load_dataset
from ..core.atomic import ensure_folder, write_atomic, write_together
from ..core.defaults import DEFAULT_REVENUE_SCENARIO, DEFAULT_SAMPLES, DEFAULT_SEED, DEFAULT_TOTAL
from ..core.errors import INPUT_ERRORS, ImagingValueError, WriteError, error_class
from ..core.layout import package_path, project_root
from ..model.data import Dataset
from ..model.params import RequestParams, resolve_request

__all__ = [
    "Job",
    "Outcome",
    "RenderedReport",
    "WriteGuard",
    "plan_jobs",
    "plan_answer",
    "render_jobs",
    "write_index",
    "scan_reports",
    "render_pack",
    "render_request_report",
    "view_label",
    "notebooks_dir",
    "NOTEBOOKS",
    "KIND_ORDER",
    "BOARD_NAME",
    "PLOTLY_MODES",
    "PLOTLY_FILE",
    "share_plotly",
    "write_plotly",
]

NOTEBOOKS = {
    "portfolio": "01-portfolio.ipynb",
    "request": "02-request.ipynb",
    "compare": "03-compare.ipynb",
    "summit": "04-summit.ipynb",
    "transparency": "06-transparency.ipynb",
    "register": "07-register.ipynb",
    "negotiation": "08-negotiation.ipynb",
    "board": "09-board.ipynb",
}
# the index lists the board paper first: it is what a board reads; the full reports follow
KIND_ORDER = {
    "board": 0,
    "portfolio": 1,
    "request": 2,
    "negotiation": 3,
    "compare": 4,
    "summit": 5,
    "transparency": 6,
    "register": 7,
}
BOARD_NAME = "board-paper"
# how the reports carry plotly.js: each its own copy (one file that opens offline, for e-mail), or one shared
# copy beside them (a pack published together as a folder)
PLOTLY_MODES = ("inline", "shared")
PLOTLY_FILE = "plotly.min.js"
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
REPORT_META = re.compile(r"<meta\b[^>]*\bname=\"imaging-value-report\"[^>]*>")
META_CONTENT = re.compile(r"\bcontent=(?:'([^']*)'|\"([^\"]*)\")")


def notebooks_dir() -> Path:
    """The report notebooks: shipped in the package (in a source tree, its top-level ``notebooks/``)."""
    return package_path("notebooks")


def _notebooks_shown() -> str:
    """The notebooks folder as a command names it: ``notebooks`` (from the project root) in a source tree,
    the folder the installed package ships them in otherwise."""
    return "notebooks" if project_root() is not None else str(notebooks_dir())


@dataclass(frozen=True)
class Job:
    """One report to render: which notebook, with which parameters, into which file."""

    kind: str  # one of NOTEBOOKS: board, portfolio, request, negotiation, compare, summit, transparency, register
    name: str  # output file stem, e.g. "request-scenario-1" (letters, digits, - and _ only)
    title: str  # shown on the index page
    parameters: dict[str, Any] = field(default_factory=dict)

    @property
    def notebook(self) -> str:
        """The notebook file this kind of report is rendered from."""
        return NOTEBOOKS[self.kind]


@dataclass(frozen=True)
class Outcome:
    """How one job went: its time, the files written (HTML, and a request's parameters), or its one-line error."""

    job: Job
    seconds: float
    html: Path | None = None
    parameters_file: Path | None = None
    error: str | None = None  # one line: notebook, cell, error
    input_error: bool = False  # the error is about a parameter or input file


@dataclass(frozen=True)
class RenderedReport:
    """A rendered request report: its HTML and the parameters file that reproduces it."""

    html: Path
    parameters: Path


class WriteGuard:
    """Reports are written through this; once :meth:`close` returns, nothing more is written."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._closed = False

    def write(self, path: Path, content: str | bytes) -> Path:
        """Write ``content`` to ``path`` atomically; returns the path (KeyboardInterrupt once closed)."""
        with self._lock:
            if self._closed:
                raise KeyboardInterrupt("the run was interrupted")
            return write_atomic(path, content)

    def write_together(self, files: Mapping[Path, str | bytes]) -> list[Path]:
        """Write the files so that all or none of them replace the ones before (a report and its parameters)."""
        with self._lock:
            if self._closed:
                raise KeyboardInterrupt("the run was interrupted")
            return write_together(files)

    def close(self) -> None:
        """Stop every later write (a write in progress finishes first)."""
        with self._lock:  # waits for a write in progress to finish (it is atomic)
            self._closed = True


def _rel(path: Path, start: Path) -> str:
    return os.path.relpath(path.resolve(), start.resolve())


def _safe_name(text: str) -> str:
    """A file-name stem made only of letters, digits, - and _ (for labels of requests that failed validation)."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-_") or "request"


def _request_param(ref: str, dataset: Dataset, nb_dir: Path) -> str:
    """A request id stays an id; a path becomes the file's path, relative to the notebooks folder.

    A reference to no request stays as it is: its notebook reports the error.
    """
    try:
        resolved = resolve_request(ref, dataset)
    except INPUT_ERRORS:
        return ref
    return resolved.id if resolved.id is not None else _rel(resolved.path, nb_dir)


def _request_label(ref: str, dataset: Dataset) -> tuple[str, str]:
    """(file-name stem, title) of a request: from its validated id, never from the argument as typed.

    A request that fails validation still gets a job (its notebook then reports the error),
    named after the argument's last part with anything but letters, digits, - and _ replaced.
    """
    from ..model.data import load_request

    try:
        request = load_request(ref, dataset)
    except INPUT_ERRORS:
        path = Path(ref)
        stem = path.stem if path.suffix in (".yaml", ".yml") else path.name
        return _safe_name(stem), stem
    return request.id, request.title


def plan_jobs(
    data_dir: str | Path,
    requests: Sequence[str] = (),
    everything: bool = False,
    seed: int = DEFAULT_SEED,
    *,
    portfolio: bool = False,
    compare: bool = False,
    summits: Sequence[str] = (),
    negotiations: Sequence[str] = (),
    view: Mapping[str, Any] | None = None,
    register: str | None = None,
    transparency: bool = False,
    register_report: bool = False,
    board: bool = False,
) -> list[Job]:
    """The reports to render: the pack (the board paper, the portfolio, every request, every negotiation, the
    comparison, every summit), or the ones named (``board``: the board paper).

    ``view`` overrides the request reports' profile, weights, total and seed (and the board paper's, the
    comparison's profile and seed, and the summits' seed); :class:`ParameterError` for a bad one. ``register``:
    the agreements register the pack includes (its URL or path, as ``--db`` takes it); with it the pack has the
    transparency register and the board's register report (or the one asked for: ``transparency``,
    ``register_report``).
    """
    view = dict(view or {})
    seed = view.pop("seed", seed)
    params = RequestParams(**view, seed=seed)  # the request reports' view; each job adds its request
    dataset = load_dataset(data_dir)
    nb_dir = notebooks_dir()
    data_param = _rel(Path(data_dir), nb_dir)
    refs = list(requests) if not everything else dataset.request_ids()
    jobs: list[Job] = []
    if everything or board:
        jobs.append(
            Job(
                "board",
                BOARD_NAME,
                "Board paper: the decisions to take",
                {
                    "profile": params.profile,
                    "weights": dict(params.weights),
                    "seed": params.seed,
                    "total": params.total,
                    "data_dir": data_param,
                },
            )
        )
    if everything or portfolio:
        jobs.append(Job("portfolio", "portfolio", "Portfolio: the exemplar projects", {"data_dir": data_param}))
    for ref in refs:
        stem, title = _request_label(ref, dataset)
        jobs.append(
            Job(
                "request",
                f"request-{stem}",
                title,
                params.notebook_parameters(request=_request_param(ref, dataset, nb_dir), data_dir=data_param),
            )
        )
    if everything or negotiations:
        jobs.extend(_negotiation_jobs(dataset, data_param, params.seed, None if everything else negotiations))
    if everything or compare:
        jobs.append(
            Job(
                "compare",
                "compare",
                "All requests compared",
                {"profile": params.profile, "seed": params.seed, "data_dir": data_param},
            )
        )
    if everything or summits:
        jobs.extend(_summit_jobs(dataset, data_param, params.seed, None if everything else summits))
    if register is not None:
        for kind, wanted, title in (
            ("transparency", transparency, "Transparency register of data-sharing agreements"),
            ("register", register_report, "The agreements register: for the board"),
        ):
            if everything or wanted:
                jobs.append(Job(kind, kind, title, {"db": register, "data_dir": data_param, "as_of": ""}))
    return jobs


def view_args(view: Mapping[str, Any] | None = None, pdf: bool = False, plotly: str = "inline") -> list[str]:
    """The ``report`` flags that give the view (profile, weights, total, seed), ``--pdf`` and ``--plotly``, as a
    command line."""
    view = dict(view or {})
    args: list[str] = []
    if view.get("profile"):
        args += ["--profile", str(view["profile"])]
    if view.get("weights"):
        args += ["--weights", ",".join(f"{lever}={weight!r}" for lever, weight in view["weights"].items())]
    if view.get("total") is not None:
        args += ["--total", repr(float(view["total"]))]
    if view.get("seed") is not None:
        args += ["--seed", str(int(view["seed"]))]
    return args + (["--pdf"] if pdf else []) + (["--plotly", plotly] if plotly != "inline" else [])


def plan_answer(
    jobs: Sequence[Job],
    data_dir: str | Path,
    out_dir: str | Path,
    requests: Sequence[str] = (),
    *,
    view: Mapping[str, Any] | None = None,
    pdf: bool = False,
    plotly: str = "inline",
) -> dict[str, Any]:
    """The jobs as a scheduler needs them: notebook, papermill parameters, output, and the command running each.

    ``requests`` are the arguments the request jobs were planned from (ids or paths), in order.
    Each ``args`` runs one job on its own: ``imaging-value <args>``, with the same view (``view``) and
    ``--pdf`` as the whole run, so a fanned-out job renders what the pack would. ``index_args`` rebuilds the index.
    """
    refs = iter(requests)
    folder = _notebooks_shown()
    common = ["--data", str(data_dir), "--out", str(out_dir), *view_args(view, pdf, plotly)]
    planned = []
    for job in jobs:
        if job.kind == "request":
            ref = next(refs, None) or str(job.parameters["request"])
            args = ["report", ref, *common]
        elif job.kind == "summit":
            args = ["report", "--summit", str(job.parameters["summit"]), *common]
        elif job.kind in ("transparency", "register"):
            args = ["report", f"--{job.kind}", "--db", str(job.parameters["db"]), *common]
        elif job.kind == "negotiation":
            args = ["report", "--negotiation", str(job.parameters["negotiation"]), *common]
        elif job.kind == "board":
            args = ["report", "--board", *common]
        else:
            args = ["report", f"--{job.kind}", *common]
        planned.append(
            {
                "name": job.name,
                "kind": job.kind,
                "title": job.title,
                "notebook": f"{folder}/{job.notebook}",
                "cwd": folder,
                "parameters": job.parameters,
                "output": f"{job.name}.html",
                "parameters_file": f"{job.name}.params.yaml" if job.kind == "request" else None,
                "args": args,
            }
        )
    return {"out": str(out_dir), "jobs": planned, "index_args": ["index", "--out", str(out_dir)]}


def _summit_jobs(dataset: Dataset, data_param: str, seed: int, named: Sequence[str] | None) -> list[Job]:
    """One grand-summit report per summit folder of the data folder (none when there is no summits/),
    or per summit ``named``, each of which must be one of them."""
    from ..core.errors import ParameterError
    from ..model.summit_files import summit_ids

    known = summit_ids(dataset.root)
    for summit in named or ():
        if summit not in known:
            raise ParameterError("--summit", f"a summit of the data folder ({', '.join(known) or 'none'})", summit)
    return [
        Job(
            "summit",
            f"summit-{summit}",
            f"Grand summit: {summit}",
            {"summit": summit, "seed": seed, "samples": DEFAULT_SAMPLES, "data_dir": data_param},
        )
        for summit in (known if named is None else dict.fromkeys(named))
    ]


def _negotiation_jobs(dataset: Dataset, data_param: str, seed: int, named: Sequence[str] | None) -> list[Job]:
    """One negotiation report per negotiation folder of the data folder, or per folder ``named`` (each checked:
    a broken offer stops the plan, naming the file). The notebook gets the folder relative to the data folder
    where it lies inside it, else its absolute path."""
    from ..model.offer_files import load_negotiation, negotiation_folders

    folders = negotiation_folders(dataset) if named is None else list(dict.fromkeys(Path(n) for n in named))
    jobs = []
    root = dataset.root.resolve()
    for folder in folders:
        negotiation = load_negotiation(folder, dataset)
        path = negotiation.folder.resolve()
        try:
            shown = str(path.relative_to(root))
        except ValueError:
            shown = str(path)
        jobs.append(
            Job(
                "negotiation",
                f"negotiation-{_safe_name(negotiation.name)}",
                f"Negotiation: {negotiation.name} ({negotiation.request}, requester {negotiation.requester + 1})",
                {"negotiation": shown, "seed": seed, "data_dir": data_param},
            )
        )
    return jobs


# --- running one notebook (in a worker process) --------------------------------------


_local = threading.local()


def _exporter():
    """nbconvert's HTML exporter with the offline template, one per thread (its template compiled once)."""
    exporter = getattr(_local, "exporter", None)
    if exporter is None:
        from nbconvert import HTMLExporter

        exporter = HTMLExporter(
            template_name="offline",
            extra_template_basedirs=[str(package_path("templates"))],
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
        )
        _local.exporter = exporter
    return exporter


def _strip_for_board(notebook) -> None:
    """Drop what a board member must never see: stderr, tracebacks, the parameters cells, and the
    cells tagged ``jupyter-only`` (the introduction for people running the notebook)."""
    kept = []
    for cell in notebook.cells:
        if {"injected-parameters", "parameters", "jupyter-only"} & set(cell.get("metadata", {}).get("tags", [])):
            continue
        if cell.get("cell_type") == "code":
            cell["outputs"] = [
                o
                for o in cell.get("outputs", [])
                if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
                and o.get("output_type") != "error"
            ]
        kept.append(cell)
    notebook.cells = kept


def _describe_failure(job: Job, exc: BaseException) -> tuple[str, bool]:
    """The failure in one line, and whether it is about the input (the error's class is an input error).

    A notebook's kernel reports its error by class name only (``ename``): the class is looked up in
    the workbook's error hierarchy by that name, and the answer follows from the class.
    """
    ename = getattr(exc, "ename", type(exc).__name__)
    cls = error_class(ename) if hasattr(exc, "ename") else type(exc)
    lines = [
        line.strip().lstrip("- ").strip()
        for line in ANSI.sub("", str(getattr(exc, "evalue", exc))).splitlines()
        if line.strip()
    ]
    if len(lines) > 1 and lines[0].endswith(":"):  # a list of problems: keep them all, on one line
        lines = [lines[0] + " " + "; ".join(lines[1:])]
    cell = getattr(exc, "exec_count", None)
    where = f"cell {cell}" if cell is not None else "before any cell ran"
    message = f"{job.notebook} ({job.name}): {where}: {ename}: {lines[0] if lines else ''}"
    return message, cls is not None and issubclass(cls, INPUT_ERRORS)


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


def run_job(
    job: Job,
    out_dir: Path,
    kernel,
    guard: WriteGuard | None = None,
    nb_dir: Path | None = None,
    plotly: str = "inline",
) -> Outcome:
    """Execute one notebook with papermill on a warm kernel and write its HTML (and, for requests, its parameters).

    The HTML carries the job's name, title, kind, time and how it carries plotly.js in a ``<meta>`` tag, from
    which :func:`write_index` lists it. ``plotly`` "shared": the report loads the one ``plotly.min.js``
    beside it (:func:`write_plotly`) instead of carrying its own copy. Nothing is written once ``guard`` is
    closed. The HTML and its parameters file replace the previous ones together or not at all: a file that
    cannot be written is this job's failure (naming the file and the reason), and the earlier pair stays.
    """
    if not SAFE_NAME.fullmatch(job.name):
        raise ValueError(f"report name {job.name!r}: only letters, digits, - and _ may name an output file")
    nb_dir = nb_dir or notebooks_dir()
    guard = guard or WriteGuard()
    start = time.perf_counter()
    try:
        notebook = kernel.run(nb_dir / job.notebook, job.parameters)
    except Exception as exc:  # papermill raises PapermillExecutionError with the cell and error
        message, input_error = _describe_failure(job, exc)
        return Outcome(job, time.perf_counter() - start, error=message, input_error=input_error)
    _strip_for_board(notebook)
    meta = {"name": job.name, "title": job.title, "kind": job.kind, "rendered": _stamp(), "plotly": plotly}
    body, _ = _exporter().from_notebook_node(
        notebook, resources={"metadata": {"name": job.title}, "imaging_value": meta}
    )
    if plotly == "shared":
        body = share_plotly(body)
    html_path = out_dir / f"{job.name}.html"
    files: dict[Path, str] = {html_path: body}
    params_path = None
    if job.kind == "request":
        params_path = out_dir / f"{job.name}.params.yaml"
        files[params_path] = _parameters_yaml(job)
    try:
        guard.write_together(files)
    except WriteError as exc:
        return Outcome(job, time.perf_counter() - start, error=f"{job.notebook} ({job.name}): {exc}")
    return Outcome(job, time.perf_counter() - start, html_path, params_path)


def _parameters_yaml(job: Job) -> str:
    folder = _notebooks_shown()
    where = ", from the project root" if folder == "notebooks" else ""
    head = (
        f"# Parameters of {job.name}.html. Reproduce it with papermill alone{where}:\n"
        f"#   papermill {folder}/{job.notebook} {job.name}.ipynb -f <this file> --cwd {folder}\n"
        f"#   jupyter nbconvert --to html --no-input {job.name}.ipynb\n"
    )
    return head + yaml.safe_dump(job.parameters, sort_keys=False, allow_unicode=True)


def _plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def share_plotly(page: str) -> str:
    """The report with its own copy of plotly.js (the one the offline renderer embeds, once) replaced by a
    script that loads ``plotly.min.js`` from beside it; a report without charts is unchanged."""
    return page.replace(f"<script>{_plotly_js()}</script>", f'<script src="{PLOTLY_FILE}"></script>', 1)


def write_plotly(out_dir: str | Path, guard: WriteGuard | None = None) -> Path:
    """The one ``plotly.min.js`` the reports of a shared pack load (the version the reports were drawn with)."""
    path = Path(out_dir) / PLOTLY_FILE
    return (guard or WriteGuard()).write(path, _plotly_js())


# --- running many ----------------------------------------------------------------------


def render_jobs(
    jobs: Sequence[Job],
    out_dir: str | Path,
    workers: int | None = None,
    progress: Callable[[str], None] | None = None,
    guard: WriteGuard | None = None,
    plotly: str = "inline",
) -> list[Outcome]:
    """Render every job on ``workers`` warm kernels; return the outcomes in job order (``plotly``: as
    :func:`run_job` takes it; "shared" writes the one ``plotly.min.js`` first).

    On an interrupt (or any error here) the guard is closed first, so no report is
    written afterwards, then every kernel is killed, and the exception propagates.
    """
    from .kernels import KernelWorker, submit

    out_dir = Path(out_dir)
    if not jobs:
        return []
    if plotly not in PLOTLY_MODES:
        from ..core.errors import ParameterError

        raise ParameterError("plotly", " or ".join(PLOTLY_MODES), plotly)
    ensure_folder(out_dir)  # a file, a device or no permission where the folder should be: said before any run
    workers = max(1, min(workers or os.cpu_count() or 1, len(jobs)))
    say = progress or (lambda line: None)
    guard = guard or WriteGuard()
    if plotly == "shared":
        out_dir.mkdir(parents=True, exist_ok=True)
        write_plotly(out_dir, guard)
    nb_dir = notebooks_dir()
    tasks: queue.Queue = queue.Queue()
    pool = [KernelWorker(nb_dir, tasks, name=f"imaging-value-kernel-{i}") for i in range(workers)]
    futures: dict[Future, int] = {}
    for index, job in enumerate(jobs):
        futures[submit(tasks, lambda kernel, job=job: run_job(job, out_dir, kernel, guard, nb_dir, plotly))] = index
    outcomes: dict[int, Outcome] = {}
    interrupted = False
    try:
        pending = set(futures)
        while pending:
            done, pending = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
            for future in done:
                index = futures[future]
                try:
                    outcomes[index] = future.result()
                except Exception as exc:  # the kernel could not be started
                    job = jobs[index]
                    outcomes[index] = Outcome(
                        job,
                        0.0,
                        error=f"{job.notebook} ({job.name}): before any cell ran: the kernel did not start: {exc}",
                    )
                say(_progress_line(outcomes[index], len(outcomes), len(jobs)))
    except BaseException:
        interrupted = True
        guard.close()
        for future in futures:
            future.cancel()
        for worker in pool:
            worker.kill()
        raise
    finally:
        for _ in pool:
            tasks.put(None)
        for worker in pool:
            worker.thread.join(timeout=5 if interrupted else 60)
    return [outcomes[i] for i in range(len(jobs))]


def _progress_line(outcome: Outcome, done: int, total: int) -> str:
    status = f"wrote {outcome.html.name}" if outcome.html else "FAILED"
    return f"[{done}/{total}] {outcome.job.name}: {status} ({outcome.seconds:.1f} s)"


# --- the index, rebuilt from the reports on disk -----------------------------------------


@contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    """An advisory lock on the folder itself (flock on its descriptor): no lock file is left behind."""
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _report_meta(path: Path) -> dict[str, str] | None:
    """The name, title, kind and time a report carries in its head, or None if it is not one of ours
    (nor a regular file: a named pipe or a device is never read, and never holds the folder's lock)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                return None
            head = handle.read(16_384).decode("utf-8", errors="replace")
    except OSError:
        return None
    tag = REPORT_META.search(head)
    content = META_CONTENT.search(tag.group(0)) if tag else None
    if content is None:
        return None
    try:
        meta = json.loads(html.unescape(content.group(1) if content.group(1) is not None else content.group(2)))
    except json.JSONDecodeError:
        return None
    if not isinstance(meta, dict) or not all(isinstance(meta.get(k), str) for k in ("title", "kind", "rendered")):
        return None
    return meta


def scan_reports(out_dir: str | Path) -> dict[str, dict[str, str]]:
    """Every report in the folder, by name: title, kind, file and time rendered, read from the files.

    A report written before reports carried this (no ``<meta>``) keeps its entry from
    the previous manifest, if it had one; any other HTML file is not a report, nor is a file
    whose name the pack would never write (only letters, digits, - and _ before ``.html``, so
    that every link of the index is a plain relative file name), nor anything but a regular file.
    """
    out_dir = Path(out_dir)
    previous: dict[str, Any] = {}
    try:
        previous = json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        pass
    entries: dict[str, dict[str, str]] = {}
    for path in sorted(out_dir.glob("*.html")):
        if path.name == "index.html" or not SAFE_NAME.fullmatch(path.stem) or not path.is_file():
            continue
        meta = _report_meta(path)
        if meta is None:
            old = previous.get(path.stem) if isinstance(previous, dict) else None
            if not (isinstance(old, dict) and old.get("file") == path.name):
                continue
            meta = old
        entries[path.stem] = {
            "title": str(meta.get("title", path.stem)),
            "kind": str(meta.get("kind", "")),
            "file": path.name,
            "rendered": str(meta.get("rendered", "")),
            "plotly": str(meta.get("plotly", "inline")),
        }
    return entries


def write_index(out_dir: str | Path, outcomes: Sequence[Outcome] = ()) -> Path:
    """Rebuild ``index.html`` and ``manifest.json`` from the reports on disk, under the folder's lock.

    Failures of this run (``outcomes`` with an error) are listed below the table.
    """
    import jinja2

    from .. import __version__

    out_dir = Path(out_dir)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(package_path("templates", "pack")), autoescape=True)
    with _folder_lock(out_dir):
        manifest = scan_reports(out_dir)
        entries = [
            v
            for _, v in sorted(manifest.items(), key=lambda kv: (KIND_ORDER.get(kv[1]["kind"], len(KIND_ORDER)), kv[0]))
        ]
        # a PDF printed beside a report (report --pdf) is linked next to it
        entries = [
            {
                **entry,
                "pdf": pdf.name if (pdf := out_dir / Path(entry["file"]).with_suffix(".pdf").name).exists() else "",
            }
            for entry in entries
        ]
        modes = {entry.get("plotly", "inline") for entry in entries}
        page = env.get_template("index.html.j2").render(
            entries=entries,
            failures=[o.error for o in outcomes if o.error],
            stamp=_stamp(),
            version=__version__,
            shared="shared" in modes,
            mixed=len(modes) > 1,
            plotly_file=PLOTLY_FILE,
            plotly_present=(out_dir / PLOTLY_FILE).exists(),
        )
        manifest_text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
        write_together({out_dir / "manifest.json": manifest_text, out_dir / "index.html": page})
        return out_dir / "index.html"


@contextmanager
def _uninterrupted() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM off while the index is rewritten after an interrupt (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.signal(sig, signal.SIG_IGN) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def render_pack(
    data_dir: str | Path,
    out_dir: str | Path,
    requests: Sequence[str] = (),
    everything: bool = False,
    workers: int | None = None,
    progress: Callable[[str], None] | None = None,
    *,
    portfolio: bool = False,
    compare: bool = False,
    summits: Sequence[str] = (),
    negotiations: Sequence[str] = (),
    view: Mapping[str, Any] | None = None,
    register: str | None = None,
    transparency: bool = False,
    register_report: bool = False,
    board: bool = False,
    plotly: str = "inline",
) -> list[Outcome]:
    """Plan and render the reports, then rebuild the index; after an interrupt, the index still matches the disk.

    ``view`` is the report's view (``report --profile/--weights/--total/--seed``), and ``register``,
    ``transparency``, ``register_report`` and ``board`` the agreements register's reports and the board paper,
    as :func:`plan_jobs` takes them; ``plotly`` how the reports carry plotly.js (:data:`PLOTLY_MODES`,
    ``report --plotly``).
    """
    jobs = plan_jobs(
        data_dir,
        requests,
        everything,
        portfolio=portfolio,
        compare=compare,
        summits=summits,
        negotiations=negotiations,
        view=view,
        register=register,
        transparency=transparency,
        register_report=register_report,
        board=board,
    )
    guard = WriteGuard()
    try:
        outcomes = render_jobs(jobs, out_dir, workers, progress, guard, plotly)
    except BaseException:
        guard.close()
        with _uninterrupted():
            write_index(out_dir)
        raise
    write_index(out_dir, outcomes)
    return outcomes


# --- the explorer's button: one warm kernel kept for the process -----------------------

_report_tasks: queue.Queue | None = None
_report_worker = None
_report_lock = threading.Lock()


def _report_queue() -> queue.Queue:
    """The task queue of this process's report kernel, started on first use and kept for later reports."""
    global _report_tasks, _report_worker
    from .kernels import KernelWorker

    with _report_lock:
        tasks = _report_tasks
        if tasks is None or _report_worker is None or not _report_worker.thread.is_alive():
            import atexit

            tasks = _report_tasks = queue.Queue()
            _report_worker = KernelWorker(notebooks_dir(), tasks, name="imaging-value-report-kernel")
            atexit.register(_report_worker.kill)
        return tasks


def render_request_report(params: RequestParams, *, data_dir: str | Path, out_dir: str | Path) -> RenderedReport:
    """Render one request report with the given parameters (the explorer's button), through the pack's code path.

    ``params.data_dir`` is ignored: ``data_dir`` is the folder as this process sees it. The first
    call starts a kernel kept warm for the later ones. The parameters file saved beside the HTML
    reproduces the report with papermill alone. Raises :class:`ImagingValueError` (with the
    notebook's own message) if the notebook fails.
    """
    from ..model.data import load_request
    from .kernels import submit

    dataset = load_dataset(data_dir)
    loaded = load_request(params.request, dataset)
    params.requester_indices(loaded)  # a requester the request does not have stops here
    nb_dir = notebooks_dir()
    parameters = params.notebook_parameters(
        request=_request_param(params.request, dataset, nb_dir), data_dir=_rel(Path(data_dir), nb_dir)
    )
    digest = hashlib.sha256(json.dumps(parameters, sort_keys=True).encode()).hexdigest()[:8]
    who = "all" if params.requester is None else f"r{params.requester}"
    view = "equal" if not params.profile and not params.weights else params.profile or "custom"
    job = Job(
        "request",
        f"request-{loaded.id}-{who}-{_safe_name(view)}-{digest}",
        f"{loaded.title} ({view_label(params, dataset)}"
        + (
            f"; requester {params.requester + 1})"
            if params.requester is not None and len(loaded.requesters) > 1
            else ")"
        ),
        parameters,
    )
    out = Path(out_dir)
    outcome = submit(_report_queue(), lambda kernel: run_job(job, out, kernel, nb_dir=nb_dir)).result()
    write_index(out, [outcome])
    if outcome.error or outcome.html is None or outcome.parameters_file is None:
        raise ImagingValueError(outcome.error or "the report did not render")
    return RenderedReport(outcome.html, outcome.parameters_file)


def view_label(params: RequestParams, dataset: Dataset) -> str:
    """How the index names a request report's view: the profile (or equal or custom weights), then every
    setting that differs from the data folder's defaults (the valuation's discount rate, revenue scenario,
    royalty; the total and the seed)."""
    if params.profile:
        try:
            parts = [dataset.profile(params.profile).label]
        except ImagingValueError:
            parts = [params.profile]
    else:
        parts = ["custom weights" if params.weights else "equal weights"]
    spec = dataset.valuation
    if params.discount_rate is not None and (spec is None or params.discount_rate != spec.discount_rate.value):
        parts.append(f"discount rate {params.discount_rate:.2%}")
    if params.revenue_scenario != DEFAULT_REVENUE_SCENARIO:
        parts.append(f"{params.revenue_scenario} revenue")
    if params.royalty is not None:
        parts.append(f"royalty {params.royalty:g}%")
    if params.total != DEFAULT_TOTAL:
        parts.append(f"total £{params.total:,.0f}")
    if params.seed != DEFAULT_SEED:
        parts.append(f"seed {params.seed}")
    return "; ".join(parts)


def progress_to_stderr(line: str) -> None:
    """Print one progress line to stderr, at once."""
    print(line, file=sys.stderr, flush=True)
