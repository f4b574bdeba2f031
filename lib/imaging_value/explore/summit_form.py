"""The facilitator's form: elicit a group's weights live, one panel per method, and save the answer file.

In JupyterLab or the local web app (``make app``), a facilitator types the summit id and the
group, picks a method's tab, enters one participant's answers (the weights, and for AHP the
consistency ratio, update as they change), adds them, repeats for every participant, then saves.
Saving writes ``summits/<summit-id>/<group>.yaml`` in the data folder, validated first and
written atomically; it never replaces another save unless *replace* is ticked, and never a file
that holds another group's answers; a save that fails for any reason (invalid answers, a full disk,
a name too long) shows "Not saved:" and the reason. The maths is :mod:`imaging_value.maths.elicit`; the file is
:mod:`imaging_value.model.summit_files`.
"""

from __future__ import annotations

import datetime as dt
import html
from fractions import Fraction
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from ..core.errors import DataValidationError, ImagingValueError
from ..maths.elicit import CR_THRESHOLD, METHOD_SOURCES, METHODS, aggregate_group, ahp, ahp_matrix, participant_weights
from ..model.summit_files import answer_yaml, save_answer_file

__all__ = ["SummitForm", "summit_form", "AHP_SCALE"]

# Saaty's scale as a facilitator reads it: "a 9x" ... equal ... "b 9x"; the value is a_ab
AHP_SCALE = tuple([Fraction(v) for v in range(9, 1, -1)] + [Fraction(1)] + [Fraction(1, v) for v in range(2, 10)])
TAB_TITLES = {"swing": "Swing weighting", "rank": "Ranking", "points": "100 points", "ahp": "Pairwise (AHP)"}


def _scale_label(a: str, b: str, value: Fraction) -> str:
    if value == 1:
        return "equal"
    return f"{a} {value}x" if value > 1 else f"{b} {1 / value}x"


class SummitForm:
    """The form's widgets and state; ``app`` is the widget to display.

    Public attributes for scripts and tests: ``summit``, ``group``, ``date``, ``tabs``,
    ``swing`` / ``points`` (lever -> BoundedIntText), ``places`` (lever -> Dropdown),
    ``pairs`` ((a, b) -> SelectionSlider), ``weights_html``, ``status``, ``replace``.
    """

    def __init__(self, data_dir: str | Path = "../data/samples", levers: tuple[str, ...] | None = None):
        self.data_dir = Path(data_dir)
        if levers is None:  # the levers of the data folder's levers.yaml
            from ..model.data import load_levers

            levers = tuple(lever.id for lever in load_levers(self.data_dir))
        self.levers = tuple(levers)
        self.recorded: dict[str, list[Any]] = {method: [] for method in METHODS}
        field = {"description_width": "90px"}
        self.summit = widgets.Text(description="Summit id", placeholder="e.g. 2026-12-leeds", style=field)
        self.group = widgets.Text(description="Group", placeholder="e.g. clinicians", style=field)
        self.date = widgets.DatePicker(description="Date", value=dt.date.today(), style=field)
        self.note = widgets.Text(
            description="Note", placeholder="optional", style=field, layout=widgets.Layout(width="480px")
        )
        for name, widget in (("summit", self.summit), ("group", self.group)):
            widget.add_class(f"iv-form-{name}")
        self.swing = {lv: self._number(lv, 100 if i == 0 else 50, "swing") for i, lv in enumerate(self.levers)}
        self.points = {
            lv: self._number(lv, 100 // len(self.levers) + (100 % len(self.levers) if i == 0 else 0), "points")
            for i, lv in enumerate(self.levers)
        }
        places = [(str(k), k) for k in range(1, len(self.levers) + 1)]
        self.places = {
            lv: widgets.Dropdown(options=places, value=i + 1, description=lv, style={"description_width": "170px"})
            for i, lv in enumerate(self.levers)
        }
        self.pairs = {}
        for i, a in enumerate(self.levers):
            for b in self.levers[i + 1 :]:
                self.pairs[(a, b)] = widgets.SelectionSlider(
                    options=[(_scale_label(a, b, v), v) for v in AHP_SCALE],
                    value=Fraction(1),
                    description=f"{a} vs {b}",
                    style={"description_width": "300px"},
                    layout=widgets.Layout(width="640px"),
                    continuous_update=True,
                )
        self.tabs = widgets.Tab(children=[self._panel(m) for m in METHODS])
        for index, method in enumerate(METHODS):
            self.tabs.set_title(index, TAB_TITLES[method])
        self.tabs.add_class("iv-form-tabs")
        self.weights_html = widgets.HTML()
        self.weights_html.add_class("iv-form-weights")
        self.recorded_html = widgets.HTML()
        self.recorded_html.add_class("iv-form-recorded")
        self.status = widgets.HTML()
        self.status.add_class("iv-form-status")
        self.add_button = widgets.Button(description="Add this participant", button_style="info")
        self.add_button.add_class("iv-form-add")
        self.clear_button = widgets.Button(description="Clear participants")
        self.replace = widgets.Checkbox(value=False, description="replace this group's earlier save", indent=False)
        self.save_button = widgets.Button(description="Save answer file", button_style="success")
        self.save_button.add_class("iv-form-save")
        for widget in [*self.swing.values(), *self.points.values(), *self.places.values(), *self.pairs.values()]:
            widget.observe(self._refresh, names="value")
        self.tabs.observe(self._refresh, names="selected_index")
        self.add_button.on_click(lambda _: self.add_participant())
        self.clear_button.on_click(lambda _: self.clear())
        self.save_button.on_click(lambda _: self.save())
        self.app = widgets.VBox(
            [
                widgets.HTML(
                    # the notebook's own heading names the form above it: a paragraph only, never a second heading
                    "<p>One participant at a time: enter their "
                    "answers, <i>Add this participant</i>, repeat; then <i>Save answer file</i>. Participants "
                    "are counted, never named.</p>"
                ),
                widgets.HBox([self.summit, self.group, self.date]),
                self.note,
                self.tabs,
                self.weights_html,
                widgets.HBox([self.add_button, self.clear_button]),
                self.recorded_html,
                widgets.HBox([self.save_button, self.replace]),
                self.status,
            ]
        )
        self.app.add_class("iv-summit-form")
        self._refresh()

    # --- widgets -------------------------------------------------------------------------

    def _number(self, lever: str, value: int, method: str) -> widgets.BoundedIntText:
        widget = widgets.BoundedIntText(
            value=value,
            min=0,
            max=100,
            description=lever,
            style={"description_width": "170px"},
            layout=widgets.Layout(width="280px"),
        )
        widget.add_class(f"iv-form-{method}-{lever}")
        return widget

    def _panel(self, method: str) -> widgets.VBox:
        intro = {
            "swing": "Each lever's swing from its worst to its best level, rated against the most important "
            "swing at 100 (SMART).",
            "rank": "Each lever's place, 1 = most important; give two levers the same place for a tie "
            "(rank-order centroid, SMARTER).",
            "points": "Spread 100 points across the levers.",
            "ahp": "For each pair, which lever matters more and how many times (Saaty's 1 to 9 scale).",
        }[method]
        rows = {"swing": self.swing, "points": self.points, "rank": self.places, "ahp": self.pairs}[method]
        return widgets.VBox([widgets.HTML(f"<p>{html.escape(intro)}</p>"), *rows.values()])

    # --- state ---------------------------------------------------------------------------

    @property
    def method(self) -> str:
        """The elicitation method of the open tab."""
        return METHODS[self.tabs.selected_index or 0]

    def answer(self) -> Any:
        """The participant's answers on the open panel, in the answer file's shape."""
        method = self.method
        if method == "swing":
            return {lv: w.value for lv, w in self.swing.items()}
        if method == "points":
            return {lv: w.value for lv, w in self.points.items()}
        if method == "rank":
            ranking = []
            for place in sorted({w.value for w in self.places.values()}):
                tied = [lv for lv, w in self.places.items() if w.value == place]
                ranking.append(tied[0] if len(tied) == 1 else tied)
            return ranking
        return {pair: float(w.value) for pair, w in self.pairs.items()}

    def _check(self, answer: Any) -> str | None:
        """Why these answers cannot be recorded as they stand, or None."""
        values = list(answer.values()) if isinstance(answer, dict) else []
        if self.method == "swing" and max(values) != 100:
            return f"the largest swing must be rated 100 (it is {max(values)})"
        if self.method == "points" and sum(values) != 100:
            return f"the points must add up to 100 (they add up to {sum(values)})"
        return None

    def _refresh(self, _change: Any = None) -> None:
        answer = self.answer()
        problem = self._check(answer)
        try:
            weights = participant_weights(self.method, answer, self.levers)
        except ImagingValueError:
            self.weights_html.value = '<p class="iv-flag">Give at least one lever a positive value.</p>'
            self._show_recorded()
            return
        cells = "".join(f"<td>{html.escape(lv)}</td><td><b>{w:.1%}</b></td>" for lv, w in weights.items())
        extra = ""
        if self.method == "ahp":
            result = ahp(ahp_matrix(answer, self.levers), self.levers)
            flag = "iv-ok" if result.consistency_ratio <= CR_THRESHOLD else "iv-ask"
            extra = f'<p class="{flag} iv-form-cr">consistency ratio {result.consistency_ratio:.3f}</p>' + "".join(
                f'<p class="iv-ask">{html.escape(w)}</p>' for w in result.warnings
            )
        warning = f'<p class="iv-ask">{html.escape(problem)}</p>' if problem else ""
        self.weights_html.value = (
            f"<p>This participant's weights ({html.escape(METHOD_SOURCES[self.method])}):</p>"
            f"<table><tr>{cells}</tr></table>{extra}{warning}"
        )
        self._show_recorded()

    def _show_recorded(self) -> None:
        answers = self.recorded[self.method]
        if not answers:
            self.recorded_html.value = "<p>No participants added for this method yet.</p>"
            return
        group = aggregate_group(self.group.value or "group", self.method, answers, self.levers)
        cells = "".join(
            f"<td>{html.escape(lv)}</td><td><b>{w:.1%}</b> &plusmn; {group.spread[lv]:.1%}</td>"
            for lv, w in group.weights.items()
        )
        cr = "" if group.consistency_ratio is None else f"; consistency ratio {group.consistency_ratio:.3f}"
        self.recorded_html.value = (
            f"<p>The group's weights from {group.participants} participant"
            f"{'s' if group.participants != 1 else ''}{cr}:</p><table><tr>{cells}</tr></table>"
        )

    # --- actions -------------------------------------------------------------------------

    def add_participant(self) -> bool:
        """Record the open panel's answers as one more participant of its method."""
        answer = self.answer()
        problem = self._check(answer)
        if problem:
            self.status.value = f'<p class="iv-flag">Not added: {html.escape(problem)}.</p>'
            return False
        self.recorded[self.method].append(answer)
        self.status.value = f"<p>Participant {len(self.recorded[self.method])} added.</p>"
        self._show_recorded()
        return True

    def clear(self) -> None:
        """Forget the participants recorded for the open method."""
        self.recorded[self.method] = []
        self.status.value = "<p>Participants cleared.</p>"
        self._show_recorded()

    def yaml_text(self) -> str:
        """The answer file the form would save."""
        return answer_yaml(
            self.group.value.strip(),
            self.method,
            self.date.value or dt.date.today(),
            self.recorded[self.method],
            note=self.note.value.strip(),
        )

    def save(self) -> Path | None:
        """Validate and write the answer file; the outcome (path or the error) is shown in ``status``."""
        if not self.recorded[self.method]:
            self.status.value = '<p class="iv-flag">Not saved: add at least one participant first.</p>'
            return None
        try:
            saved = save_answer_file(
                self.data_dir, self.summit.value.strip(), self.yaml_text(), self.levers, replace=self.replace.value
            )
        except DataValidationError as exc:
            self.status.value = f'<p class="iv-flag">Not saved: {html.escape(exc.one_line())}</p>'
            return None
        except (ImagingValueError, OSError) as exc:  # a write that failed (WriteError) says why, as any other
            self.status.value = f'<p class="iv-flag">Not saved: {html.escape(str(exc))}</p>'
            return None
        path = self.data_dir / saved.provenance.file
        self.status.value = (
            f'<p class="iv-ok">Saved {html.escape(saved.provenance.file)}: {saved.group}, '
            f"{saved.provenance.participants} participant(s); its profile is "
            f"<code>{html.escape(saved.summit)}/{html.escape(saved.group)}</code>.</p>"
        )
        return path


def summit_form(data_dir: str | Path = "../data/samples") -> SummitForm:
    """The facilitator form for a notebook: display its ``app``."""
    return SummitForm(data_dir)
