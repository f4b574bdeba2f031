"""Explore one request live: move lever weights and watch the answer move.

Everything interactive lives here; ``notebooks/00-explore.ipynb`` only calls
:func:`explore`. The app has

* a request picker (every file in the data folder's ``requests/``; a file that
  fails validation is listed as ``id (invalid)`` and shows its error instead of
  charts) and, where a request has several requesters, a requester picker;
* one slider per value lever with its normalised weight written beside it, a
  stakeholder-view preset and a reset to equal weights;
* charts drawn by :mod:`imaging_value.views` into ``plotly`` ``FigureWidget``\\ s
  that are created once and updated in place: option ranking, weight stability,
  the decision tree and its path, each option's lever scores, rank
  acceptability (SMAA-2), stakeholder alignment and the value split among sites;
* a button that renders the board report for the current request and weights.

Only the ranking and the weight-stability chart depend on the weights; the
other charts depend on the request and requester alone (SMAA samples weights
uniformly), so they are recomputed when the request or requester changes, not
on every slider move. Slider moves are debounced; :meth:`Explorer.refresh` and
:meth:`Explorer.set_weights` recompute at once.
"""

from __future__ import annotations

import asyncio
import copy
import functools
import html
import json
import os
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Sequence

import ipywidgets as widgets
import numpy as np
import plotly.graph_objects as go
from plotly.io.json import to_json_plotly

from . import views
from .analysis import DEFAULT_SAMPLES, Analysis, analyse, profile_weights, split, stability
from .data import Dataset, RequestEntry, load_dataset, scan_requests
from .errors import DataValidationError, ImagingValueError, ParameterError
from .scoring import Ranking, normalise_weights, rank_options
from .stability import StabilityResult
from .tree import Recommendation, recommend

__all__ = ["Explorer", "ExplorerApp", "Debouncer", "explore", "sync_figure", "new_figure_widget", "FIGURES",
           "ALL_ZERO_MESSAGE", "PLOTLY_BUNDLE_ENV"]

FIGURES = ("ranking", "stability", "tree", "lever_profile", "acceptability", "alignment", "split")
ALL_ZERO_MESSAGE = "All lever weights are 0: move a slider above 0 to rank the options."
CUSTOM = ""  # the profile picker's value when the sliders were moved by hand
DEFAULT_TOTAL = 1_000_000.0  # the same default as the board report
DEFAULT_DEBOUNCE = 0.15  # seconds of quiet after the last slider move before the recompute
# Set by imaging_value.app for Voila: where, under Voila's base URL, plotly's widget bundle is served.
PLOTLY_BUNDLE_ENV = "IMAGING_VALUE_PLOTLY_BUNDLE"
_SKIP_TRACE_KEYS = frozenset({"type", "uid"})


# --- updating a FigureWidget in place -------------------------------------------------


def _plain(value: Any) -> Any:
    """A property value with tuples and numpy arrays as lists, so equal values compare equal."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, np.ndarray):
        return _plain(value.tolist())
    if isinstance(value, np.generic):
        return value.item()
    return value


def _same(a: Any, b: Any) -> bool:
    """Equality for plotly property values (the widget holds tuples where a new figure may hold lists or arrays)."""
    try:
        return _plain(a) == _plain(b)
    except (TypeError, ValueError):
        return to_json_plotly(a) == to_json_plotly(b)


def _sync_properties(target: Any, new: Mapping[str, Any], skip: frozenset[str] = frozenset()) -> None:
    """Give ``target`` (a trace or the layout) exactly the properties in ``new``, touching only what changed."""
    old = target.to_plotly_json()
    for key in old.keys() - new.keys() - skip:
        target[key] = None
    for key, value in new.items():
        if key in skip or (key in old and _same(old[key], value)):
            continue
        target[key] = value


def sync_figure(widget: go.FigureWidget, figure: go.Figure) -> None:
    """Redraw ``widget`` as ``figure`` in place, in one batch.

    Traces are updated property by property where the new figure has the same
    number and types of traces; otherwise (e.g. a request with a different
    number of sites) the traces are replaced. The layout is updated key by key.
    """
    new_traces = figure.data
    same_shape = len(widget.data) == len(new_traces) and all(
        old.type == new.type for old, new in zip(widget.data, new_traces))
    with widget.batch_update():
        if same_shape:
            for old, new in zip(widget.data, new_traces):
                _sync_properties(old, new.to_plotly_json(), _SKIP_TRACE_KEYS)
        else:
            widget.data = ()
            widget.add_traces(list(new_traces))
        _sync_properties(widget.layout, figure.layout.to_plotly_json())
    if widget.comm is not None and not widget._view_count:
        _refresh_widget_state(widget)


def _refresh_widget_state(widget: go.FigureWidget) -> None:
    """Bring the widget's synced full state up to date, as plotly does when a FigureWidget is displayed itself.

    Edits reach the browser as messages that only views already drawn apply; a
    FigureWidget shown inside another widget (a Box) is never displayed itself, so
    until a view exists (e.g. before Voila fetches the page's widget state) the full
    state must be refreshed here or the first view would draw the empty figure.
    """
    widget._widget_layout = copy.deepcopy(widget._layout_obj._props)
    widget._widget_data = copy.deepcopy(widget._data)


# --- FigureWidgets that share one copy of plotly's front-end code -----------------------


def new_figure_widget() -> go.FigureWidget:
    """An empty ``FigureWidget``; under the local web app, one that loads plotly's bundle from the server.

    A plain ``FigureWidget`` carries plotly's whole front-end bundle (about 5 MB) in
    its state, so a page with seven charts would send and evaluate it seven times.
    Where :data:`PLOTLY_BUNDLE_ENV` names the bundle's path under Voila's base URL
    (``imaging_value.app`` sets it), each widget's front-end code is a few lines that
    import that one URL from the same server: fetched and evaluated once per page,
    and never from outside this machine.
    """
    return _figure_widget_class(os.environ.get(PLOTLY_BUNDLE_ENV, ""))()


@functools.lru_cache(maxsize=None)
def _figure_widget_class(bundle: str) -> type[go.FigureWidget]:
    if not bundle:
        return go.FigureWidget
    stub = (
        "const base = new URL(document.body.dataset.baseUrl || './', window.location.href);\n"
        f"const bundle = await import(new URL({json.dumps(bundle)}, base).href);\n"
        "export default bundle.default;\n"
    )
    return type("FigureWidget", (go.FigureWidget,), {
        "__module__": __name__, "_esm": stub,
        "__doc__": "A plotly FigureWidget whose front-end code is imported from the Voila server."})


# --- debouncing ----------------------------------------------------------------------


class Debouncer:
    """Call ``action`` once, ``delay`` seconds after the last of a burst of :meth:`trigger` calls.

    Inside a Jupyter kernel the timer runs on the kernel's asyncio loop (so the
    action runs between widget messages, on the kernel's thread); with no running
    loop (plain Python, tests) it runs on a ``threading.Timer``.
    """

    def __init__(self, delay: float, action: Callable[[], None]):
        self.delay = delay
        self.action = action
        self._handle: asyncio.TimerHandle | threading.Timer | None = None
        self._lock = threading.Lock()

    @property
    def pending(self) -> bool:
        return self._handle is not None

    def trigger(self) -> None:
        with self._lock:
            self._cancel_locked()
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                timer = threading.Timer(self.delay, self._fire)
                timer.daemon = True
                self._handle = timer
                timer.start()
            else:
                self._handle = loop.call_later(self.delay, self._fire)

    def cancel(self) -> None:
        with self._lock:
            self._cancel_locked()

    def _cancel_locked(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None

    def _fire(self) -> None:
        with self._lock:
            self._handle = None
        self.action()


# --- the app ---------------------------------------------------------------------------


class ExplorerApp(widgets.VBox):
    """The app's top-level widget; ``.explorer`` is the :class:`Explorer` behind it."""

    def __init__(self, explorer: "Explorer", **kwargs: Any):
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


class Explorer:
    """The live workbook for one data folder: widgets, state and the recompute paths.

    Attributes for callers and tests: ``sliders`` and ``weight_labels`` (lever id
    -> widget), ``profile_picker``, ``reset_button``, ``request_picker``,
    ``requester_picker``, ``figures`` (name -> ``FigureWidget``, see
    :data:`FIGURES`), ``path_html``, ``summary``, ``message``, ``split_total``,
    ``split_message``, ``render_button``, ``render_status``, ``app``; the boxes
    ``weighted_box`` (summary and ranking), ``stability_box`` and ``request_box``
    (everything else) are hidden when there is nothing valid to show;
    ``recompute_count`` counts weight recomputes (for the debounce).
    """

    def __init__(self, data_dir: str | Path = "../data/samples", *, out_dir: str | Path = "../reports",
                 request: str | None = None, debounce: float = DEFAULT_DEBOUNCE, n_samples: int = DEFAULT_SAMPLES,
                 seed: int = 0, total: float = DEFAULT_TOTAL):
        self.data_dir = Path(data_dir)
        self.out_dir = Path(out_dir)
        self.n_samples = n_samples
        self.seed = seed
        self.dataset: Dataset = load_dataset(self.data_dir)
        self.entries: dict[str, RequestEntry] = {e.id: e for e in scan_requests(self.dataset)}
        self.profiles = profile_weights(self.dataset)
        self.recompute_count = 0
        self.render_thread: threading.Thread | None = None
        self._lock = threading.RLock()
        self._quiet = False
        self._analysis: Analysis | None = None
        self._ranking: Ranking | None = None
        self._debouncer = Debouncer(debounce, self._debounced_refresh)
        self._build_widgets(total)
        self.app = self._build_layout()
        first = request if request in self.entries else self._first_valid_request()
        with self._quietly():
            self.request_picker.value = first
        self._select_request(first)

    # --- widgets ---------------------------------------------------------------------

    def _build_widgets(self, total: float) -> None:
        self.request_picker = widgets.Dropdown(
            options=[(rid if e.error is None else f"{rid} (invalid)", rid) for rid, e in self.entries.items()],
            description="Request", style={"description_width": "70px"}, layout=widgets.Layout(width="340px"))
        self.request_picker.add_class("iv-request-picker")
        self.requester_picker = widgets.Dropdown(description="Requester", style={"description_width": "80px"},
                                                 layout=widgets.Layout(width="480px"))
        self.requester_picker.add_class("iv-requester-picker")
        self.title = widgets.HTML()
        self.message = widgets.HTML()
        self.message.add_class("iv-message")
        self._build_lever_controls()
        self.profile_picker = widgets.Dropdown(
            options=[("Custom weights", CUSTOM)] + [(p.label, p.name) for p in self.dataset.profiles],
            value=CUSTOM, description="Stakeholder view", style={"description_width": "150px"},
            layout=widgets.Layout(width="400px"))
        self.profile_picker.add_class("iv-profile-picker")
        self.reset_button = widgets.Button(description="Equal weights", tooltip="Reset every lever to the same weight")
        self.reset_button.add_class("iv-reset")
        self.summary = widgets.HTML()
        self.summary.add_class("iv-summary")
        self.figures: dict[str, go.FigureWidget] = {name: new_figure_widget() for name in FIGURES}
        self.path_html = widgets.HTML()
        self.path_html.add_class("iv-path")
        self.split_total = widgets.BoundedFloatText(value=total, min=0.0, max=1e12, step=1000.0,
                                                    description="Total to share", style={"description_width": "110px"},
                                                    layout=widgets.Layout(width="300px"))
        self.split_total.add_class("iv-split-total")
        self.split_message = widgets.HTML()
        self.split_message.add_class("iv-split-message")
        self.render_button = widgets.Button(description="Render board report", button_style="primary",
                                            layout=widgets.Layout(width="220px"))
        self.render_button.add_class("iv-render")
        self.render_status = widgets.HTML()
        self.render_status.add_class("iv-render-status")
        from .explore_worth import WorthPanel

        self.worth = WorthPanel(self.dataset, self.data_dir, new_figure_widget, sync_figure, seed=self.seed)

        self.request_picker.observe(self._on_request, names="value")
        self.requester_picker.observe(self._on_requester, names="value")
        for slider in self.sliders.values():
            slider.observe(self._on_slider, names="value")
        self.profile_picker.observe(self._on_profile, names="value")
        self.reset_button.on_click(lambda _button: self.reset())
        self.split_total.observe(self._on_total, names="value")
        self.render_button.on_click(lambda _button: self.render_report())

    def _build_lever_controls(self) -> None:
        """One slider per lever (raw weight 0 to 1, sent on release) and a label with its normalised share."""
        self.sliders: dict[str, widgets.FloatSlider] = {}
        self.weight_labels: dict[str, widgets.HTML] = {}
        for lever in self.dataset.levers:
            slider = widgets.FloatSlider(
                value=1.0 / len(self.dataset.levers), min=0.0, max=1.0, step=0.01, readout_format=".2f",
                continuous_update=False, description=lever.label, tooltip=lever.question,
                style={"description_width": "150px"}, layout=widgets.Layout(width="400px"))
            slider.add_class(f"iv-lever-{lever.id}")
            label = widgets.HTML(layout=widgets.Layout(width="190px"))
            label.add_class(f"iv-weight-{lever.id}")
            self.sliders[lever.id] = slider
            self.weight_labels[lever.id] = label

    def _figure_box(self, name: str) -> widgets.Box:
        box = widgets.Box([self.figures[name]], layout=widgets.Layout(width="100%"))
        box.add_class(f"iv-fig-{name}")
        return box

    def _section(self, heading: str, *children: widgets.Widget) -> widgets.VBox:
        return widgets.VBox([widgets.HTML(f"<h3>{html.escape(heading)}</h3>"), *children],
                            layout=widgets.Layout(width="100%"))

    def _build_layout(self) -> ExplorerApp:
        lever_rows = [widgets.HBox([self.sliders[lv], self.weight_labels[lv]]) for lv in self.sliders]
        self.controls_box = widgets.VBox(
            [widgets.HTML("<b>Lever weights</b> (normalised share beside each)"), *lever_rows, self.profile_picker,
             self.reset_button], layout=widgets.Layout(width="620px", min_width="620px"))
        self.weighted_box = widgets.VBox(
            [self.summary, self._section("Options ranked under these weights", self._figure_box("ranking"))],
            layout=widgets.Layout(flex="1 1 600px", min_width="480px"))
        self.stability_box = self._section("How far each weight can move before the winner changes",
                                           self._figure_box("stability"))
        self.request_box = widgets.VBox([
            self._section("Decision tree: the recommended option and the path to it",
                          self._figure_box("tree"), self.path_html),
            self._section("Each option's score on each lever", self._figure_box("lever_profile")),
            self._section("Robustness: rank acceptability over sampled weight vectors (uniform)",
                          self._figure_box("acceptability")),
            self._section("Stakeholder views: rank of each option", self._figure_box("alignment")),
            self._section("Sharing the value among sites", self.split_total, self.split_message,
                          self._figure_box("split")),
            self._section("What it is worth to the NHS (risk-adjusted NPV)", self.worth.box),
            self._section("Board report", widgets.HBox([self.render_button, self.render_status])),
        ], layout=widgets.Layout(width="100%"))
        header = widgets.HBox([self.request_picker, self.requester_picker], layout=widgets.Layout(flex_flow="row wrap"))
        top = widgets.HBox([self.controls_box, self.weighted_box],
                           layout=widgets.Layout(flex_flow="row wrap", align_items="flex-start", width="100%"))
        app = ExplorerApp(self, children=[self.title, header, self.message, top, self.stability_box,
                                          self.request_box], layout=widgets.Layout(width="100%"))
        app.add_class("iv-explorer")
        return app

    # --- state -----------------------------------------------------------------------

    @contextmanager
    def _quietly(self) -> Iterator[None]:
        """Change widgets without their observers starting recomputes."""
        previous, self._quiet = self._quiet, True
        try:
            yield
        finally:
            self._quiet = previous

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
        value = self.requester_picker.value
        return int(value) if value is not None else 0

    def raw_weights(self) -> dict[str, float]:
        """The sliders' values, lever by lever (not normalised)."""
        return {lever: float(slider.value) for lever, slider in self.sliders.items()}

    def weights(self) -> dict[str, float] | None:
        """The normalised weights, or None where every slider is at 0."""
        try:
            return normalise_weights(self.raw_weights(), self.dataset.lever_ids)
        except ParameterError:
            return None

    def current_ranking(self) -> tuple[str, ...]:
        """Option ids best first under the current weights; empty when there is no ranking to show."""
        return self._ranking.order if self._ranking is not None else ()

    # --- event handlers --------------------------------------------------------------

    def _on_request(self, change: dict) -> None:
        if not self._quiet:
            self._select_request(change["new"])

    def _on_requester(self, change: dict) -> None:
        if not self._quiet:
            self._debouncer.cancel()
            with self._lock:
                self._update_request_outputs()
                self._update_weighted_outputs()

    def _on_slider(self, change: dict) -> None:
        self._update_weight_labels()
        if self._quiet:
            return
        with self._quietly():
            self.profile_picker.value = CUSTOM
        self._debouncer.trigger()

    def _on_profile(self, change: dict) -> None:
        if self._quiet or change["new"] == CUSTOM:
            return
        self._move_sliders(self.profiles[change["new"]])
        self.refresh()

    def _on_total(self, change: dict) -> None:
        with self._lock:
            self._update_split()

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
        self.refresh()

    def refresh(self) -> None:
        """Recompute everything that depends on the weights now (cancels a pending debounced recompute)."""
        self._debouncer.cancel()
        with self._lock:
            self._update_weighted_outputs()

    # --- recomputes --------------------------------------------------------------------

    def _move_sliders(self, values: Mapping[str, float]) -> None:
        with self._quietly():
            for lever, value in values.items():
                self.sliders[lever].value = value
        self._update_weight_labels()

    def _update_weight_labels(self) -> None:
        normalised = self.weights()
        for lever in self.dataset.levers:
            share = "&ndash;" if normalised is None else _percent(normalised[lever.id])
            self.weight_labels[lever.id].value = f"<span>{html.escape(lever.label)} {share}</span>"

    def _select_request(self, rid: str | None) -> None:
        """Show a request: its requesters, and every chart; or its validation error."""
        with self._lock:
            entry = self.entries.get(rid) if rid is not None else None
            if entry is None or entry.request is None:
                self._show_invalid(rid, entry.error if entry is not None else None)
                return
            request = entry.request
            self.title.value = f"<h2>{html.escape(request.title)}</h2>"
            with self._quietly():
                self.requester_picker.options = [(r.label(), i) for i, r in enumerate(request.requesters)]
                self.requester_picker.value = 0
            _hide(self.requester_picker, len(request.requesters) < 2)
            for box in (self.controls_box, self.request_box):
                _hide(box, False)
            self._show_message("")
            try:
                self._update_request_outputs()
                self._update_weighted_outputs()
            except ImagingValueError as exc:  # e.g. a request the data's rules cannot score: say so, keep going
                self._show_invalid(rid, exc)

    def _show_invalid(self, rid: str | None, error: BaseException | None) -> None:
        """Say why there is nothing to show (no request files, or a file that fails validation) and hide the rest."""
        self._analysis = None
        self._ranking = None
        self.title.value = f"<h2>{html.escape(rid or 'No request')}</h2>"
        if error is None:
            text = f"No request files in {self.dataset.requests_dir.name}/ of the data folder."
        else:
            text = f"This request file cannot be used: {_error_text(error)}"
        self._withdraw((self.requester_picker, self.controls_box, self.weighted_box, self.stability_box,
                        self.request_box), text)

    def _withdraw(self, widgets_: Sequence[widgets.DOMWidget], text: str) -> None:
        """Hide these widgets, then say why: whoever sees the message finds them already gone."""
        for widget in widgets_:
            _hide(widget, True)
        self._show_message(text)

    def _show_message(self, text: str) -> None:
        if text:
            self.message.value = (f'<div style="color:#a4161a;font-weight:600;padding:6px 0">'
                                  f"{html.escape(text)}</div>")
        else:
            self.message.value = ""

    def _update_request_outputs(self) -> None:
        """The charts that depend on the request and requester only."""
        entry = self.entry
        assert entry is not None and entry.request is not None
        request, index = entry.request, self.requester_index
        self._analysis = analyse(self.dataset, request, index, None, n_samples=self.n_samples, seed=self.seed)
        recommendations = recommend(self.dataset, request, index)
        sync_figure(self.figures["tree"], views.tree_figure(self.dataset, recommendations))
        self.path_html.value = _path_html(self.dataset, recommendations)
        sync_figure(self.figures["lever_profile"], views.lever_profile_figure(self.dataset, self._analysis.table))
        sync_figure(self.figures["acceptability"], views.acceptability_figure(self.dataset, self._analysis.acceptability))
        sync_figure(self.figures["alignment"], views.alignment_figure(self.dataset, self._analysis.alignment))
        self._update_split()
        self.worth.show(request, index)

    def _update_weighted_outputs(self) -> None:
        """The ranking and the weight stability: the charts the sliders move."""
        self._update_weight_labels()
        if self._analysis is None:  # no valid request shown
            return
        self.recompute_count += 1
        weights = self.weights()
        if weights is None:
            self._ranking = None
            self._withdraw((self.weighted_box, self.stability_box), ALL_ZERO_MESSAGE)
            return
        table = self._analysis.table
        self._ranking = rank_options(table, weights)
        result: StabilityResult = stability(table, self._ranking.weights)
        sync_figure(self.figures["ranking"], views.ranking_figure(self.dataset, self._ranking))
        sync_figure(self.figures["stability"], views.stability_figure(self.dataset, result))
        self.summary.value = _summary_html(self.dataset, self._ranking)
        self._show_message("")
        for box in (self.weighted_box, self.stability_box):
            _hide(box, False)

    def _update_split(self) -> None:
        entry = self.entry
        if entry is None or entry.request is None:
            return
        try:
            sites, results = split(self.dataset, entry.request, float(self.split_total.value), "all", seed=self.seed)
        except ImagingValueError as exc:
            self.split_message.value = f'<span style="color:#a4161a">{html.escape(_error_text(exc))}</span>'
            return
        note = (f"{len(sites.sites)} sites. Images and curation effort per site are assumed from "
                "site_defaults.csv by kind: the request gives no contributions." if sites.assumed
                else f"{len(sites.sites)} sites, contributions as the request gives them.")
        self.split_message.value = f"<span>{html.escape(note)} Every rule's shares add up to the total.</span>"
        sync_figure(self.figures["split"], views.split_figure(results))

    # --- the board report -----------------------------------------------------------------

    def render_parameters(self) -> dict[str, Any]:
        """The keyword arguments :func:`imaging_value.render.render_request_report` gets for what is shown."""
        entry = self.entry
        if entry is None or entry.request is None:
            raise ParameterError("request", "a valid request", self.request_picker.value)
        profile = self.profile_picker.value or None
        weights = None if profile else self.weights()
        if profile is None and weights is None:
            raise ParameterError("weights", "at least one positive weight", "all weights 0")
        return {"request": entry.id, "data_dir": self.data_dir, "out_dir": self.out_dir,
                "requester": self.requester_index, "profile": profile, "weights": weights, "seed": self.seed,
                "samples": self.n_samples, "total": float(self.split_total.value)}

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
        self._render_said(f"Rendering the report for {parameters['request']}…")
        self.render_thread = threading.Thread(target=self._render_worker, args=(parameters,),
                                              name="imaging-value-render", daemon=True)
        self.render_thread.start()
        return self.render_thread

    def _render_worker(self, parameters: dict[str, Any]) -> None:
        started = time.perf_counter()
        try:
            from .render import render_request_report

            result = render_request_report(parameters.pop("request"), **parameters)
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
        colour = "#a4161a" if error else "#1b5e20"
        self.render_status.value = f'<span style="color:{colour}">{html.escape(text)}</span>'


# --- HTML pieces -----------------------------------------------------------------------


def _summary_html(dataset: Dataset, ranking: Ranking) -> str:
    winner = ranking.winner
    score = float(ranking.totals.loc[winner])
    runner = ranking.order[1] if len(ranking.order) > 1 else None
    second = ""
    if runner is not None:
        gap = score - float(ranking.totals.loc[runner])
        second = (f"; next is {html.escape(views.label_of(dataset, runner))} "
                  f"({float(ranking.totals.loc[runner]):.2f}, {gap:.2f} behind)")
    return (f'<p class="iv-winner" data-option="{html.escape(winner)}">Best under these weights: '
            f"<b>{html.escape(views.label_of(dataset, winner))}</b> ({score:.2f} of 10){second}.</p>")


def _path_html(dataset: Dataset, recommendations: list[Recommendation]) -> str:
    """Each outcome of the tree: the option, the values it assumed, and the steps with their rationales."""
    parts = []
    for rec in recommendations:
        assumed = ""
        if rec.assumed:
            values = "; ".join(f"{html.escape(k.replace('_', ' '))} = "
                               f"{html.escape(' or '.join(v) if isinstance(v, list) else str(v))}"
                               for k, v in rec.assumed.items())
            assumed = f' <span style="color:#8a5a00">(assuming {values}: the request leaves this unstated)</span>'
        steps = "".join(
            f"<li>{html.escape(step.question)} <b>{html.escape(step.answer)}</b>"
            f"{' <i>(assumed)</i>' if step.assumed else ''}: {html.escape(step.rationale)}</li>"
            for step in rec.path)
        parts.append(f"<div><p>Recommended: <b>{html.escape(views.label_of(dataset, rec.option))}</b>{assumed}</p>"
                     f"<ol>{steps}</ol></div>")
    return "".join(parts)


def explore(data_dir: str | Path = "../data/samples", *, out_dir: str | Path = "../reports",
            request: str | None = None, debounce: float = DEFAULT_DEBOUNCE, n_samples: int = DEFAULT_SAMPLES,
            seed: int = 0, total: float = DEFAULT_TOTAL) -> widgets.Widget:
    """The explorer app for a data folder (paths relative to the notebook); its ``.explorer`` is the state.

    A data folder that fails validation gives a widget that says why, instead of raising.
    """
    try:
        explorer = Explorer(data_dir, out_dir=out_dir, request=request, debounce=debounce, n_samples=n_samples,
                            seed=seed, total=total)
    except DataValidationError as exc:
        message = widgets.HTML(f'<div style="color:#a4161a;font-weight:600">The data folder cannot be used: '
                               f"{html.escape(exc.one_line())}</div>")
        message.add_class("iv-message")
        return message
    return explorer.app
