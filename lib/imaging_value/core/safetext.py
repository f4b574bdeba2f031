"""Text that leaves the workbook for other programs: terminals, spreadsheets, plotly, error messages.

* :func:`brief`: a bounded ``repr`` for error messages (never walks a whole large value).
* :func:`printable`: control characters (and bidirectional overrides) escaped, for terminal output.
* :func:`spreadsheet_cell`: the usual formula-injection guard for CSV cells; numbers stay numbers.
* :func:`plotly_text`: data text escaped once for plotly's pseudo-HTML labels.
"""

from __future__ import annotations

import html
import re
import reprlib
import unicodedata
from typing import Any

__all__ = ["brief", "printable", "printable_json", "spreadsheet_cell", "plotly_text", "BRIEF_LIMIT"]

BRIEF_LIMIT = 80  # characters of a found value an error message shows


def _repr(limit: int) -> reprlib.Repr:
    bounded = reprlib.Repr()
    bounded.maxstring = bounded.maxother = limit
    bounded.maxlevel = 3
    for name in ("maxlist", "maxtuple", "maxdict", "maxset", "maxfrozenset", "maxdeque", "maxarray"):
        setattr(bounded, name, 6)
    return bounded


def brief(value: Any, limit: int = BRIEF_LIMIT) -> str:
    """``repr(value)`` cut to ``limit`` characters, built without visiting more than a few items.

    Containers show their first few items and nesting stops at three levels, so the cost does
    not grow with the value (a list expanded from YAML aliases is never walked in full).
    """
    try:
        text = _repr(limit).repr(value)
    except Exception:  # a value whose repr fails still gets a message
        text = f"<{type(value).__name__}>"
    text = printable(text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


# bidirectional embedding/override/isolate controls reorder what a terminal shows
_BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


def _escape_char(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _unsafe(char: str) -> bool:
    return unicodedata.category(char) == "Cc" or char in _BIDI


def printable(text: str, keep_newlines: bool = False) -> str:
    """``text`` with control characters (C0, DEL, C1) and bidi overrides escaped as ``\\xNN``.

    A name holding an ANSI escape sequence or a carriage return cannot then recolour, move or
    overwrite what the terminal shows.  ``keep_newlines`` keeps ``\\n`` (for multi-line output
    whose lines the caller built); everything else is escaped.
    """
    return "".join(
        _escape_char(char) if _unsafe(char) and not (keep_newlines and char == "\n") else char for char in text
    )


def printable_json(text: str) -> str:
    """JSON text (from ``json.dumps(..., ensure_ascii=False)``) with the control characters JSON
    leaves raw (DEL, C1, bidi overrides) written as ``\\uXXXX`` escapes: still the same JSON value."""
    return "".join(f"\\u{ord(char):04x}" if _unsafe(char) and char != "\n" else char for char in text)


_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: Any) -> Any:
    """A CSV cell a spreadsheet will not run as a formula.

    Text beginning with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a leading ``'``
    (the usual guard, which spreadsheets show as text); numbers, and text that is just a
    number such as ``-4``, are left as they are.
    """
    if not isinstance(value, str) or not value.startswith(_FORMULA_START):
        return value
    if _NUMBER.fullmatch(value):
        return value
    return "'" + value


def plotly_text(value: Any) -> str:
    """Text from data for a plotly label, title, hover or menu: ``&``, ``<`` and ``>`` escaped, once.

    Plotly reads these strings as a small subset of HTML, so ``<`` must not reach it raw; it
    decodes ``&amp;``, ``&lt;`` and ``&gt;`` but not ``&quot;`` or ``&#x27;``, so quotes are left
    as they are (escaping them would show ``&quot;`` on screen).  Call it exactly once, on the
    data's own text, never on text that already went through it.
    """
    return html.escape(str(value), quote=False)
