"""The reports' page furniture: charts that render offline, the display of a notebook's items, the header
(title, when, versions, the view, the source tags), the provenance page and the opening sentences."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from markupsafe import Markup

from .. import __version__
from ..capabilities import load_dataset
from ..core.checks import check_type
from ..core.layout import LOCK_FILE, lock_digest, project_root, version_text
from ..core.wording import SOURCE_TAGS, parameter_text
from ..model.data import Dataset
from ..present.templates import render_section, report_css

__all__ = [
    "use_offline_charts",
    "show",
    "header_html",
    "provenance_html",
    "brief_html",
    "load_data",
    "shown_data_dir",
    "CHART_RENDERER",
    "project_root",
]
CHART_RENDERER = "plotly_mimetype+offline_notebook"  # JupyterLab view + HTML embedding plotly.js once, offline
_CDN_SCRIPT = re.compile(r'<script src="https?://[^"]*"></script>')


def use_offline_charts() -> None:
    """Render plotly charts so JupyterLab shows them live and the HTML export embeds plotly.js once.

    plotly's notebook renderer always adds a MathJax script fetched from a CDN to every chart; the
    reports use no LaTeX, so the renderer registered here drops it and the HTML needs no network.
    """
    import plotly.io as pio
    from plotly.io._base_renderers import NotebookRenderer

    class OfflineNotebookRenderer(NotebookRenderer):
        def to_mimebundle(self, fig_dict):
            bundle = super().to_mimebundle(fig_dict)
            bundle["text/html"] = _CDN_SCRIPT.sub("", bundle["text/html"])
            return bundle

    if "offline_notebook" not in pio.renderers:
        pio.renderers["offline_notebook"] = OfflineNotebookRenderer()
    pio.renderers.default = CHART_RENDERER


_HEADING = re.compile(r"<h[2-4]\b")


def _flat(items: Iterable[Any]) -> list[Any]:
    out: list[Any] = []
    for item in items:
        if isinstance(item, (list, tuple)):
            out.extend(_flat(item))
        elif item is not None:
            out.append(item)
    return out


def _chart_html(figure: Any) -> str | None:
    """The chart as the offline renderer writes it into the report (None where charts are not offline)."""
    import plotly.io as pio

    if "offline_notebook" not in pio.renderers or pio.renderers.default != CHART_RENDERER:
        return None
    # the default renderers' bundle, as displaying the figure would give it (this activates them first, so
    # plotly.js is embedded once, before the first chart)
    return pio.renderers._build_mime_bundle(figure.to_dict()).get("text/html")


def _introduces(item: Any) -> bool:
    """Whether an HTML item is a heading with a short introduction (no table), to keep with the next chart."""
    return isinstance(item, str) and bool(_HEADING.search(item)) and "<table" not in item and len(item) < 4000


def show(*items: Any) -> None:
    """Display HTML snippets, figures and lists of them, in order. A section's heading and introduction are
    displayed with the chart that follows them as one output, kept together on a printed page."""
    from IPython.display import HTML, display

    flat = _flat(items)
    k = 0
    while k < len(flat):
        item = flat[k]
        following = flat[k + 1] if k + 1 < len(flat) else None
        chart = _chart_html(following) if _introduces(item) and hasattr(following, "to_dict") else None
        if chart is not None:
            display(HTML(render_section("report_keep", body=Markup(item), chart=Markup(chart))))
            k += 2
            continue
        if isinstance(item, str):
            display(HTML(render_section("report_block", body=Markup(item))))
        else:
            display(item)
        k += 1


def _lock_note() -> str:
    """The package version beside the lock file's digest (the full digest on hover)."""
    digest = lock_digest()
    return render_section("version", lock_file=LOCK_FILE, digest=digest, version=version_text(__version__, digest))


def _git_commit() -> str:
    root = project_root()
    if root is None:
        return "an installed package, not a git checkout"
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"], cwd=root, capture_output=True, text=True, timeout=5
        )
        if out.returncode != 0:
            return "not a git checkout"
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=5,
        ).stdout.strip()
        return out.stdout.strip() + (" (with uncommitted changes)" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "git not available"


def _now() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def header_html(title: str, view: Iterable[tuple[str, Any]] = (), *, short_legend: bool = False) -> str:
    """Title, when and how it was rendered, the view it takes, and the source tags explained once (in one line,
    with ``short_legend``, for the board paper)."""
    return render_section(
        "header",
        short_legend=short_legend,
        css=Markup(report_css()),
        title=title,
        rendered=_now(),
        version=Markup(_lock_note()),
        commit=_git_commit(),
        view=[(k, str(v)) for k, v in view],
        tags=SOURCE_TAGS,
    )


def provenance_html(parameters: Mapping[str, Any], digests: Mapping[str, str]) -> str:
    """The parameters, shown as a person would type them, and the sha256 of every input file: the last page of
    every report."""
    return render_section(
        "provenance",
        parameters=[(k, parameter_text(v)) for k, v in parameters.items()],
        digests=list(digests.items()),
    )


def shown_data_dir(data_dir: str | os.PathLike) -> str:
    """The data folder as the parameters page shows it: as typed (``../data/samples``) when it lies in the
    project, else by its name alone, so no local path outside the project is published."""
    root = project_root()
    typed = os.fspath(data_dir)
    try:
        inside = root is not None and Path(typed).resolve().is_relative_to(root.resolve())
    except OSError:
        inside = False
    return typed if inside and not Path(typed).is_absolute() else Path(typed).name


def brief_html(heading: str, sentences: Iterable[str]) -> str:
    """A report's opening sentences under a heading."""
    return render_section("brief", heading=heading, sentences=list(sentences))


def load_data(data_dir: str) -> Dataset:
    """The notebook's data folder, checked as a parameter, then loaded with every capability's files."""
    check_type("data_dir", data_dir, (str, os.PathLike), "a path to a data folder")
    return load_dataset(data_dir)
