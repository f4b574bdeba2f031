"""The explorer's "What it is worth" panel: discount rate, revenue scenario and royalty rate controls.

The panel prices every option's term sheet for the explorer's request and requester
(:mod:`appraisal`) and draws three of the report's charts (:mod:`worth`) into
``FigureWidget``\\ s updated in place: the NPV box per option, the recommended
agreement's fan chart and the fair-share comparison. The request or requester
changing recomputes the recommended agreement; a control
changing only reprices (one simulation, six options, a fan of 11 horizons). Where
the term sheets, assumptions and contribution share priced are those last drawn
(a fact the valuation does not read), nothing is priced or drawn again.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as widgets

from ..capabilities.worth import fan_figure, gbp, npv_box_figure, share_figure
from ..core.defaults import DEFAULT_SEED
from ..core.errors import ImagingValueError
from ..framework.agreement import Agreement
from ..framework.appraisal import appraise_requester, pricing_inputs
from ..maths.valuation import npv_paths, solve_fair
from ..model.assumptions import ValuationSpec
from ..model.data import Dataset
from ..model.schema import Request

__all__ = ["WorthPanel", "WORTH_FIGURES"]

WORTH_FIGURES = ("worth_box", "worth_fan", "worth_share")
FAN_DRAWS = 5_000  # draws per horizon for the fan chart (11 simulations)


class WorthPanel:
    """Widgets and state of the panel; :meth:`show` picks the request, controls reprice.

    Attributes for callers and tests: ``rate`` (discount rate, per cent), ``scenario``
    (revenue scenario id), ``royalty`` (the recommended agreement's royalty, per cent),
    ``figures`` (name -> FigureWidget, see :data:`WORTH_FIGURES`), ``summary``, ``box``,
    ``value`` (the last :class:`~imaging_value.framework.appraisal.RequesterValue`).
    """

    def __init__(
        self,
        dataset: Dataset,
        data_dir: Any,
        new_widget: Callable[[], Any],
        sync: Callable[[Any, Any], None],
        seed: int = DEFAULT_SEED,
    ):
        self.dataset = dataset
        self.seed = seed
        self._sync = sync
        self.spec: ValuationSpec | None = dataset.valuation
        self.error = "" if self.spec is not None else "This data folder has no valuation.yaml: nothing is priced."
        spec = self.spec
        self.rate = widgets.BoundedFloatText(
            value=100 * spec.discount_rate.value if spec else 3.5,
            min=0.0,
            max=30.0,
            step=0.5,
            description="Discount rate %",
            style={"description_width": "120px"},
            layout=widgets.Layout(width="230px"),
        )
        self.rate.add_class("iv-worth-rate")
        self.scenario = widgets.Dropdown(
            options=[(f"{s.id} (x{s.factor:g})", s.id) for s in spec.revenue_scenarios] if spec else [],
            value="central" if spec else None,
            description="Revenue",
            style={"description_width": "70px"},
            layout=widgets.Layout(width="230px"),
        )
        self.scenario.add_class("iv-worth-scenario")
        self.royalty = widgets.FloatSlider(
            value=0.0,
            min=0.0,
            max=20.0,
            step=0.1,
            readout_format=".1f",
            continuous_update=False,
            description="Royalty %",
            style={"description_width": "80px"},
            layout=widgets.Layout(width="360px"),
        )
        self.royalty.add_class("iv-worth-royalty")
        self.summary = widgets.HTML()
        self.summary.add_class("iv-worth-summary")
        self.figures = {name: new_widget() for name in WORTH_FIGURES}
        boxes = []
        for name in WORTH_FIGURES:
            box = widgets.Box([self.figures[name]], layout=widgets.Layout(width="100%"))
            box.add_class(f"iv-fig-{name}")
            boxes.append(box)
        self.box = widgets.VBox(
            [
                widgets.HBox([self.rate, self.scenario, self.royalty], layout=widgets.Layout(flex_flow="row wrap")),
                self.summary,
                *boxes,
            ],
            layout=widgets.Layout(width="100%"),
        )
        self._request: Request | None = None
        self._index = 0
        self._option = ""
        self._assumed: dict[str, Any] = {}
        self._quiet = False
        self._drawn: tuple | None = None  # the recommended option and the pricing inputs last drawn
        self.value = None
        for control in (self.rate, self.scenario, self.royalty):
            control.observe(self._on_control, names="value")

    def show(self, request: Request, index: int, agreements: Sequence[Agreement]) -> None:
        """A new request, requester or agreement to sign: price the first outcome's agreement."""
        if self.spec is None:
            self.summary.value = f'<span style="color:#a4161a">{html.escape(self.error)}</span>'
            return
        first = agreements[0]
        self._request, self._index = request, index
        self._option, self._assumed = first.option, dict(first.assumed)
        current = first.sheet.value("royalty", 0.0)
        self._quiet = True
        try:
            self.royalty.value = float(current) if isinstance(current, (int, float)) else 0.0
        finally:
            self._quiet = False
        self.update()

    def _on_control(self, _change: dict) -> None:
        if not self._quiet and self._request is not None:
            self.update()

    def update(self) -> None:
        """Reprice with the controls' values and redraw the three charts (unless what they price is unchanged)."""
        if self.spec is None or self._request is None:  # no valuation model, or no request shown yet
            return
        option = self._option
        arguments = dict(
            assumed=self._assumed,
            discount_rate=self.rate.value / 100,
            scenario=self.scenario.value,
            term_overrides={option: {"royalty": self.royalty.value}},
        )
        try:
            inputs = pricing_inputs(self.dataset, self.spec, self._request, self._index, **arguments)
            drawn = (option, inputs.key())
            if drawn == self._drawn:  # e.g. a fact the valuation does not read: the same values, drawn already
                return
            value = appraise_requester(
                self.dataset,
                self.spec,
                self._request,
                self._index,
                seed=self.seed,
                fair=False,
                shares=False,
                inputs=inputs,
                **arguments,
            )
        except ImagingValueError as exc:
            self._drawn = None
            self.summary.value = f'<span style="color:#a4161a">{html.escape(str(exc))}</span>'
            return
        self._drawn = drawn
        self.value = value
        priced = value.option(option)
        terms = value.terms[option]
        fair = solve_fair(value.draws, terms, "royalty", value.contribution_share)
        label = self.dataset.label(option)
        share = "-" if priced.nhs_share is None else f"{priced.nhs_share:.1%}"
        fair_text = "no rate reaches it" if fair is None else f"{fair:.2f}%"
        self.summary.value = (
            f"<p><b>{html.escape(label)}</b> (recommended) with a royalty of {self.royalty.value:.1f}%: expected "
            f"NHS value {gbp(priced.mean)} (P10 {gbp(priced.p10)}, P90 {gbp(priced.p90)}); NHS share "
            f"{share} against a contribution share of {value.contribution_share:.1%}; fair royalty with the other "
            f"terms fixed: {fair_text}. {value.draws.n:,} draws, seed {self.seed}.</p>"
        )
        paths = npv_paths(value.assumptions, terms, min(value.draws.n, FAN_DRAWS), self.seed)
        self._sync(self.figures["worth_box"], npv_box_figure(self.dataset, value, "NPV to the NHS by option"))
        self._sync(self.figures["worth_fan"], fan_figure(paths, f"{label} over the years"))
        self._sync(self.figures["worth_share"], share_figure(self.dataset, value, "NHS share of the value created"))
