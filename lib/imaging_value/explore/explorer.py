"""Explore one request live: change its facts or the lever weights and watch every answer move.

Everything interactive lives in this package; ``notebooks/00-explore.ipynb`` only calls :func:`explore`.
The explorer is

* a state in plain Python (:class:`~imaging_value.explore.state.ExplorerState`: the request's facts, the
  requester, the weights, the profile), whose :class:`~imaging_value.engine.case.Case` computes each
  answer once, when asked;
* the capabilities' panels (:mod:`imaging_value.present.panel`), built from the registry in its order: each
  capability's own, or one drawn from its section; beside them the explorer's own controls
  (:mod:`.controls`: the weights, *Save as request*), the scenario form (:mod:`.scenario_form`), what changed
  against the saved request, and the board report;
* one :class:`~imaging_value.explore.coordinator.Coordinator` that, for a change of facts, requester,
  weights or total, updates exactly the panels that depend on it, once each.

Slider moves are debounced; fact changes, :meth:`Explorer.refresh` and :meth:`Explorer.set_weights`
recompute at once.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from ..capabilities import Capability, View, capabilities, load_dataset
from ..capabilities.split import SplitPanel
from ..capabilities.value import ValuePanel
from ..core.defaults import DEFAULT_SAMPLES, DEFAULT_SEED, DEFAULT_TOTAL
from ..core.errors import DataValidationError, ImagingValueError, ParameterError
from ..engine.case import Case
from ..framework.analysis import profile_weights
from ..framework.scenario import RequestExistsError, save_request
from ..framework.sites import site_contributions
from ..model.data import Dataset, RequestEntry, scan_requests
from ..model.params import RequestParams
from ..model.schema import UNSTATED
from ..present.live import PLOTLY_BUNDLE_ENV, Debouncer, new_figure_widget, sync_figure
from ..present.panel import (
    FACTS,
    GREEN,
    RED,
    REQUESTER,
    TOTAL,
    WEIGHTS,
    FigurePanel,
    HtmlPanel,
    Panel,
    PanelContext,
    error_text,
    hide,
    section_box,
    text_html,
)
from ..present.templates import render_section
from .controls import CUSTOM, SavePanel, WeightsPanel, quietly
from .coordinator import Coordinator
from .scenario_form import ScenarioPanel
from .state import ExplorerState

__all__ = [
    "Explorer",
    "ExplorerApp",
    "SectionPanel",
    "Coordinator",
    "Debouncer",
    "explore",
    "sync_figure",
    "new_figure_widget",
    "all_zero_message",
    "PLOTLY_BUNDLE_ENV",
]


def all_zero_message(error: BaseException) -> str:
    """What the explorer says where the weights cannot rank (every weight 0): the command line's error."""
    return f"Nothing is ranked: {error_text(error)}. Move a slider above 0 to rank the options."


DEFAULT_DEBOUNCE = 0.15  # seconds of quiet after the last slider move before the recompute


class ExplorerApp(widgets.VBox):
    """The app's top-level widget; ``.explorer`` is the :class:`Explorer` behind it."""

    def __init__(self, explorer: Explorer, **kwargs: Any):
        super().__init__(**kwargs)
        self.explorer = explorer


class SectionPanel(Panel):
    """A registered capability without a panel of its own: its section (template, then figures) for the case."""

    def __init__(self, cap: Capability):
        self.cap = cap
        self.weighted = bool(cap.weighted)
        self.depends = frozenset({FACTS, REQUESTER, WEIGHTS} if self.weighted else {FACTS, REQUESTER})
        self.html = widgets.HTML()
        self.html.add_class(f"iv-capability-{cap.name}")
        self.charts = widgets.VBox(layout=widgets.Layout(width="100%"))
        self.box = section_box(cap.title, self.html, self.charts)

    def update(self, case: Case, index: int) -> None:
        """Show the capability's section (its text, then its figures) for requester ``index`` of the case."""
        view = View(case, (index,), lambda i: case.request_or_raise().requesters[i].label())
        items = self.cap.present(view)
        self.html.value = "".join(item for item in items if isinstance(item, str))
        figures = [item for item in items if not isinstance(item, str)]
        if len(self.charts.children) != len(figures):
            self.charts.children = [new_figure_widget() for _ in figures]
        for widget, figure in zip(self.charts.children, figures):
            sync_figure(widget, figure)


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
        # what renders the board report: render.pack.render_request_report unless a caller (a test) gives another
        self.renderer: Any = None
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
        context = PanelContext(dataset, self.seed, total, changed=lambda *what: self.coordinator.changed(*what))
        # each capability's own panel, in the registry's order; one without its own shows its section
        self.panels: dict[str, Panel] = {
            cap.name: cap.panel(context) if cap.panel is not None else SectionPanel(cap)
            for cap in capabilities("request")
            if cap.in_explorer
        }
        self.panels["changes"] = HtmlPanel("iv-changes", "What changed", self._changes_html, weighted=True)
        self.coordinator = Coordinator(self.state, self.panels, self._show_invalid_facts, self._show_valid)
        self.figures: dict[str, Any] = {p.name: p.figure for p in self.panels.values() if isinstance(p, FigurePanel)}
        if isinstance(self.panels.get("split"), SplitPanel):
            self.figures["split"] = self.panels["split"].figure
        self.worth = self.panels.get("value")
        self.stamp = widgets.HTML(layout=widgets.Layout(display="none"))  # the coordinator's run count, for
        self.stamp.add_class("iv-stamp")  # browser tests and the latency bench: it changes after every panel has
        self.coordinator.after = self._stamp  # been updated
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
        self.render_button.on_click(lambda _button: self.render_report())
        self.app = self._build_layout()

    def _build_layout(self) -> ExplorerApp:
        p = self.panels
        self.controls_box = self.weights_panel.box
        # the charts that follow the sliders first, beside nothing else; then every other panel in order
        following = [panel.box for panel in p.values() if panel.weighted and isinstance(panel, FigurePanel)]
        self.weighted_box = widgets.VBox(following, layout=widgets.Layout(width="100%"))
        self.scenario_box = widgets.VBox(
            [self.scenario.box, self.saver.box, p["changes"].box],
            layout=widgets.Layout(flex="1 1 560px", min_width="560px"),
        )
        self.request_box = widgets.VBox(
            [
                *(
                    panel.box
                    for name, panel in p.items()
                    if name != "changes" and not (panel.weighted and isinstance(panel, FigurePanel))
                ),
                section_box("Board report", widgets.HBox([self.render_button, self.render_status])),
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
            children=[self.title, header, self.message, top, self.weighted_box, self.request_box, self.stamp],
            layout=widgets.Layout(width="100%"),
        )
        app.add_class("iv-explorer")
        return app

    def _request_options(self) -> list[tuple[str, str]]:
        return [(rid if e.error is None else f"{rid} (invalid)", rid) for rid, e in self.entries.items()]

    # --- state -----------------------------------------------------------------------

    def _quietly(self) -> Any:
        """Change widgets without their observers starting recomputes."""
        return quietly(self)

    def _first_valid_request(self) -> str | None:
        for rid, entry in self.entries.items():
            if entry.error is None:
                return rid
        return next(iter(self.entries), None)

    @property
    def entry(self) -> RequestEntry | None:
        """The picked request's entry (its request or why it could not be loaded), or None if none is picked."""
        rid = self.request_picker.value
        return self.entries.get(rid) if rid is not None else None

    @property
    def requester_index(self) -> int:
        """The position of the requester shown, counted from 0."""
        return self.state.requester_index

    @property
    def recompute_count(self) -> int:
        """How many times the ranking has been recomputed (0 without a ranking panel)."""
        return self._rank_panel().count if self._rank_panel() is not None else 0

    def raw_weights(self) -> dict[str, float]:
        """The sliders' values, lever by lever (not normalised)."""
        return self.weights_panel.raw()

    def weights(self) -> dict[str, float] | None:
        """The normalised weights, or None where every slider is at 0."""
        return self.state.weights()

    def current_ranking(self) -> tuple[str, ...]:
        """Option ids best first under the current weights; empty when there is no ranking to show."""
        panel = self._rank_panel()
        ranking = panel.ranking if panel is not None else None
        return ranking.order if ranking is not None else ()

    def _rank_panel(self) -> Any:
        """The ranking's panel (where a capability draws the ranking under the sliders' weights)."""
        return self.panels.get("rank")

    @property
    def summary(self) -> Any:
        """The winner's summary above the ranking chart."""
        return self.panels["rank"].summary  # type: ignore[attr-defined]

    @property
    def path_html(self) -> Any:
        """The decision tree's path below its chart."""
        return self.panels["recommend"].note  # type: ignore[attr-defined]

    @property
    def split_total(self) -> Any:
        """The total shared among the sites (the split panel's own control)."""
        return self.panels["split"].total  # type: ignore[attr-defined]

    @property
    def split_message(self) -> Any:
        """What the split panel says about the sites' contributions."""
        return self.panels["split"].message  # type: ignore[attr-defined]

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

    def _changes_html(self, case: Case, index: int) -> str:
        """What changed against the saved request the scenario started from, as a few sentences."""
        modified = self.state.modified
        return render_section(
            "explorer_changes",
            saved=self.state.saved_id,
            modified=modified,
            sentences=self.state.changes(case.weights) if modified else [],
        )

    def _stamp(self, runs: int) -> None:
        ms, cpu = self.coordinator.seconds * 1000, self.coordinator.cpu_seconds * 1000
        self.stamp.value = f'<span data-runs="{runs}" data-ms="{ms:.1f}" data-cpu-ms="{cpu:.1f}">{runs}</span>'

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
            self._show_message(f"Could not update the charts: {error_text(exc)}")

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
        hide(self.requester_picker, len(requesters) < 2)
        self.title.value = text_html("title", self.state.facts.get("title") or self.state.saved_id or "")

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
        self._forget_ranking()
        self.title.value = text_html("title", rid or "No request")
        if error is None:
            text = f"No request files in {self.dataset.requests_dir.name}/ of the data folder."
        else:
            text = f"This request file cannot be used: {error_text(error)}"
        self._withdraw(
            (
                self.requester_picker,
                self.controls_box,
                self.scenario_box,
                self.weighted_box,
                self.request_box,
            ),
            text,
        )

    def _show_invalid_facts(self, error: BaseException) -> None:
        """The scenario's facts do not make a valid request: say which, beside each widget, and hide the answers."""
        self._forget_ranking()
        problems = error.problems if isinstance(error, DataValidationError) else []
        self.scenario.show_problems(problems)
        self._withdraw(
            (self.weighted_box, self.request_box, self.panels["changes"].box),
            f"The scenario's facts do not make a valid request: {error_text(error)}",
        )

    def _show_valid(self, weighted: bool) -> None:
        self.scenario.show_problems([])
        for box in (self.controls_box, self.scenario_box, self.request_box):
            hide(box, False)
        # every panel that follows the weights (the ranking, the agreement to sign, its value, what changed)
        following = [self.weighted_box, *(panel.box for panel in self.panels.values() if panel.weighted)]
        if weighted:
            self._show_message("")
            for box in following:
                hide(box, False)
        else:
            self._forget_ranking()
            error = self.state.weights_error()
            self._withdraw(following, all_zero_message(error) if error is not None else "")

    def _forget_ranking(self) -> None:
        panel = self._rank_panel()
        if panel is not None:
            panel.ranking = None

    def _withdraw(self, widgets_: Sequence[widgets.DOMWidget], text: str) -> None:
        """Hide these widgets, then say why: whoever sees the message finds them already gone."""
        for widget in widgets_:
            hide(widget, True)
        self._show_message(text)

    def _show_message(self, text: str) -> None:
        if text:
            self.message.value = text_html("message", text)
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
            self.saver.said(f"Not saved: {error_text(exc)}. Nothing was written.", error=True)
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
        weights: dict[str, float] = {}
        if profile is None:
            error = self.state.weights_error()
            if error is not None:
                raise error  # all weights 0: the command line's own error
            raw = list(self.state.raw_weights.values())
            if len(set(raw)) > 1:  # equal weights are the report's default ({}), named so in the index
                weights = self.weights() or {}
        valuation = self.worth.settings() if isinstance(self.worth, ValuePanel) else {}
        params = RequestParams(
            request=entry.id,
            requester=self.requester_index,
            profile=profile,
            weights=weights,
            seed=self.seed,
            samples=self.n_samples,
            total=float(self.split_total.value),
            **valuation,
        )
        return {"params": params, "data_dir": self.data_dir, "out_dir": self.out_dir}

    def render_report(self) -> threading.Thread | None:
        """Render the board report in a background thread; the button is disabled meanwhile."""
        if self.render_thread is not None and self.render_thread.is_alive():
            return self.render_thread
        try:
            parameters = self.render_parameters()
        except ImagingValueError as exc:
            self._render_said(f"Cannot render: {error_text(exc)}", error=True)
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
            render = self.renderer
            if render is None:
                from ..render.pack import render_request_report as render

            result = render(**parameters)
        except ImportError as exc:
            self._render_said(f"Report rendering is not available here: {error_text(exc)}", error=True)
        except Exception as exc:  # shown to the user as one line; the app keeps running
            self._render_said(f"The report failed: {error_text(exc)}", error=True)
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
        colour = RED if error else GREEN
        self.render_status.value = text_html("note", text, colour)


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
        message = widgets.HTML(text_html("unusable", exc.one_line()))
        message.add_class("iv-message")
        return message
    return explorer.app
