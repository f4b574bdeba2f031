"""Small HTML helpers the report sections share: escaping, tables and source tags (every value escaped)."""

from __future__ import annotations

import html
from typing import Any

from .sections import render_section

__all__ = ["e", "table", "tag_ours", "tagged"]


def e(value: Any) -> str:
    return html.escape(str(value))


def tag_ours() -> str:
    """The tag for this framework's own reading (the decision tree, adjustments, assumed site sizes)."""
    return render_section("tag", source="this framework's reading")


def table(frame: Any, wide: bool = False) -> str:
    """A pandas frame as an HTML table, every cell escaped."""
    return frame.to_html(index=False, escape=True, border=0, na_rep="", classes="iv-wide" if wide else None)


def tagged(rows: list[dict[str, Any]]) -> str:
    """A table of judgements: every row ends with the source tag of its ``source``."""
    if not rows:
        return ""
    columns = [c for c in rows[0] if c not in ("source", "css")]
    return render_section("tagged_table", columns=columns, rows=[{"css": "", **row} for row in rows])
