"""Report sections rendered from Jinja2 templates (``templates/sections/``), with autoescape on.

Every value a template shows is escaped by Jinja2, so text from data files
cannot inject markup; templates never mark values safe.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = ["render_section"]

SECTIONS_DIR = Path(__file__).resolve().parent / "templates" / "sections"


@lru_cache(maxsize=1)
def _environment():
    import jinja2

    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(SECTIONS_DIR)), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def render_section(name: str, **context: Any) -> str:
    """Render ``templates/sections/<name>.html.j2`` with the context (every value escaped)."""
    return _environment().get_template(f"{name}.html.j2").render(**context)
