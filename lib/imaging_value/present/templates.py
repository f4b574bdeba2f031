"""Report sections rendered from Jinja2 templates (``templates/sections/``), with autoescape on.

Every value a template shows is escaped by Jinja2, so text from data files
cannot inject markup; templates never mark values safe.
"""

from __future__ import annotations

from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from ..core.layout import package_path

__all__ = ["render_section", "report_css"]


@cache
def _environment(directory: Path | None = None):
    """The sections' environment; with ``directory`` (a capability's own templates) that folder first."""
    import jinja2

    from ..core.wording import amount_parts, source_tag

    sections = str(package_path("templates", "sections"))
    folders = [sections] if directory is None else [str(directory), sections]
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["tag_of"] = source_tag
    env.filters["amounts"] = amount_parts  # text cut into amounts (kept on one line, _macros.words) and the rest
    return env


@lru_cache(maxsize=1)
def report_css() -> str:
    """The reports' one style sheet (screen and print), ``templates/sections/report.css``."""
    return package_path("templates", "sections", "report.css").read_text(encoding="utf-8")


def render_section(name: str, *, directory: Path | None = None, **context: Any) -> str:
    """Render ``templates/sections/<name>.html.j2`` (or ``<directory>/<name>.html.j2``, a capability's own)
    with the context (every value escaped)."""
    return (
        _environment(None if directory is None else Path(directory)).get_template(f"{name}.html.j2").render(**context)
    )
