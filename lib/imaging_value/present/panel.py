"""The explorer's panel interface and its common kinds, shared by the capabilities that own a panel.

A panel is one part of the explorer: its widgets (``box``), what it depends on (``depends``: facts,
requester, weights, total), what it is drawn from (:meth:`Panel.inputs`, so the same inputs are not
drawn twice) and one :meth:`Panel.update`. It reads every answer from the
:class:`~imaging_value.engine.case.Case` the explorer's coordinator gives it, for one requester.

This module is light: ipywidgets and plotly's widget code are imported when a panel is built, so the
command line can list the capabilities (and their panels) without them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..core.errors import DataValidationError
from .templates import render_section

if TYPE_CHECKING:
    from ..engine.case import Case
    from ..model.data import Dataset

__all__ = [
    "FACTS",
    "REQUESTER",
    "WEIGHTS",
    "TOTAL",
    "RED",
    "GREEN",
    "PanelContext",
    "Panel",
    "FigurePanel",
    "HtmlPanel",
    "table_key",
    "section_box",
    "figure_box",
    "hide",
    "status_html",
    "text_html",
    "error_text",
]

FACTS, REQUESTER, WEIGHTS, TOTAL = "facts", "requester", "weights", "total"  # what can change in the explorer
RED, GREEN = "#a4161a", "#1b5e20"


@dataclass
class PanelContext:
    """What a panel is built with: the data folder, the seed, the total shared among sites, and ``changed``,
    which a panel calls with what its own control changed (the split's total: ``changed(TOTAL)``)."""

    dataset: Dataset
    seed: int
    total: float
    changed: Callable[..., None] = field(default=lambda *what: None)


def hide(widget: Any, hidden: bool) -> None:
    """Hide a widget (or show it again)."""
    widget.layout.display = "none" if hidden else None


def error_text(exc: BaseException) -> str:
    """One line for a person: every problem of a validation error, else the error's message."""
    if isinstance(exc, DataValidationError):
        return exc.one_line()
    text = str(exc).strip() or type(exc).__name__
    return " ".join(text.split())


def text_html(kind: str, text: str, colour: str = "inherit") -> str:
    """A heading, title, message or coloured note (``explorer_text.html.j2``), escaped."""
    return render_section("explorer_text", kind=kind, text=text, colour=colour)


def status_html(text: str, *, error: bool = False, colour: str | None = None, css: str = "") -> str:
    """A status line (bold red for an error), escaped."""
    return render_section(
        "explorer_status",
        text=text,
        css=css,
        bold=error and colour is None,
        colour=colour or (RED if error else "inherit"),
    )


def section_box(heading: str, *children: Any) -> Any:
    """A panel's box: its heading, then its widgets."""
    import ipywidgets as widgets

    return widgets.VBox([widgets.HTML(text_html("heading", heading)), *children], layout=widgets.Layout(width="100%"))


def figure_box(figure: Any, name: str) -> Any:
    """A chart in a box the browser tests and the style sheet find by name (``iv-fig-<name>``)."""
    import ipywidgets as widgets

    box = widgets.Box([figure], layout=widgets.Layout(width="100%"))
    box.add_class(f"iv-fig-{name}")
    return box


class Panel:
    """A part of the explorer: its widgets (``box``), what it depends on, and one update method."""

    depends: frozenset[str] = frozenset({FACTS, REQUESTER})
    weighted = False  # True: needs weights that are not all 0 (the coordinator skips it otherwise)
    box: Any

    def inputs(self, case: Case, index: int) -> Any:
        """What the panel shows is a function of this (None: unknown, always update)."""
        return None

    def update(self, case: Case, index: int) -> None:  # pragma: no cover - interface
        """Show the answers for requester ``index`` of the case."""
        raise NotImplementedError


def table_key(case: Case, index: int) -> tuple:
    """The scores a chart is drawn from: the same scores draw the same chart."""
    table = case.table(index)
    return table.options, table.levers, table.scores.to_numpy().tobytes()


class FigurePanel(Panel):
    """A chart, and optionally a note below (or above) it, drawn from the case.

    ``draw(case, index)`` makes the figure and ``note(case, index)`` the note's HTML; ``key`` gives what they
    are drawn from (default: the score table), so the same inputs are not drawn again. ``weighted`` panels
    follow the weights too.
    """

    def __init__(
        self,
        context: PanelContext,
        name: str,
        heading: str,
        draw: Callable[[Case, int], Any],
        *,
        key: Callable[[Case, int], Any] = table_key,
        note: Callable[[Case, int], str] | None = None,
        note_class: str = "",
        note_first: bool = False,
        weighted: bool = False,
    ):
        import ipywidgets as widgets

        from .live import new_figure_widget

        self.name, self.draw, self.key, self.make_note = name, draw, key, note
        self.weighted = weighted
        self.depends = frozenset({FACTS, REQUESTER, WEIGHTS} if weighted else {FACTS, REQUESTER})
        self.figure = new_figure_widget()
        self.note = widgets.HTML()
        if note_class:
            self.note.add_class(note_class)
        notes = [self.note] if note is not None else []
        chart = figure_box(self.figure, name)
        self.box = section_box(heading, *(notes + [chart] if note_first else [chart] + notes))

    def inputs(self, case: Case, index: int) -> Any:
        """The panel is drawn from its key (default: the score table), and from the weights where it is weighted."""
        key = self.key(case, index)
        return (key, tuple(sorted(case.weights.items()))) if self.weighted else key

    def update(self, case: Case, index: int) -> None:
        """Draw the chart (and the note) for requester ``index`` of the case."""
        from .live import sync_figure

        sync_figure(self.figure, self.draw(case, index))
        if self.make_note is not None:
            self.note.value = self.make_note(case, index)


class HtmlPanel(Panel):
    """Text drawn from the case (``make(case, index)``): the agreement to sign, what changed."""

    def __init__(self, css: str, heading: str | None, make: Callable[[Case, int], str], *, weighted: bool = True):
        import ipywidgets as widgets

        self.make, self.weighted = make, weighted
        self.depends = frozenset({FACTS, REQUESTER, WEIGHTS} if weighted else {FACTS, REQUESTER})
        self.html = widgets.HTML()
        self.html.add_class(css)
        self.box = (
            section_box(heading, self.html)
            if heading
            else widgets.VBox([self.html], layout=widgets.Layout(width="100%"))
        )

    def update(self, case: Case, index: int) -> None:
        """Show the text made for requester ``index`` of the case."""
        self.html.value = self.make(case, index)
