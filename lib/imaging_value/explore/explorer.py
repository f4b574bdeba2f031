"""Explore one request live: change its facts or the lever weights and watch every answer move.

Everything interactive lives here; ``notebooks/00-explore.ipynb`` only calls
:func:`explore`. The explorer is

* a state in plain Python (:class:`imaging_value.explore.state.ExplorerState`: the
  request's facts, the requester, the weights, the profile), whose
  :class:`~imaging_value.explore.state.Case` computes each answer once, when asked;
* panels, one per concern, each owning its widgets and one ``update`` method:
  the weights, the scenario (the request's facts as widgets), the ranking, the
  weight stability, the decision tree, the agreement to sign, the lever scores
  and adjustments, rank acceptability, stakeholder alignment, the split among
  sites, what changed against the saved request, saving as a request, and the
  board report; the capabilities' panels are built in the registry's order
  (:func:`imaging_value.engine.capability.capabilities`), and a registered capability
  without a panel of its own gets a :class:`CapabilityPanel` drawn from its section;
* one :class:`Coordinator` that, for a change of facts, requester, weights or
  total, updates exactly the panels that depend on it, once each.

Only the ranking, the weight stability, the agreement and what changed depend
on the weights; the other panels depend on the facts and requester alone (SMAA
samples weights uniformly). Slider moves are debounced; fact changes,
:meth:`Explorer.refresh` and :meth:`Explorer.set_weights` recompute at once.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import plotly.graph_objects as go

from ..capabilities import Capability, View, capabilities, load_dataset
from ..capabilities.sections import agreement_results
from ..core.defaults import DEFAULT_SAMPLES, DEFAULT_SEED, DEFAULT_TOTAL
from ..core.errors import DataValidationError, ImagingValueError, ParameterError
from ..framework.analysis import profile_weights
from ..framework.scenario import RequestExistsError, problem_key, save_request
from ..framework.scoring import Ranking
from ..framework.sites import site_contributions
from ..framework.tree import Recommendation
from ..model.data import Dataset, RequestEntry, scan_requests
from ..model.params import RequestParams
from ..model.schema import COMMERCIAL_KINDS, DEIDENTIFICATIONS, FACT_VALUES, REQUESTER_KINDS, SITE_KINDS, UNSTATED
from ..present import figures as views
from ..present.templates import render_section
from .live import PLOTLY_BUNDLE_ENV, Debouncer, new_figure_widget, sync_figure
from .state import Case, ExplorerState, WeightedCase
from .worth_panel import WorthPanel

__all__ = [
    "Explorer",
    "ExplorerApp",
    "Coordinator",
    "Debouncer",
    "explore",
    "sync_figure",
    "new_figure_widget",
    "FIGURES",
    "ALL_ZERO_MESSAGE",
    "PLOTLY_BUNDLE_ENV",
]

FIGURES = ("ranking", "stability", "tree", "lever_profile", "acceptability", "alignment", "split")
ALL_ZERO_MESSAGE = "All lever weights are 0: move a slider above 0 to rank the options."
CUSTOM = ""  # the profile picker's value when the sliders were moved by hand
DEFAULT_DEBOUNCE = 0.15  # seconds of quiet after the last slider move before the recompute
FACTS, REQUESTER, WEIGHTS, TOTAL = "facts", "requester", "weights", "total"  # what can change
RED = "#a4161a"


class ExplorerApp(widgets.VBox):
    """The app's top-level widget; ``.explorer`` is the :class:`Explorer` behind it."""

    def __init__(self, explorer: Explorer, **kwargs: Any):
        super().__init__(**kwargs)
        self.explorer = explorer


def _hide(widget: widgets.DOMWidget, hidden: bool) -> None:
    widget.layout.display = "none" if hidden else None


def _percent(value: float) -> str:
    return f"{value * 100:.0f}%"


def _error_text(exc: BaseException) -> str:
    """One line for a person: every problem of a validation error, else the error's message."""
    if isinstance(exc, DataValidationError):
        return exc.one_line()
    text = str(exc).strip() or type(exc).__name__
    return " ".join(text.split())


def _text(kind: str, text: str, colour: str = "inherit") -> str:
    """A heading, title, message or coloured note (``templates/sections/explorer_text.html.j2``), escaped."""
    return render_section("explorer_text", kind=kind, text=text, colour=colour)


def _status(text: str, *, error: bool = False, colour: str | None = None, css: str = "") -> str:
    return render_section(
        "explorer_status",
        text=text,
        css=css,
        bold=error and colour is None,
        colour=colour or (RED if error else "inherit"),
    )


@contextmanager
def _quietly(owner: Any) -> Iterator[None]:
    """Set ``owner._quiet`` while widgets are changed, so their observers do not react."""
    previous, owner._quiet = owner._quiet, True
    try:
        yield
    finally:
        owner._quiet = previous


def _figure_box(figure: go.FigureWidget, name: str) -> widgets.Box:
    box = widgets.Box([figure], layout=widgets.Layout(width="100%"))
    box.add_class(f"iv-fig-{name}")
    return box


def _section(heading: str, *children: widgets.Widget) -> widgets.VBox:
    return widgets.VBox([widgets.HTML(_text("heading", heading)), *children], layout=widgets.Layout(width="100%"))


# --- panels ------------------------------------------------------------------------------


class Panel:
    """A part of the explorer: its widgets (``box``), what it depends on, and one update method."""

    depends: frozenset[str] = frozenset()
    weighted = False  # True: needs weights that are not all 0
    box: widgets.Widget

    def inputs(self, case: Case, weighted: WeightedCase | None) -> Any:
        """What the panel shows is a function of this (None: unknown, always update)."""
        return None

    def update(self, case: Case, weighted: WeightedCase | None) -> None:  # pragma: no cover - interface
        raise NotImplementedError


def _table_key(case: Case) -> tuple:
    """The scores a chart is drawn from: the same scores draw the same chart."""
    return case.table.options, case.table.levers, case.table.scores.to_numpy().tobytes()


def _weights_key(weighted: WeightedCase | None) -> tuple:
    return tuple(sorted(weighted.weights.items())) if weighted is not None else ()


class RankingPanel(Panel):
    depends = frozenset({FACTS, REQUESTER, WEIGHTS})
    weighted = True

    def __init__(self, dataset: Dataset, figure: go.FigureWidget):
        self.dataset, self.figure = dataset, figure
        self.summary = widgets.HTML()
        self.summary.add_class("iv-summary")
        self.ranking: Ranking | None = None
        self.count = 0
        self.box = widgets.VBox(
            [self.summary, _section("Options ranked under these weights", _figure_box(figure, "ranking"))],
            layout=widgets.Layout(flex="1 1 600px", min_width="480px"),
        )

    def inputs(self, case: Case, weighted: WeightedCase | None) -> Any:
        return _table_key(case), _weights_key(weighted)

    def update(self, case: Case, weighted: WeightedCase | None) -> None:
        if weighted is None:  # every weight 0: the coordinator shows why instead
            return
        self.count += 1
        self.ranking = weighted.ranking
        sync_figure(self.figure, views.ranking_figure(self.dataset, weighted.ranking))
        self.summary.value = _summary_html(self.dataset, weighted.ranking)


class StabilityPanel(Panel):
    depends = frozenset({FACTS, REQUESTER, WEIGHTS})
    weighted = True

    def __init__(self, dataset: Dataset, figure: go.FigureWidget):
        self.dataset, self.figure = dataset, figure
        self.box = _section("How far each weight can move before the winner changes", _figure_box(figure, "stability"))

    def inputs(self, case: Case, weighted: WeightedCase | None) -> Any:
        return _table_key(case), _weights_key(weighted)

    def update(self, case: Case, weighted: WeightedCase | None) -> None:
        if weighted is None:  # every weight 0: the coordinator shows why instead
            return
        sync_figure(self.figure, views.stability_figure(self.dataset, weighted.stability))


class HtmlPanel(Panel):
    """Text that also depends on the weights: the agreement to sign, and what changed."""

    depends = frozenset({FACTS, REQUESTER, WEIGHTS})
    weighted = True

    def __init__(self, css: str, heading: str | None, make: Callable[[Case, WeightedCase], str]):
        self.make = make
        self.html = widgets.HTML()
        self.html.add_class(css)
        self.box = (
            _section(heading, self.html) if heading else widgets.VBox([self.html], layout=widgets.Layout(width="100%"))
        )

    def update(self, case: Case, weighted: WeightedCase | None) -> None:
        if weighted is None:  # every weight 0: the coordinator shows why instead
            return
        self.html.value = self.make(case, weighted)


class FigurePanel(Panel):
    """A chart, and optionally a note below it, drawn from the facts and requester only.

    ``draw`` makes the figure and ``note`` the note's HTML from the case; ``key`` gives
    what they are drawn from, so the same inputs are not drawn again.
    """

    depends = frozenset({FACTS, REQUESTER})

    def __init__(
        self,
        figure: go.FigureWidget,
        name: str,
        heading: str,
        draw: Callable[[Case], go.Figure],
        key: Callable[[Case], Any] = _table_key,
        note: Callable[[Case], str] | None = None,
        note_class: str = "",
    ):
        self.figure, self.draw, self.key, self.make_note = figure, draw, key, note
        self.note = widgets.HTML()
        if note_class:
            self.note.add_class(note_class)
        self.box = _section(heading, _figure_box(figure, name), *([self.note] if note is not None else []))

    def inputs(self, case: Case, weighted: WeightedCase | None) -> Any:
        return self.key(case)

    def update(self, case: Case, weighted: WeightedCase | None) -> None:
        sync_figure(self.figure, self.draw(case))
        if self.make_note is not None:
            self.note.value = self.make_note(case)


class CapabilityPanel(Panel):
    """A registered capability without a panel of its own: its section (template, then figures) for the case."""

    def __init__(self, cap: Capability):
        self.cap = cap
        self.weighted = cap.weighted
        self.depends = frozenset({FACTS, REQUESTER, WEIGHTS} if cap.weighted else {FACTS, REQUESTER})
        self.html = widgets.HTML()
        self.html.add_class(f"iv-capability-{cap.name}")
        self.charts = widgets.VBox(layout=widgets.Layout(width="100%"))
        self.box = _section(cap.title, self.html, self.charts)

    def update(self, case: Case, weighted: WeightedCase | None) -> None:
        general = weighted.general if weighted is not None else case.general
        view = View(general, (case.requester_index,), lambda i: case.request.requesters[i].label())
        items = self.cap.present(view)
        self.html.value = "".join(item for item in items if isinstance(item, str))
        figures = [item for item in items if not isinstance(item, str)]
        if len(self.charts.children) != len(figures):
            self.charts.children = [new_figure_widget() for _ in figures]
        for widget, figure in zip(self.charts.children, figures):
            sync_figure(widget, figure)


class WorthPanelSlot(Panel):
    """What the recommended agreement is worth to the NHS (the valuation's own panel, fed by the coordinator)."""

    depends = frozenset({FACTS, REQUESTER, WEIGHTS})
    weighted = True

    def __init__(self, worth: Any):
        self.worth = worth
        self.box = _section("What it is worth to the NHS (risk-adjusted NPV)", worth.box)

    def inputs(self, case: Case, weighted: WeightedCase | None) -> Any:
        first = None if weighted is None else weighted.agreements[0]  # the agreement the panel prices
        signed = None if first is None else (first.option, repr(sorted(first.assumed.items())))
        return case.request.model_dump_json(exclude={"id", "title"}), case.requester_index, signed

    def update(self, case: Case, weighted: WeightedCase | None) -> None:
        if weighted is None:  # every weight 0: the coordinator shows why instead
            return
        self.worth.show(case.request, case.requester_index, weighted.agreements)


class SplitPanel(Panel):
    depends = frozenset({FACTS, TOTAL})

    def __init__(self, figure: go.FigureWidget, total: float):
        self.figure = figure
        self.total = widgets.BoundedFloatText(
            value=total,
            min=0.0,
            max=1e12,
            step=1000.0,
            description="Total to share",
            style={"description_width": "110px"},
            layout=widgets.Layout(width="300px"),
        )
        self.total.add_class("iv-split-total")
        self.message = widgets.HTML()
        self.message.add_class("iv-split-message")
        self.box = _section("Sharing the value among sites", self.total, self.message, _figure_box(figure, "split"))

    def inputs(self, case: Case, weighted: WeightedCase | None) -> Any:
        return case.request.sites, float(self.total.value)

    def update(self, case: Case, weighted: WeightedCase | None) -> None:
        try:
            sites, results = case.split(float(self.total.value))
        except ImagingValueError as exc:
            self.message.value = _status(_error_text(exc), colour=RED)
            return
        note = (
            f"{len(sites.sites)} sites. Images and curation effort per site are assumed from "
            "site_defaults.csv by kind: the request gives no contributions."
            if sites.assumed
            else f"{len(sites.sites)} sites, contributions as the request gives them."
        )
        self.message.value = _status(f"{note} Every rule's shares add up to the total.")
        sync_figure(self.figure, views.split_figure(results))


class WeightsPanel:
    """One slider per lever (raw weight 0 to 1, sent on release) with its normalised share; a view; a reset."""

    def __init__(self, dataset: Dataset):
        self.dataset = dataset
        self.sliders: dict[str, widgets.FloatSlider] = {}
        self.labels: dict[str, widgets.HTML] = {}
        for lever in dataset.levers:
            slider = widgets.FloatSlider(
                value=1.0 / len(dataset.levers),
                min=0.0,
                max=1.0,
                step=0.01,
                readout_format=".2f",
                continuous_update=False,
                description=lever.label,
                tooltip=lever.question,
                style={"description_width": "150px"},
                layout=widgets.Layout(width="400px"),
            )
            slider.add_class(f"iv-lever-{lever.id}")
            label = widgets.HTML(layout=widgets.Layout(width="190px"))
            label.add_class(f"iv-weight-{lever.id}")
            self.sliders[lever.id] = slider
            self.labels[lever.id] = label
        self.profile_picker = widgets.Dropdown(
            options=[("Custom weights", CUSTOM)]
            + [(p.label, p.name) for p in dataset.profiles + dataset.summit_profiles],
            value=CUSTOM,
            description="Stakeholder view",
            style={"description_width": "150px"},
            layout=widgets.Layout(width="400px"),
        )
        self.profile_picker.add_class("iv-profile-picker")
        self.reset_button = widgets.Button(description="Equal weights", tooltip="Reset every lever to the same weight")
        self.reset_button.add_class("iv-reset")
        rows = [widgets.HBox([self.sliders[lv], self.labels[lv]]) for lv in self.sliders]
        self.box = widgets.VBox(
            [
                widgets.HTML("<b>Lever weights</b> (normalised share beside each)"),
                *rows,
                self.profile_picker,
                self.reset_button,
            ],
            layout=widgets.Layout(width="620px", min_width="620px"),
        )

    def raw(self) -> dict[str, float]:
        return {lever: float(slider.value) for lever, slider in self.sliders.items()}

    def update(self, normalised: Mapping[str, float] | None) -> None:
        for lever in self.dataset.levers:
            share = "&ndash;" if normalised is None else _percent(normalised[lever.id])
            self.labels[lever.id].value = _text("note", f"{lever.label} {share}")


# --- the scenario panel -------------------------------------------------------------------

# the widgets' choices are the facts' vocabularies (schema.FACTS) and the request fields' values
_TEMPORALITY = FACT_VALUES["request.temporality"]
_CURATION = FACT_VALUES["request.curation"]
_PROFIT_STAGES = FACT_VALUES["requester.profit_stage"]
_DEIDENTIFICATION = (*((d,) for d in DEIDENTIFICATIONS), DEIDENTIFICATIONS, UNSTATED)
_NOT_A_COMPANY = "null (not a company)"
_LABEL_STYLE = {"description_width": "130px"}


def _words(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _number(text: str) -> float | str | None:
    """A typed number, None for an empty field, or the text itself (so validation names it)."""
    text = text.strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        return text


class ScenarioPanel:
    """The request's facts as widgets, each labelled with its field's name as a request file spells it.

    ``facts()`` reads the widgets into a request file's mapping; ``show(facts)``
    puts facts into the widgets; ``show_problems`` writes each validation problem
    beside the widget of the field concerned. ``on_change`` is called after every
    edit a person makes.
    """

    def __init__(self, on_change: Callable[[], None]):
        self.on_change = on_change
        self._quiet = False
        self.errors: dict[str, widgets.HTML] = {}
        self.id = ""
        self.title = self._text("Title", "title", width="520px")
        self.temporality = self._dropdown("Temporality", "temporality", _TEMPORALITY)
        self.curation = self._dropdown("Curation", "curation", _CURATION)
        self.deidentification = self._dropdown(
            "Deidentification", "deidentification", [(self._deid_label(v), v) for v in _DEIDENTIFICATION]
        )
        self.data_types = self._text(
            "Data types", "data_types", width="520px", placeholder="comma-separated, e.g. CT, clinical records"
        )
        self.count = widgets.BoundedIntText(
            value=1, min=0, max=100_000, description="Count", style=_LABEL_STYLE, layout=widgets.Layout(width="240px")
        )
        self._watch(self.count, "sites.count")
        self.kinds = self._text(
            "Kinds",
            "sites.kinds",
            width="520px",
            placeholder="comma-separated: " + ", ".join(SITE_KINDS) + "; empty if unstated",
        )
        self.give_contributions = widgets.Checkbox(
            description="Contributions: each site's images and curation effort",
            indent=False,
            layout=widgets.Layout(width="520px"),
        )
        self.give_contributions.add_class("iv-fact-contributions")
        self.give_contributions.observe(self._on_give_contributions, names="value")
        self.contribution_rows = widgets.VBox()
        self.add_site = widgets.Button(description="Add site", layout=widgets.Layout(width="120px"))
        self.add_site.add_class("iv-add-site")
        self.add_site.on_click(lambda _b: self._add_contribution())
        self.requester_rows = widgets.VBox()
        self.add_requester = widgets.Button(description="Add requester", layout=widgets.Layout(width="140px"))
        self.add_requester.add_class("iv-add-requester")
        self.add_requester.on_click(lambda _b: self._add_requester())
        self.contributions: list[dict[str, widgets.Widget]] = []
        self.requesters: list[dict[str, widgets.Widget]] = []
        self.default_contributions: Callable[[int], list[dict[str, Any]]] = lambda count: []
        self.general = widgets.HTML()
        self.general.add_class("iv-scenario-problems")
        self.box = widgets.VBox(
            [
                widgets.HTML("<b>Scenario</b>: the request's facts (<i>unstated</i> where the request does not say)"),
                *self._with_error(self.title, "title"),
                *self._with_error(self.temporality, "temporality"),
                *self._with_error(self.curation, "curation"),
                *self._with_error(self.deidentification, "deidentification"),
                *self._with_error(self.data_types, "data_types"),
                widgets.HTML("<b>Sites</b>"),
                *self._with_error(self.count, "sites.count"),
                *self._with_error(self.kinds, "sites.kinds"),
                *self._with_error(self.give_contributions, "sites.contributions"),
                self.contribution_rows,
                self.add_site,
                widgets.HTML("<b>Requesters</b>"),
                self.requester_rows,
                self.add_requester,
                self.general,
            ],
            layout=widgets.Layout(flex="1 1 560px", min_width="560px"),
        )
        self.box.add_class("iv-scenario")

    # --- building widgets ------------------------------------------------------------

    @staticmethod
    def _deid_label(value: Any) -> str:
        return value if isinstance(value, str) else ", ".join(value)

    def _watch(self, widget: widgets.Widget, key: str) -> None:
        widget.add_class("iv-fact-" + key.replace(".", "-").replace("[", "-").replace("]", "").replace("_", "-"))
        widget.observe(self._changed, names="value")

    def _text(
        self,
        label: str,
        key: str,
        *,
        width: str = "360px",
        placeholder: str = "",
        style: Mapping[str, str] = _LABEL_STYLE,
    ) -> widgets.Text:
        widget = widgets.Text(
            description=label,
            placeholder=placeholder,
            continuous_update=False,
            style=dict(style),
            layout=widgets.Layout(width=width),
        )
        self._watch(widget, key)
        return widget

    def _dropdown(
        self,
        label: str,
        key: str,
        options: Sequence[Any],
        *,
        width: str = "360px",
        style: Mapping[str, str] = _LABEL_STYLE,
    ) -> widgets.Dropdown:
        widget = widgets.Dropdown(
            description=label, options=list(options), style=dict(style), layout=widgets.Layout(width=width)
        )
        self._watch(widget, key)
        return widget

    def _error(self, key: str) -> widgets.HTML:
        error = widgets.HTML()
        error.add_class("iv-error")
        self.errors[key] = error
        return error

    def _with_error(self, widget: widgets.Widget, key: str) -> list[widgets.Widget]:
        return [widget, self._error(key)]

    def _contribution_row(self, index: int, entry: Mapping[str, Any]) -> dict[str, widgets.Widget]:
        key = f"sites.contributions[{index}]"
        style = {"description_width": "60px"}
        row = {
            "site": self._text("Site", f"{key}.site", width="230px", style=style),
            "kind": self._dropdown(
                "Kind", f"{key}.kind", SITE_KINDS, width="210px", style={"description_width": "40px"}
            ),
            "images": self._text("Images", f"{key}.images", width="170px", style=style),
            "curation_effort": self._text(
                "Curation effort",
                f"{key}.curation_effort",
                width="190px",
                placeholder="by kind",
                style={"description_width": "100px"},
            ),
        }
        row["site"].value = str(entry.get("site", ""))
        row["kind"].value = entry.get("kind", SITE_KINDS[0])
        row["images"].value = f"{entry.get('images', 0):g}"
        effort = entry.get("curation_effort")
        row["curation_effort"].value = "" if effort is None else f"{effort:g}"
        remove = widgets.Button(description="Remove", layout=widgets.Layout(width="80px"))
        remove.add_class("iv-remove-site")
        remove.on_click(lambda _b, i=index: self._remove_contribution(i))
        row["remove"] = remove
        return row

    def _requester_row(self, index: int, entry: Mapping[str, Any]) -> dict[str, widgets.Widget]:
        key = f"requesters[{index}]"
        style = {"description_width": "90px"}
        row = {
            "kind": self._dropdown("Kind", f"{key}.kind", REQUESTER_KINDS, width="230px", style=style),
            "profit_stage": self._dropdown(
                "Profit stage",
                f"{key}.profit_stage",
                [(stage, stage) for stage in _PROFIT_STAGES or ()] + [(_NOT_A_COMPANY, None)],
                width="280px",
                style=style,
            ),
            "sector": self._text("Sector", f"{key}.sector", width="230px", style=style),
            "staff": self._text("Staff", f"{key}.staff", width="230px", style=style),
            "name": self._text("Name", f"{key}.name", width="470px", style=style),
        }
        row["kind"].value = entry.get("kind", "sme")
        row["profit_stage"].value = entry.get("profit_stage")
        row["sector"].value = str(entry.get("sector", UNSTATED))
        row["staff"].value = str(entry.get("staff", UNSTATED))
        row["name"].value = str(entry.get("name") or "")
        remove = widgets.Button(description="Remove requester", layout=widgets.Layout(width="150px"))
        remove.add_class("iv-remove-requester")
        remove.on_click(lambda _b, i=index: self._remove_requester(i))
        row["remove"] = remove
        return row

    def _lay_out_rows(self) -> None:
        children = []
        for i, row in enumerate(self.contributions):
            key = f"sites.contributions[{i}]"
            errors = [self._error(f"{key}.{name}") for name in ("site", "kind", "images", "curation_effort")]
            children += [
                widgets.HBox(
                    [row["site"], row["kind"], row["images"], row["curation_effort"], row["remove"]],
                    layout=widgets.Layout(flex_flow="row wrap"),
                ),
                *errors,
            ]
        self.contribution_rows.children = children
        _hide(self.add_site, not self.contributions)
        children = []
        for i, row in enumerate(self.requesters):
            key = f"requesters[{i}]"
            errors = [self._error(f"{key}.{name}") for name in ("kind", "profit_stage", "sector", "staff", "name")]
            row["remove"].disabled = len(self.requesters) < 2
            children += [
                widgets.HTML(f"<i>Requester {i + 1}</i>"),
                widgets.HBox([row["kind"], row["profit_stage"]]),
                widgets.HBox([row["sector"], row["staff"]]),
                widgets.HBox([row["name"], row["remove"]]),
                *errors,
            ]
        self.requester_rows.children = children

    # --- reading and showing facts ---------------------------------------------------

    def show(self, facts: Mapping[str, Any]) -> None:
        """Put a request's facts into the widgets (no change is reported)."""
        with self._quietly():
            self.id = str(facts.get("id", ""))
            self.title.value = str(facts.get("title", ""))
            self.temporality.value = facts.get("temporality", UNSTATED)
            self.curation.value = facts.get("curation", UNSTATED)
            deid = facts.get("deidentification", UNSTATED)
            deid = deid if isinstance(deid, str) else tuple(deid)
            if deid not in [value for _label, value in self.deidentification.options]:
                self.deidentification.options = [*self.deidentification.options, (self._deid_label(deid), deid)]
            self.deidentification.value = deid
            self.data_types.value = ", ".join(facts.get("data_types", ()))
            sites = facts.get("sites", {})
            self.count.value = int(sites.get("count", 1))
            self.kinds.value = ", ".join(sites.get("kinds", ()))
            contributions = sites.get("contributions")
            self.give_contributions.value = contributions is not None
            self.contributions = [self._contribution_row(i, c) for i, c in enumerate(contributions or ())]
            self.requesters = [self._requester_row(i, r) for i, r in enumerate(facts.get("requesters", ()))]
            self._lay_out_rows()
            self.count.disabled = bool(self.contributions)
        self.show_problems([])

    def facts(self) -> dict[str, Any]:
        """The widgets' facts as a request file's mapping (not validated)."""
        deid = self.deidentification.value
        sites: dict[str, Any] = {"count": int(self.count.value), "kinds": _words(self.kinds.value)}
        if self.give_contributions.value:
            sites["contributions"] = []
            for row in self.contributions:
                entry: dict[str, Any] = {
                    "site": row["site"].value.strip(),
                    "kind": row["kind"].value,
                    "images": _number(row["images"].value),
                }
                effort = _number(row["curation_effort"].value)
                if effort is not None:
                    entry["curation_effort"] = effort
                sites["contributions"].append(entry)
        requesters = []
        for row in self.requesters:
            entry = {
                "kind": row["kind"].value,
                "profit_stage": row["profit_stage"].value,
                "sector": row["sector"].value.strip() or UNSTATED,
                "staff": row["staff"].value.strip() or UNSTATED,
            }
            if entry["profit_stage"] is None:
                del entry["profit_stage"]
            if row["name"].value.strip():
                entry["name"] = row["name"].value.strip()
            requesters.append(entry)
        return {
            "id": self.id,
            "title": self.title.value.strip(),
            "temporality": self.temporality.value,
            "curation": self.curation.value,
            "deidentification": deid if isinstance(deid, str) else list(deid),
            "data_types": _words(self.data_types.value),
            "sites": sites,
            "requesters": requesters,
        }

    def show_problems(self, problems: Sequence[Any]) -> None:
        """Each problem beside the widget of its field (the nearest enclosing one); the rest below."""
        for error in self.errors.values():
            error.value = ""
        texts: dict[str, list[str]] = {}
        unplaced = []
        for problem in problems:
            key = problem_key(problem)
            target = next(
                (
                    k
                    for k in sorted(self.errors, key=len, reverse=True)
                    if key == k or key.startswith((k + ".", k + "["))
                ),
                None,
            )
            text = f"expected {problem.expected}; found {problem.found}"
            if target is None:
                unplaced.append(f"{key or 'request'}: {text}")
            else:
                texts.setdefault(target, []).append(text)
        for key, lines in texts.items():
            self.errors[key].value = _status("; ".join(lines), error=True)
        self.general.value = _status("; ".join(unplaced), error=True) if unplaced else ""

    # --- edits -------------------------------------------------------------------------

    def _quietly(self) -> Any:
        return _quietly(self)

    def _changed(self, _change: dict | None = None) -> None:
        if not self._quiet:
            self.on_change()

    def _on_give_contributions(self, change: dict) -> None:
        if self._quiet:
            return
        with self._quietly():
            if change["new"]:
                self.contributions = [
                    self._contribution_row(i, c)
                    for i, c in enumerate(self.default_contributions(int(self.count.value)))
                ]
            else:
                self.contributions = []
            self._lay_out_rows()
            self.count.disabled = bool(self.contributions)
        self._changed()

    def _add_contribution(self) -> None:
        with self._quietly():
            n = len(self.contributions)
            kind = self.contributions[-1]["kind"].value if self.contributions else SITE_KINDS[0]
            images = self.contributions[-1]["images"].value if self.contributions else "0"
            self.contributions.append(
                self._contribution_row(n, {"site": f"Site {n + 1}", "kind": kind, "images": _number(images) or 0})
            )
            self.count.value = len(self.contributions)
            self._lay_out_rows()
        self._changed()

    def _remove_contribution(self, index: int) -> None:
        if len(self.contributions) < 2:
            return
        facts = self.facts()
        del facts["sites"]["contributions"][index]
        facts["sites"]["count"] = len(facts["sites"]["contributions"])
        self._reshow(facts)

    def _add_requester(self) -> None:
        facts = self.facts()
        facts["requesters"].append({"kind": "sme", "profit_stage": UNSTATED, "sector": UNSTATED, "staff": UNSTATED})
        self._reshow(facts)

    def _remove_requester(self, index: int) -> None:
        if len(self.requesters) < 2:
            return
        facts = self.facts()
        del facts["requesters"][index]
        self._reshow(facts)

    def _reshow(self, facts: Mapping[str, Any]) -> None:
        """Rebuild the rows for facts with a row more or fewer, keeping every other edit."""
        contributions = facts["sites"].get("contributions")
        shown = {
            **facts,
            "sites": {
                **facts["sites"],
                "contributions": [
                    {k: v for k, v in c.items() if not isinstance(v, str) or k in ("site", "kind")}
                    | ({"images": 0} if isinstance(c.get("images"), str) or c.get("images") is None else {})
                    for c in contributions
                ]
                if contributions is not None
                else None,
            },
        }
        self.show(shown)
        self._changed()

    def profit_stage_for(self, index: int) -> None:
        """A requester whose kind changed gets a profit stage that fits it (a company: unstated; else null)."""
        row = self.requesters[index]
        company = row["kind"].value in COMMERCIAL_KINDS
        if company and row["profit_stage"].value is None or not company and row["profit_stage"].value is not None:
            with self._quietly():
                row["profit_stage"].value = UNSTATED if company else None


class SavePanel:
    """*Save as request*: the scenario written as a request file under a new id, after confirmation to overwrite."""

    def __init__(self, on_save: Callable[[bool], None]):
        self.id = widgets.Text(
            description="Request id",
            placeholder="e.g. scenario-1-curated",
            continuous_update=True,
            style={"description_width": "90px"},
            layout=widgets.Layout(width="320px"),
        )
        self.id.add_class("iv-save-id")
        self.button = widgets.Button(
            description="Save as request", button_style="primary", layout=widgets.Layout(width="160px")
        )
        self.button.add_class("iv-save")
        self.confirm = widgets.Button(
            description="Overwrite", button_style="danger", layout=widgets.Layout(width="110px")
        )
        self.confirm.add_class("iv-save-confirm")
        _hide(self.confirm, True)
        self.status = widgets.HTML()
        self.status.add_class("iv-save-status")
        self.button.on_click(lambda _b: on_save(False))
        self.confirm.on_click(lambda _b: on_save(True))
        self.id.observe(lambda _c: _hide(self.confirm, True), names="value")
        self.box = widgets.VBox([widgets.HBox([self.id, self.button, self.confirm]), self.status])

    def said(self, text: str, *, error: bool = False, confirm: bool = False) -> None:
        _hide(self.confirm, not confirm)
        self.status.value = _status(text, error=error, colour=None if error else "#1b5e20")


# --- the coordinator ---------------------------------------------------------------------


class Coordinator:
    """Decides what to recompute: for a set of changes, every panel that depends on one of them, once, in order.

    The answers come from the state's :class:`Case`, which computes each once; a
    panel whose inputs are those it last showed is left alone (a new site name
    does not redraw the tree). ``counts`` says how often each panel was updated.
    """

    def __init__(
        self,
        state: ExplorerState,
        panels: Mapping[str, Panel],
        on_invalid: Callable[[BaseException], None],
        on_valid: Callable[[bool], None],
    ):
        self.state, self.panels = state, dict(panels)
        self.on_invalid, self.on_valid = on_invalid, on_valid
        self.counts = {name: 0 for name in self.panels}
        self.runs = 0
        self.seconds = self.cpu_seconds = 0.0  # the last run's wall clock and CPU time (for the latency bench)
        self.after: Callable[[int], None] | None = None  # called at the end of every run, with the run count
        self._shown: dict[str, Any] = {}  # panel -> the inputs it shows
        self._lock = threading.RLock()

    def forget(self, names: Sequence[str] | None = None) -> None:
        """These panels (default: all) show nothing valid any more: update them on the next change."""
        for name in self.panels if names is None else names:
            self._shown.pop(name, None)

    def changed(self, *what: str) -> None:
        with self._lock:
            started, cpu = time.perf_counter(), time.thread_time()
            try:
                self._run(what)
            finally:
                self.runs += 1
                self.seconds, self.cpu_seconds = time.perf_counter() - started, time.thread_time() - cpu
                if self.after is not None:
                    self.after(self.runs)

    def _run(self, what: tuple[str, ...]) -> None:
        try:
            case = self.state.case()
        except ImagingValueError as exc:
            self.forget()
            self.on_invalid(exc)
            return
        weights = self.state.weights()
        weighted = case.weighted(weights) if weights is not None else None
        self.on_valid(weighted is not None)
        for name, panel in self.panels.items():
            if panel.depends.isdisjoint(what):
                continue
            if panel.weighted and weighted is None:
                self.forget([name])
                continue
            inputs = panel.inputs(case, weighted)
            if inputs is not None and name in self._shown and self._shown[name] == inputs:
                continue
            panel.update(case, weighted)
            self._shown[name] = inputs
            self.counts[name] += 1


# --- the app -----------------------------------------------------------------------------


class Explorer:
    """The live workbook for one data folder: the state, the panels and the coordinator between them.

    Attributes for callers and tests: ``state`` (:class:`ExplorerState`),
    ``coordinator``, ``panels`` (name -> panel), ``scenario`` (the facts' panel),
    ``saver`` (*Save as request*), ``sliders`` and ``weight_labels`` (lever id ->
    widget), ``profile_picker``, ``reset_button``, ``request_picker``,
    ``requester_picker``, ``figures`` (name -> ``FigureWidget``, see
    :data:`FIGURES`), ``path_html``, ``summary``, ``message``, ``split_total``,
    ``split_message``, ``render_button``, ``render_status``, ``app``; the boxes
    ``weighted_box`` (summary and ranking), ``stability_box`` and ``request_box``
    (everything else) are hidden when there is nothing valid to show;
    ``recompute_count`` counts ranking recomputes (for the debounce).
    """

    def __init__(
        self,
        data_dir: str | Path = "../data/samples",
        *,
        out_dir: str | Path = "../reports",
        request: str | None = None,
        debounce: float = DEFAULT_DEBOUNCE,
        n_samples: int = DEFAULT_SAMPLES,
        seed: int = DEFAULT_SEED,
        total: float = DEFAULT_TOTAL,
        clock: Any = None,
    ):
        self.data_dir = Path(data_dir)
        self.out_dir = Path(out_dir)
        self.n_samples = n_samples
        self.seed = seed
        self.dataset: Dataset = load_dataset(self.data_dir)
        self.entries: dict[str, RequestEntry] = {e.id: e for e in scan_requests(self.dataset)}
        self.state = ExplorerState(self.dataset, n_samples=n_samples, seed=seed)
        self.profiles = profile_weights(self.dataset, summits=True)
        self.render_thread: threading.Thread | None = None
        self._lock = threading.RLock()
        self._quiet = False
        self._debouncer = Debouncer(debounce, self._debounced_refresh, clock)
        self._build(total)
        self.state.set_weights(self.raw_weights())
        self.weights_panel.update(self.state.weights())
        first = request if request in self.entries else self._first_valid_request()
        with self._quietly():
            self.request_picker.value = first
        self._select_request(first)

    # --- widgets -------------------------------------------------------------------------

    def _build(self, total: float) -> None:
        dataset = self.dataset
        self.request_picker = widgets.Dropdown(
            options=self._request_options(),
            description="Request",
            style={"description_width": "70px"},
            layout=widgets.Layout(width="340px"),
        )
        self.request_picker.add_class("iv-request-picker")
        self.requester_picker = widgets.Dropdown(
            description="Requester", style={"description_width": "80px"}, layout=widgets.Layout(width="480px")
        )
        self.requester_picker.add_class("iv-requester-picker")
        self.title = widgets.HTML()
        self.message = widgets.HTML()
        self.message.add_class("iv-message")
        self.weights_panel = WeightsPanel(dataset)
        self.sliders, self.weight_labels = self.weights_panel.sliders, self.weights_panel.labels
        self.profile_picker, self.reset_button = self.weights_panel.profile_picker, self.weights_panel.reset_button
        self.scenario = ScenarioPanel(self._on_facts)
        self.scenario.default_contributions = self._default_contributions
        self.saver = SavePanel(self.save_request)
        self.figures: dict[str, go.FigureWidget] = {name: new_figure_widget() for name in FIGURES}
        f = self.figures
        # the built-in capabilities' own panels; any other registered capability gets a CapabilityPanel
        builders: dict[str, Callable[[], Panel]] = {
            "ranking": lambda: RankingPanel(dataset, f["ranking"]),
            "stability": lambda: StabilityPanel(dataset, f["stability"]),
            "tree": lambda: FigurePanel(
                f["tree"],
                "tree",
                "Decision tree: the recommended option and the path to it",
                lambda case: views.tree_figure(dataset, case.recommendations),
                key=lambda case: case.recommendations,
                note=lambda case: _path_html(dataset, case.recommendations),
                note_class="iv-path",
            ),
            "agreement": lambda: HtmlPanel(
                "iv-agreement",
                None,
                lambda case, weighted: render_section(
                    "agreement",
                    blocks=[
                        {
                            "title": case.request.requesters[case.requester_index].label(),
                            "results": agreement_results(dataset, weighted.agreements),
                        }
                    ],
                ),
            ),
            "scores": lambda: FigurePanel(
                f["lever_profile"],
                "lever_profile",
                "Each option's score on each lever",
                lambda case: views.lever_profile_figure(dataset, case.table),
                key=lambda case: (_table_key(case), tuple(case.table.fired["id"])),
                note=lambda case: _adjustments_html(dataset, case),
                note_class="iv-adjustments",
            ),
            "acceptability": lambda: FigurePanel(
                f["acceptability"],
                "acceptability",
                "Robustness: rank acceptability over sampled weight vectors (uniform)",
                lambda case: views.acceptability_figure(dataset, case.acceptability),
            ),
            "alignment": lambda: FigurePanel(
                f["alignment"],
                "alignment",
                "Stakeholder views: rank of each option",
                lambda case: views.alignment_figure(dataset, case.alignment),
            ),
            "split": lambda: SplitPanel(f["split"], total),
            "worth": lambda: WorthPanelSlot(
                WorthPanel(dataset, self.data_dir, new_figure_widget, sync_figure, seed=self.seed)
            ),
        }
        self.panels: dict[str, Panel] = {
            cap.name: builders[cap.name]() if cap.name in builders else CapabilityPanel(cap)
            for cap in capabilities("request")
            if cap.in_explorer
        }
        self.panels["changes"] = HtmlPanel("iv-changes", "What changed", self._changes_html)
        self.coordinator = Coordinator(self.state, self.panels, self._show_invalid_facts, self._show_valid)
        self.worth = self.panels["worth"].worth  # type: ignore[attr-defined]
        self.stamp = widgets.HTML(layout=widgets.Layout(display="none"))  # the coordinator's run count, for
        self.stamp.add_class("iv-stamp")  # browser tests and the latency bench: it changes after every panel has
        self.coordinator.after = self._stamp  # been updated
        ranking, tree, split_panel = self.panels["ranking"], self.panels["tree"], self.panels["split"]
        self.summary, self.path_html = ranking.summary, tree.note  # type: ignore[attr-defined]
        self.split_total, self.split_message = split_panel.total, split_panel.message  # type: ignore[attr-defined]
        self.render_button = widgets.Button(
            description="Render board report", button_style="primary", layout=widgets.Layout(width="220px")
        )
        self.render_button.add_class("iv-render")
        self.render_status = widgets.HTML()
        self.render_status.add_class("iv-render-status")

        self.request_picker.observe(self._on_request, names="value")
        self.requester_picker.observe(self._on_requester, names="value")
        for slider in self.sliders.values():
            slider.observe(self._on_slider, names="value")
        self.profile_picker.observe(self._on_profile, names="value")
        self.reset_button.on_click(lambda _button: self.reset())
        self.split_total.observe(self._on_total, names="value")
        self.render_button.on_click(lambda _button: self.render_report())
        self.app = self._build_layout()

    def _build_layout(self) -> ExplorerApp:
        p = self.panels
        self.controls_box = self.weights_panel.box
        self.weighted_box = p["ranking"].box
        self.stability_box = p["stability"].box
        self.scenario_box = widgets.VBox(
            [self.scenario.box, self.saver.box, p["changes"].box],
            layout=widgets.Layout(flex="1 1 560px", min_width="560px"),
        )
        self.request_box = widgets.VBox(
            [
                *(panel.box for name, panel in p.items() if name not in ("ranking", "stability", "changes")),
                _section("Board report", widgets.HBox([self.render_button, self.render_status])),
            ],
            layout=widgets.Layout(width="100%"),
        )
        header = widgets.HBox([self.request_picker, self.requester_picker], layout=widgets.Layout(flex_flow="row wrap"))
        top = widgets.HBox(
            [self.controls_box, self.scenario_box],
            layout=widgets.Layout(flex_flow="row wrap", align_items="flex-start", width="100%"),
        )
        app = ExplorerApp(
            self,
            children=[
                self.title,
                header,
                self.message,
                top,
                self.weighted_box,
                self.stability_box,
                self.request_box,
                self.stamp,
            ],
            layout=widgets.Layout(width="100%"),
        )
        app.add_class("iv-explorer")
        return app

    def _request_options(self) -> list[tuple[str, str]]:
        return [(rid if e.error is None else f"{rid} (invalid)", rid) for rid, e in self.entries.items()]

    # --- state -----------------------------------------------------------------------

    def _quietly(self) -> Any:
        """Change widgets without their observers starting recomputes."""
        return _quietly(self)

    def _first_valid_request(self) -> str | None:
        for rid, entry in self.entries.items():
            if entry.error is None:
                return rid
        return next(iter(self.entries), None)

    @property
    def entry(self) -> RequestEntry | None:
        rid = self.request_picker.value
        return self.entries.get(rid) if rid is not None else None

    @property
    def requester_index(self) -> int:
        return self.state.requester_index

    @property
    def recompute_count(self) -> int:
        return self.panels["ranking"].count  # type: ignore[attr-defined]

    def raw_weights(self) -> dict[str, float]:
        """The sliders' values, lever by lever (not normalised)."""
        return self.weights_panel.raw()

    def weights(self) -> dict[str, float] | None:
        """The normalised weights, or None where every slider is at 0."""
        return self.state.weights()

    def current_ranking(self) -> tuple[str, ...]:
        """Option ids best first under the current weights; empty when there is no ranking to show."""
        ranking = self.panels["ranking"].ranking  # type: ignore[attr-defined]
        return ranking.order if ranking is not None else ()

    def _default_contributions(self, count: int) -> list[dict[str, Any]]:
        """Each site's images and curation effort as the split assumes them, as editable contributions."""
        try:
            request = self.state.request()
        except ImagingValueError:
            return []
        sites = site_contributions(self.dataset, request)
        return [
            {"site": f"Site {i + 1}", "kind": kind, "images": images}
            for i, (kind, images) in enumerate(zip(sites.kinds, sites.images))
        ][: max(count, 1)]

    # --- event handlers --------------------------------------------------------------

    def _on_request(self, change: dict) -> None:
        if not self._quiet:
            self._select_request(change["new"])

    def _on_requester(self, change: dict) -> None:
        if self._quiet or change["new"] is None:
            return
        self._debouncer.cancel()
        self.state.set_requester(change["new"])
        self.coordinator.changed(REQUESTER, WEIGHTS)

    def _on_slider(self, change: dict) -> None:
        self.state.set_weights(self.raw_weights(), self.profile_picker.value or None)
        self.weights_panel.update(self.state.weights())
        if self._quiet:
            return
        with self._quietly():
            self.profile_picker.value = CUSTOM
        self.state.profile = None
        self._debouncer.trigger()

    def _on_profile(self, change: dict) -> None:
        if self._quiet or change["new"] == CUSTOM:
            return
        self._move_sliders(self.profiles[change["new"]])
        self.state.profile = change["new"]
        self.refresh()

    def _changes_html(self, case: Case, weighted: WeightedCase) -> str:
        """What changed against the saved request the scenario started from, as a few sentences."""
        modified = self.state.modified
        return render_section(
            "explorer_changes",
            saved=self.state.saved_id,
            modified=modified,
            sentences=weighted.changes if modified else [],
        )

    def _stamp(self, runs: int) -> None:
        ms, cpu = self.coordinator.seconds * 1000, self.coordinator.cpu_seconds * 1000
        self.stamp.value = f'<span data-runs="{runs}" data-ms="{ms:.1f}" data-cpu-ms="{cpu:.1f}">{runs}</span>'

    def _on_total(self, change: dict) -> None:
        self.coordinator.changed(TOTAL)

    def _on_facts(self) -> None:
        """A fact was edited: the scenario's requesters, then every panel that depends on the facts."""
        for index, _row in enumerate(self.scenario.requesters):
            self.scenario.profit_stage_for(index)
        self.state.set_facts(self.scenario.facts())
        self._show_requesters()
        self._debouncer.cancel()
        self.coordinator.changed(FACTS, WEIGHTS)

    def _debounced_refresh(self) -> None:
        try:
            self.refresh()
        except Exception as exc:  # a timer callback has nobody to raise to: show it
            self._show_message(f"Could not update the charts: {_error_text(exc)}")

    # --- public actions ----------------------------------------------------------------

    def set_weights(self, weights: Mapping[str, float]) -> None:
        """Move the sliders to ``weights`` (levers left out go to 0) and recompute at once.

        Only proportions matter: weights above the sliders' maximum of 1 are scaled down together.
        """
        unknown = [name for name in weights if name not in self.sliders]
        if unknown:
            raise ParameterError("weights", "lever names from " + ", ".join(self.sliders), ", ".join(unknown))
        values = {lever: float(weights.get(lever, 0.0)) for lever in self.sliders}
        if any(v < 0 for v in values.values()):
            raise ParameterError("weights", "non-negative numbers", values)
        largest = max(values.values())
        scale = 1.0 / largest if largest > 1.0 else 1.0
        self._move_sliders({lever: value * scale for lever, value in values.items()})
        with self._quietly():
            self.profile_picker.value = CUSTOM
        self.state.profile = None
        self.refresh()

    def choose_profile(self, name: str) -> None:
        """Move the sliders to a stakeholder profile's weights (as the preset dropdown does)."""
        self.profile_picker.value = name

    def reset(self) -> None:
        """Every lever back to the same weight."""
        equal = 1.0 / len(self.sliders)
        self._move_sliders({lever: equal for lever in self.sliders})
        with self._quietly():
            self.profile_picker.value = CUSTOM
        self.state.profile = None
        self.refresh()

    def refresh(self) -> None:
        """Recompute everything that depends on the weights now (cancels a pending debounced recompute)."""
        self._debouncer.cancel()
        self.state.set_weights(self.raw_weights(), self.state.profile)
        self.weights_panel.update(self.state.weights())
        if self.state.facts:
            self.coordinator.changed(WEIGHTS)

    def set_facts(self, **changes: Any) -> None:
        """Change facts as the scenario panel would, e.g. ``set_facts(curation="raw")``, and recompute at once."""
        facts = self.scenario.facts()
        facts.update(changes)
        self.scenario.show(facts)
        self._on_facts()

    # --- recomputes --------------------------------------------------------------------

    def _move_sliders(self, values: Mapping[str, float]) -> None:
        with self._quietly():
            for lever, value in values.items():
                self.sliders[lever].value = value
        self.state.set_weights(self.raw_weights(), self.state.profile)
        self.weights_panel.update(self.state.weights())

    def _show_requesters(self) -> None:
        requesters = self.state.facts.get("requesters") or []
        options = []
        for i, requester in enumerate(requesters):
            name = requester.get("name") or f"{requester.get('kind')} ({requester.get('sector', UNSTATED)})"
            options.append((f"{i + 1}. {name}" if len(requesters) > 1 else name, i))
        with self._quietly():
            if list(self.requester_picker.options) != options:
                self.requester_picker.options = options
            self.requester_picker.value = self.state.requester_index if options else None
        _hide(self.requester_picker, len(requesters) < 2)
        self.title.value = _text("title", self.state.facts.get("title") or self.state.saved_id or "")

    def _select_request(self, rid: str | None) -> None:
        """Start a scenario from a saved request: its facts, its requesters and every chart; or its error."""
        with self._lock:
            self._debouncer.cancel()
            entry = self.entries.get(rid) if rid is not None else None
            if entry is None or entry.request is None:
                self.state.start_from(rid, None)
                self._show_invalid(rid, entry.error if entry is not None else None)
                return
            self.state.start_from(rid, entry.request)
            self.scenario.show(self.state.facts)
            self._show_requesters()
            self._show_message("")
            self.coordinator.changed(FACTS, REQUESTER, WEIGHTS, TOTAL)

    def _show_invalid(self, rid: str | None, error: BaseException | None) -> None:
        """Say why there is nothing to show (no request files, or a file that fails validation) and hide the rest."""
        self.panels["ranking"].ranking = None  # type: ignore[attr-defined]
        self.title.value = _text("title", rid or "No request")
        if error is None:
            text = f"No request files in {self.dataset.requests_dir.name}/ of the data folder."
        else:
            text = f"This request file cannot be used: {_error_text(error)}"
        self._withdraw(
            (
                self.requester_picker,
                self.controls_box,
                self.scenario_box,
                self.weighted_box,
                self.stability_box,
                self.request_box,
            ),
            text,
        )

    def _show_invalid_facts(self, error: BaseException) -> None:
        """The scenario's facts do not make a valid request: say which, beside each widget, and hide the answers."""
        self.panels["ranking"].ranking = None  # type: ignore[attr-defined]
        problems = error.problems if isinstance(error, DataValidationError) else []
        self.scenario.show_problems(problems)
        self._withdraw(
            (self.weighted_box, self.stability_box, self.request_box, self.panels["changes"].box),
            f"The scenario's facts do not make a valid request: {_error_text(error)}",
        )

    def _show_valid(self, weighted: bool) -> None:
        self.scenario.show_problems([])
        for box in (self.controls_box, self.scenario_box, self.request_box):
            _hide(box, False)
        if weighted:
            self._show_message("")
            for box in (self.weighted_box, self.stability_box, self.panels["changes"].box):
                _hide(box, False)
        else:
            self.panels["ranking"].ranking = None  # type: ignore[attr-defined]
            self._withdraw((self.weighted_box, self.stability_box, self.panels["changes"].box), ALL_ZERO_MESSAGE)

    def _withdraw(self, widgets_: Sequence[widgets.DOMWidget], text: str) -> None:
        """Hide these widgets, then say why: whoever sees the message finds them already gone."""
        for widget in widgets_:
            _hide(widget, True)
        self._show_message(text)

    def _show_message(self, text: str) -> None:
        if text:
            self.message.value = _text("message", text)
        else:
            self.message.value = ""

    # --- saving the scenario --------------------------------------------------------------

    def save_request(self, overwrite: bool = False) -> Path | None:
        """Write the scenario as ``requests/<id>.yaml`` (the id typed beside the button); None if not written."""
        rid = self.saver.id.value.strip()
        if not rid:
            self.saver.said("Not saved: type a request id first (lower case, digits, - and _).", error=True)
            return None
        facts = self.scenario.facts()
        header = (
            f"Saved from the explorer, starting from request {self.state.saved_id}."
            if self.state.saved_id
            else "Saved from the explorer."
        )
        try:
            path = save_request(self.dataset, facts, rid, overwrite=overwrite, header=header)
        except RequestExistsError as exc:
            self.saver.said(
                f"requests/{exc.path.name} exists in the data folder: press Overwrite to replace it, "
                "or type another id.",
                error=True,
                confirm=True,
            )
            return None
        except DataValidationError as exc:
            problems = [p for p in exc.problems if p.field != "id"]
            self.scenario.show_problems(problems)
            id_problems = [p for p in exc.problems if p.field == "id"]
            reason = (
                f"the request id {rid!r} is not valid: expected {id_problems[0].expected}"
                if id_problems
                else "some facts are not valid (shown beside each)"
            )
            self.saver.said(f"Not saved: {reason}. Nothing was written.", error=True)
            return None
        except (ImagingValueError, OSError) as exc:
            self.saver.said(f"Not saved: {_error_text(exc)}. Nothing was written.", error=True)
            return None
        self.entries = {e.id: e for e in scan_requests(self.dataset)}
        entry = self.entries[rid]
        with self._quietly():
            self.request_picker.options = self._request_options()
            self.request_picker.value = rid
        index = self.state.requester_index
        self.state.start_from(rid, entry.request)
        self.state.set_requester(index)
        self.scenario.show(self.state.facts)
        self._show_requesters()
        self.coordinator.changed(FACTS, REQUESTER, WEIGHTS)
        self.saver.said(f"Saved as requests/{path.name} in the data folder.")
        return path

    # --- the board report -----------------------------------------------------------------

    def render_parameters(self) -> dict[str, Any]:
        """The keyword arguments :func:`imaging_value.render.pack.render_request_report` gets for what is shown."""
        entry = self.entry
        if entry is None or entry.request is None:
            raise ParameterError("request", "a valid request", self.request_picker.value)
        if self.state.modified:
            raise ParameterError(
                "request",
                "the scenario saved as a request first (Save as request)",
                "facts changed since the request was loaded",
            )
        profile = self.profile_picker.value or None
        weights = None if profile else self.weights()
        if profile is None and weights is None:
            raise ParameterError("weights", "at least one positive weight", "all weights 0")
        params = RequestParams(
            request=entry.id,
            requester=self.requester_index,
            profile=profile,
            weights=weights,
            seed=self.seed,
            samples=self.n_samples,
            total=float(self.split_total.value),
        )
        return {"params": params, "data_dir": self.data_dir, "out_dir": self.out_dir}

    def render_report(self) -> threading.Thread | None:
        """Render the board report in a background thread; the button is disabled meanwhile."""
        if self.render_thread is not None and self.render_thread.is_alive():
            return self.render_thread
        try:
            parameters = self.render_parameters()
        except ImagingValueError as exc:
            self._render_said(f"Cannot render: {_error_text(exc)}", error=True)
            return None
        self.render_button.disabled = True
        self._render_said(f"Rendering the report for {parameters['params'].request}…")
        self.render_thread = threading.Thread(
            target=self._render_worker, args=(parameters,), name="imaging-value-render", daemon=True
        )
        self.render_thread.start()
        return self.render_thread

    def _render_worker(self, parameters: dict[str, Any]) -> None:
        started = time.perf_counter()
        try:
            from ..render.pack import render_request_report

            result = render_request_report(**parameters)
        except ImportError as exc:
            self._render_said(f"Report rendering is not available here: {_error_text(exc)}", error=True)
        except Exception as exc:  # shown to the user as one line; the app keeps running
            self._render_said(f"The report failed: {_error_text(exc)}", error=True)
        else:
            seconds = time.perf_counter() - started
            where = self._display_path(Path(result.html))
            beside = Path(result.parameters).name
            self._render_said(f"Report written to {where} (parameters in {beside}, {seconds:.1f} s).")
        finally:
            self.render_button.disabled = False

    def _display_path(self, path: Path) -> str:
        """Where a file went, without any absolute local path: relative to the output folder's parent."""
        base = self.out_dir.resolve().parent
        try:
            return Path(os.path.relpath(path.resolve(), base)).as_posix()
        except ValueError:
            return path.name

    def _render_said(self, text: str, *, error: bool = False) -> None:
        colour = RED if error else "#1b5e20"
        self.render_status.value = _text("note", text, colour)


# --- HTML pieces -----------------------------------------------------------------------


def _summary_html(dataset: Dataset, ranking: Ranking) -> str:
    winner = ranking.winner
    score = float(ranking.totals.loc[winner])
    runner = ranking.order[1] if len(ranking.order) > 1 else None
    context: dict[str, Any] = {"runner": None}
    if runner is not None:
        second = float(ranking.totals.loc[runner])
        context = {"runner": dataset.label(runner), "runner_score": f"{second:.2f}", "gap": f"{score - second:.2f}"}
    return render_section(
        "explorer_summary", winner=winner, label=dataset.label(winner), score=f"{score:.2f}", **context
    )


def _adjustments_html(dataset: Dataset, case: Case) -> str:
    """The adjustments to the base scores that fired for the case's request and requester."""
    rows = [
        {
            "id": r.id,
            "option": dataset.label(r.option),
            "lever": dataset.label(r.lever),
            "delta": f"{r.delta:+g}",
            "rationale": r.rationale,
        }
        for r in case.table.fired.itertuples()
    ]
    return render_section("explorer_adjustments", rows=rows)


def _path_html(dataset: Dataset, recommendations: list[Recommendation]) -> str:
    """Each outcome of the tree: the option, the values it assumed, and the steps with their rationales."""
    outcomes = [
        {
            "label": dataset.label(rec.option),
            "assumed": "; ".join(
                f"{k.replace('_', ' ')} = {' or '.join(v) if isinstance(v, list) else v}"
                for k, v in rec.assumed.items()
            ),
            "steps": rec.path,
        }
        for rec in recommendations
    ]
    return render_section("explorer_path", outcomes=outcomes)


def explore(
    data_dir: str | Path = "../data/samples",
    *,
    out_dir: str | Path = "../reports",
    request: str | None = None,
    debounce: float = DEFAULT_DEBOUNCE,
    n_samples: int = DEFAULT_SAMPLES,
    seed: int = DEFAULT_SEED,
    total: float = DEFAULT_TOTAL,
) -> widgets.Widget:
    """The explorer app for a data folder (paths relative to the notebook); its ``.explorer`` is the state.

    A data folder that fails validation gives a widget that says why, instead of raising.
    """
    try:
        explorer = Explorer(
            data_dir, out_dir=out_dir, request=request, debounce=debounce, n_samples=n_samples, seed=seed, total=total
        )
    except DataValidationError as exc:
        message = widgets.HTML(_text("unusable", exc.one_line()))
        message.add_class("iv-message")
        return message
    return explorer.app
