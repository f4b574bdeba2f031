"""Report sections rendered from Jinja2 templates (``templates/sections/``), with autoescape on.

Every value a template shows is escaped by Jinja2, so text from data files
cannot inject markup; templates never mark values safe.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from ..core.layout import package_path

__all__ = ["render_section", "agreement_results", "report_css"]

@lru_cache(maxsize=None)
def _environment(directory: Path | None = None):
    """The sections' environment; with ``directory`` (a capability's own templates) that folder first."""
    import jinja2

    from ..core.wording import source_tag

    sections = str(package_path("templates", "sections"))
    folders = [sections] if directory is None else [str(directory), sections]
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(folders), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.globals["tag_of"] = source_tag
    return env


@lru_cache(maxsize=1)
def report_css() -> str:
    """The reports' one style sheet (screen and print), ``templates/sections/report.css``."""
    return package_path("templates", "sections", "report.css").read_text(encoding="utf-8")


def render_section(name: str, *, directory: Path | None = None, **context: Any) -> str:
    """Render ``templates/sections/<name>.html.j2`` (or ``<directory>/<name>.html.j2``, a capability's own)
    with the context (every value escaped)."""
    return _environment(None if directory is None else Path(directory)).get_template(f"{name}.html.j2").render(
        **context)


def agreement_results(dataset, agreements) -> list[dict[str, Any]]:
    """The agreement section's rows for one requester's agreements (one per decision-tree outcome)."""
    from . import figures as views
    from ..core.wording import term_value
    from ..capabilities.decision import rule_source

    css = {"meets": "iv-ok", "departs": "iv-flag", "to_confirm": "iv-ask"}
    results = []
    for a in agreements:
        results.append({
            "option": a.option, "label": dataset.label(a.option),
            "assumed": ", ".join(f"{k} = {v}" for k, v in a.assumed.items()),
            "tree": dataset.label(a.tree_option),
            "best": dataset.label(a.best_weighted),
            "win_win": dataset.label(a.win_win), "why": a.why,
            "why_source": rule_source(dataset, a),
            "terms": [{"term": t.term, "value": term_value(t.value, t.unit),
                       "unit": "" if t.unit == "text" else t.unit, "set_by": ", ".join(t.set_by),
                       "rationale": t.rationale, "source": t.source} for t in a.sheet.terms],
            "removed": ", ".join(f"{term} ({rule})" for term, rule in a.sheet.removed),
            "compliance": [{"principle": c.principle, "status": c.status.replace("_", " "),
                            "css": css[c.status], "reason": c.reason, "source": c.source}
                           for c in a.compliance],
            "dissent": [d.to_dict() | {"prefers": dataset.label(d.prefers)} for d in a.dissent],
        })
    return results
