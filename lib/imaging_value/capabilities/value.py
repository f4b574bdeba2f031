"""What an agreement is worth to the NHS: every option's term sheet priced as risk-adjusted net present value by
Monte Carlo (``valuation.yaml``'s assumptions), the fair terms solved for, the NHS's share of the value created
against its contribution, and the split among the sites and the broker; in the explorer, repriced live."""

from __future__ import annotations

import argparse
import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..core.defaults import DEFAULT_REVENUE_SCENARIO
from ..core.errors import ImagingValueError
from ..core.limits import MAX_DISCOUNT_RATE
from ..engine.capability import Capability, View
from ..present.panel import FACTS, REQUESTER, WEIGHTS, Panel, PanelContext, section_box
from .common import add_seed_argument, computed, core_files, labeller, who

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from ..engine.case import Case
    from ..framework.agreement import Agreement
    from ..framework.appraisal import PricedAgreement, RequesterValue
    from ..model.assumptions import ValuationSpec
    from ..model.data import Dataset
    from ..model.schema import Request

__all__ = [
    "NAME",
    "CAPABILITY",
    "answer",
    "text",
    "csv",
    "arguments",
    "case_options",
    "section",
    "panel",
    "ValuePanel",
    "WorthBlock",
    "worth_block",
    "worth_section",
    "block_context",
    "assumption_rows",
    "royalty_bounds",
    "fair_text",
    "WORTH_FIGURES",
    "FAN_DRAWS",
]

NAME = "value"


def answer(case: Case) -> dict:
    """What each option is worth to the NHS per requester and decision-tree outcome (``valuation.yaml``), by
    quasi-Monte Carlo: one result per branch the agreement to sign takes, each carrying the facts it assumed and
    the option it signs, every option priced under those facts."""
    from ..core.checks import check_flags
    from ..core.errors import DataValidationError, Problem
    from ..framework.appraisal import value_answer

    draws, rate, horizon = case.setting("draws"), case.setting("discount_rate"), case.setting("horizon")
    check_flags(draws, horizon, rate)  # before the valuation model loads
    spec = case.dataset.valuation
    if spec is None:
        raise DataValidationError(
            [Problem("valuation.yaml", "", "", "the file to exist in the data folder", "no such file")]
        )
    return value_answer(
        case.dataset,
        spec,
        case.request,
        {index: case.agreements(index) for index in case.requesters},
        draws=draws,
        seed=case.seed,
        discount_rate=rate,
        horizon=horizon,
    )


def text(answer: dict) -> str:
    """Per requester and decision-tree outcome, every option's expected NPV (with its Monte Carlo standard error),
    range, chance of nothing, break-even, share and fair royalty; the agreement to sign is marked."""
    from ..core.wording import money

    label = labeller(answer)
    lines = [
        f"{answer['draws']:,} draws (scrambled Sobol, 16 replicates), seed {answer['seed']}, discount rate "
        f"{answer['discount_rate']:.1%}, horizon {answer['horizon']} years; net present value to the NHS, ± one "
        f"Monte Carlo standard error"
    ]
    for entry in answer["results"]:
        assumed = ", ".join(f"{k}={v}" for k, v in entry["assumed"].items())
        lines.append(f"{who(entry)}:" + (f"  [assuming {assumed}]" if assumed else ""))
        lines.append(
            f"  {'option':28} {'mean':>12} {'± se':>9} {'P10':>12} {'P90':>12} {'p(nothing)':>10} {'breakeven':>10} "
            f"{'NHS share':>9} {'fair royalty':>12}"
        )
        for o in entry["options"]:
            share = "-" if o["nhs_share"] is None else f"{o['nhs_share']:.1%}"
            fair = (o["fair_terms"].get("royalty") or {}).get("fair")
            year = (
                "-"
                if o["breakeven_year"] is None
                else "at signing"
                if o["breakeven_year"] == 0
                else f"year {o['breakeven_year']}"
            )
            amounts = [money(o["npv"][k], pence=False) for k in ("mean", "p10", "p90")]
            se = money(o["errors"]["mean"] or 0, pence=False)
            mark = "*" if o["option"] == entry.get("agreement") else " "
            lines.append(
                f" {mark}{label(o['option']):28} {amounts[0]:>12} {se:>9} {amounts[1]:>12} {amounts[2]:>12} "
                f"{o['p_nothing']:>10.2f} {year:>10} {share:>9} {'-' if fair is None else f'{fair:.2f}%':>12}"
            )
        lines.append(f"  contribution share {entry['options'][0]['contribution_share']:.1%}; * the agreement to sign")
    return "\n".join(lines)


def csv(dataset: Dataset, answer: dict) -> tuple[list[dict[str, Any]], list[str]]:
    """One row per requester, decision-tree outcome and option: the expected NPV with its standard error, the
    quantiles, the shares and the fair royalty."""
    from .common import joined

    rows = []
    for entry in answer["results"]:
        for o in entry["options"]:
            fair = o["fair_terms"].get("royalty") or {}
            rows.append(
                {
                    "requester_index": entry["requester_index"],
                    "requester_kind": entry["requester"]["kind"],
                    "assumed": joined(entry["assumed"]),
                    "agreement": entry["agreement"],
                    "option": o["option"],
                    "mean": o["npv"]["mean"],
                    "mean_se": o["errors"]["mean"],
                    "p10": o["npv"]["p10"],
                    "p50": o["npv"]["p50"],
                    "p90": o["npv"]["p90"],
                    "p_nothing": o["p_nothing"],
                    "nhs_share": o["nhs_share"],
                    "contribution_share": o["contribution_share"],
                    "fair_royalty": fair.get("fair"),
                    "fair_royalty_se": fair.get("se"),
                }
            )
    columns = list(rows[0]) if rows else ["requester_index", "option"]
    return rows, columns


def arguments(p: argparse.ArgumentParser) -> None:
    """The sub-command's own options: draws, seed, discount rate, horizon."""
    p.add_argument(
        "--draws", type=int, default=None, metavar="N", help="Monte Carlo draws (default: valuation.yaml's draws)"
    )
    add_seed_argument(p)
    p.add_argument(
        "--discount-rate",
        type=float,
        default=None,
        metavar="R",
        help="annual discount rate, e.g. 0.035 (default: valuation.yaml's, the Green Book rate)",
    )
    p.add_argument(
        "--horizon",
        type=int,
        default=None,
        metavar="YEARS",
        help="years from signing (default: valuation.yaml's horizon)",
    )


def case_options(args: argparse.Namespace) -> dict[str, Any]:
    """The parsed options as the case's keyword arguments."""
    return {
        "seed": args.seed,
        "settings": {"draws": args.draws, "discount_rate": args.discount_rate, "horizon": args.horizon},
    }


def assumption_rows(spec: ValuationSpec, value: RequesterValue) -> list[dict[str, str]]:
    """Every assumption this requester's numbers rest on, with its value, rationale and source."""
    a = value.assumptions
    rows = [
        {
            "assumption": "discount rate",
            "value": f"{a.discount_rate:.1%} a year",
            "rationale": spec.discount_rate.rationale,
            "source": spec.discount_rate.source,
        },
        {
            "assumption": "horizon",
            "value": f"{a.horizon} years",
            "rationale": spec.horizon.rationale,
            "source": spec.horizon.source,
        },
    ]
    row = next((r for r in spec.revenue if r.id == value.revenue_row), None)
    if row is None:
        rows.append(
            {
                "assumption": "net revenue",
                "value": "none: this requester sells nothing",
                "rationale": "Non-commercial use creates no product revenue to share.",
                "source": "this framework's reading",
            }
        )
    else:
        m = a.market
        rows.append(
            {
                "assumption": f"net revenue ({row.id})",
                "value": f"median £{m.revenue_median:,.0f} a year at maturity, spread {m.revenue_spread:g}, "
                f"reached over {m.ramp_years} years; profit margin {m.profit_margin:.0%}; NHS pays "
                f"{m.nhs_use_share:.0%} of it once adopted; exit at {m.exit_multiple_median:g}x peak "
                f"revenue",
                "rationale": row.rationale,
                "source": row.source,
            }
        )
    by_id = {s.id: s for s in spec.stages}
    for stage in a.stages:
        s = by_id[stage.id]
        after = f" after {s.after.replace('_', ' ')}" if s.after else " after signing"
        rows.append(
            {
                "assumption": f"stage: {stage.id.replace('_', ' ')}",
                "value": f"p = {stage.probability:.0%}{after}, in {s.years.low} to {s.years.high} years "
                f"(most likely {s.years.likely})",
                "rationale": s.rationale,
                "source": s.source,
            }
        )
    rows.append(
        {
            "assumption": "cost of access",
            "value": f"£{a.access_cost:,.0f} at signing ({spec.access_cost.cost_table})",
            "rationale": spec.access_cost.rationale,
            "source": spec.access_cost.source,
        }
    )
    for c in spec.contribution:
        part = f"{c.nhs:.0%}" if c.nhs is not None else ", ".join(f"{k} {v:.0%}" for k, v in c.nhs_by_curation.items())
        rows.append(
            {
                "assumption": f"contribution: {c.id.replace('_', ' ')}",
                "value": f"weight {c.weight:g}; NHS part {part}",
                "rationale": c.rationale,
                "source": c.source,
            }
        )
    rows.append(
        {
            "assumption": "broker's share",
            "value": f"{spec.broker.share:.0%} of the NHS's net value",
            "rationale": spec.broker.rationale,
            "source": spec.broker.source,
        }
    )
    rows.append(
        {
            "assumption": "sites' sharing rule",
            "value": spec.site_rule.value,
            "rationale": spec.site_rule.rationale,
            "source": spec.site_rule.source,
        }
    )
    return rows


def fair_text(fair: dict[str, Any] | None) -> str:
    """A fair term as a board reads it: the rate, why there is none, or '-'."""
    if not fair:
        return "-"
    if fair["fair"] is not None:
        return f"{fair['fair']:.2f}%"
    if fair.get("without_cap") is not None:
        return f"none under the cap; {fair['without_cap']:.2f}% without it"
    return "none reaches it"


@dataclass(frozen=True)
class WorthBlock:
    """One requester's part of the section: the recommended agreement per outcome, each outcome's every option
    priced under the facts it assumed, and the figures (for the first outcome)."""

    title: str
    value: RequesterValue  # the first outcome's valuation (the figures show it)
    outcomes: tuple[PricedAgreement, ...]
    tornado: pd.DataFrame
    paths: np.ndarray  # the first outcome's recommended agreement: cumulative NPV by year, per draw
    lever: pd.DataFrame  # the commercial lever: judgement and from expected value, side by side


def worth_block(
    dataset: Dataset,
    spec: ValuationSpec,
    request: Request,
    index: int,
    title: str,
    agreements: Sequence[Agreement],
    *,
    seed: int,
    draws: int | None = None,
    fractions: Any = None,
    discount_rate: float | None = None,
    scenario: str = DEFAULT_REVENUE_SCENARIO,
    royalty: float | None = None,
) -> WorthBlock:
    """One requester's valuation: each agreement to sign priced, with every option, under its assumed facts.

    ``discount_rate`` (None: valuation.yaml's) and the revenue ``scenario`` apply throughout; ``royalty``
    (per cent; None: its term sheet's) is the recommended agreement's, wherever its option is priced.
    """
    from ..framework.appraisal import recommended_values, tornado
    from ..framework.lever_value import lever_comparison
    from ..maths.valuation import npv_paths

    settings: dict[str, Any] = {"discount_rate": discount_rate, "scenario": scenario}
    if royalty is not None:
        settings["term_overrides"] = {agreements[0].option: {"royalty": float(royalty)}}
    outcomes = tuple(
        recommended_values(
            dataset, spec, request, index, agreements, draws=draws, seed=seed, fractions=fractions, **settings
        )
    )
    first = outcomes[0]
    table = tornado(
        dataset,
        spec,
        request,
        index,
        first.option,
        assumed=first.assumed,
        seed=seed,
        draws=min(first.value.draws.n, 20_000),
        **settings,
    )
    paths = npv_paths(first.value.assumptions, first.value.terms[first.option], min(first.value.draws.n, 10_000), seed)
    return WorthBlock(title, first.value, outcomes, table, paths, lever_comparison(dataset, spec, request, index))


def _se(value: float | None) -> str:
    """A standard error in pounds, as the tables show it beside a figure."""
    from ..core.wording import money

    return "" if not value else f"± {money(value, pence=False)}"


def _option_rows(dataset: Dataset, v: RequesterValue) -> list[dict[str, Any]]:
    from ..core.wording import money, percent

    options = []
    for p in v.options:
        fair = v.fair_terms[p.option]
        fee = fair.get("access_fee") or {}
        options.append(
            {
                "label": dataset.label(p.option),
                "mean": money(p.mean, pence=False),
                "mean_se": _se(p.errors.get("mean")),
                "p10": money(p.p10, pence=False),
                "p50": money(p.p50, pence=False),
                "p90": money(p.p90, pence=False),
                "p_nothing": percent(p.p_nothing, 0),
                "breakeven": "-"
                if p.breakeven_year is None
                else "at signing"
                if p.breakeven_year == 0
                else f"year {p.breakeven_year}",
                "partner_cash": money(p.partner_cash_before_revenue, pence=False),
                "share": percent(p.nhs_share),
                "fair_royalty": fair_text(fair.get("royalty")),
                "fair_fee": money(fee.get("fair"), pence=False)
                + (" (the cost of access: floor)" if fee.get("floor_binds") else ""),
                "fair_equity": "-"
                if (fair.get("equity") or {}).get("fair") is None
                else f"{fair['equity']['fair']:.2f}%",
            }
        )
    return options


def block_context(dataset: Dataset, spec: ValuationSpec, block: WorthBlock) -> dict[str, Any]:
    """What ``value.html.j2`` shows for one requester."""
    from ..core.wording import money, percent

    outcomes = []
    branches = []
    for o in block.outcomes:
        p = o.priced
        assumed = ", ".join(f"{k} = {x}" for k, x in o.assumed.items())
        outcomes.append(
            {
                "label": dataset.label(o.option),
                "option": o.option,
                "assumed": assumed,
                "mean": money(p.mean, pence=False),
                "mean_se": _se(p.errors.get("mean")),
                "range": f"{money(p.p10, pence=False)} to {money(p.p90, pence=False)}",
                "p_nothing": percent(p.p_nothing, 0),
                "breakeven": "never within the horizon"
                if p.breakeven_year is None
                else "at signing"
                if p.breakeven_year == 0
                else f"year {p.breakeven_year}",
                "partner_cash": money(p.partner_cash_before_revenue, pence=False),
                "share": percent(p.nhs_share),
                "contribution": percent(p.contribution_share),
                "fair": fair_text(o.value.fair_terms[o.option].get("royalty")),
                "control": "; ".join(p.control),
                "split": [{"site": s, "share": money(x, pence=True)} for s, x in o.value.split[o.option]],
            }
        )
        branches.append(
            {
                "assumed": assumed,
                "contribution": percent(o.value.contribution_share),
                "options": _option_rows(dataset, o.value),
            }
        )
    lever = [
        {"label": dataset.label(row.option), "judgement": f"{row.judgement:.1f}", "from_value": f"{row.from_value:.1f}"}
        for row in block.lever.itertuples()
    ]
    v = block.value
    return {
        "title": block.title,
        "outcomes": outcomes,
        "branches": branches,
        "options": branches[0]["options"],
        "lever": lever,
        "lever_in_use": block.lever["in_use"].iloc[0],
        "contribution": percent(v.contribution_share),
        "assumptions": assumption_rows(spec, v),
        "fan_option": dataset.label(block.outcomes[0].option),
        "several": len(block.outcomes) > 1,
    }


def worth_section(dataset: Dataset, spec: ValuationSpec, blocks: Sequence[WorthBlock], seed: int) -> list:
    """The section: text and tables (Jinja2) followed by each requester's four figures."""
    from ..present.templates import render_section
    from ..present.value_figures import fan_figure, npv_box_figure, share_figure, tornado_figure

    first = blocks[0].value
    items: list[Any] = [
        render_section(
            "value_intro",
            draws=first.draws.n,
            seed=seed,
            rate=f"{first.assumptions.discount_rate:.1%}",
            horizon=first.assumptions.horizon,
            rate_source=spec.discount_rate.source,
            glossary=dataset.glossary,
        )
    ]
    for block in blocks:
        items.append(render_section("value", **block_context(dataset, spec, block)))
        items.append(npv_box_figure(dataset, block.value, f"NPV to the NHS by option: {block.title}"))
        items.append(
            fan_figure(
                block.paths, f"The recommended agreement over the years: {dataset.label(block.outcomes[0].option)}"
            )
        )
        items.append(tornado_figure(block.tornado, f"What moves its value: {block.title}"))
        items.append(share_figure(dataset, block.value, f"Fair share: NHS share of the value created: {block.title}"))
    return items


def section(view: View) -> list[Any]:
    """What each agreement is worth to the NHS (the valuation, ``valuation.yaml``): tables and four charts."""
    from ..framework.appraisal import site_fractions
    from ..present.templates import render_section

    case = view.case
    dataset, request = case.dataset, case.request
    spec = dataset.valuation
    if spec is None:  # an older data folder without valuation.yaml: say so, do not fail
        return [render_section("value_missing")]
    fractions = site_fractions(dataset, spec, request)
    blocks = [
        worth_block(
            dataset,
            spec,
            request,
            index,
            view.label(index),
            case.agreements(index),
            seed=case.seed,
            fractions=fractions,
            discount_rate=case.setting("discount_rate"),
            scenario=case.setting("revenue_scenario") or DEFAULT_REVENUE_SCENARIO,
            royalty=case.setting("royalty"),
        )
        for index in view.requesters
    ]
    return worth_section(dataset, spec, blocks, case.seed)


WORTH_FIGURES = ("worth_box", "worth_fan", "worth_share")
FAN_DRAWS = 5_000  # draws per horizon for the fan chart (11 simulations)


class ValuePanel(Panel):
    """What the agreement to sign is worth, repriced live: :meth:`show` picks the request, requester and
    agreement; a control reprices.

    Attributes for callers and tests: ``rate`` (discount rate, per cent), ``scenario``
    (revenue scenario id), ``royalty`` (the recommended agreement's royalty, per cent),
    ``figures`` (name -> FigureWidget, see :data:`WORTH_FIGURES`), ``summary``, ``box``,
    ``value`` (the last :class:`~imaging_value.framework.appraisal.RequesterValue`).
    """

    depends = frozenset({FACTS, REQUESTER, WEIGHTS})
    weighted = True  # it prices the agreement to sign, which the weights choose

    def __init__(self, context: PanelContext):
        import ipywidgets as widgets

        from ..present.live import new_figure_widget, sync_figure

        dataset = context.dataset
        self.dataset = dataset
        self.seed = context.seed
        self._sync = sync_figure
        self.spec: ValuationSpec | None = dataset.valuation
        self.error = "" if self.spec is not None else "This data folder has no valuation.yaml: nothing is priced."
        spec = self.spec
        # bounds from the data: any rate valuation.yaml may hold (0 to 100% a year), any royalty terms.yaml allows
        self.rate = widgets.BoundedFloatText(
            value=round(100 * spec.discount_rate.value, 6) if spec else 3.5,
            min=0.0,
            max=100 * MAX_DISCOUNT_RATE,
            step=0.1,
            description="Discount rate %",
            style={"description_width": "120px"},
            layout=widgets.Layout(width="230px"),
        )
        self.rate.add_class("iv-worth-rate")
        self.scenario = widgets.Dropdown(
            options=[(f"{s.id} (x{s.factor:g})", s.id) for s in spec.revenue_scenarios] if spec else [],
            value=DEFAULT_REVENUE_SCENARIO if spec else None,
            description="Revenue",
            style={"description_width": "70px"},
            layout=widgets.Layout(width="230px"),
        )
        self.scenario.add_class("iv-worth-scenario")
        self.royalty = widgets.FloatSlider(
            value=0.0,
            min=0.0,
            max=royalty_bounds(dataset, None)[1],
            step=0.01,
            readout_format=".2f",
            continuous_update=False,
            description="Royalty %",
            style={"description_width": "80px"},
            layout=widgets.Layout(width="360px"),
        )
        self.royalty.add_class("iv-worth-royalty")
        self.summary = widgets.HTML()
        self.summary.add_class("iv-worth-summary")
        self.figures = {name: new_figure_widget() for name in WORTH_FIGURES}
        boxes = []
        for name in WORTH_FIGURES:
            box = widgets.Box([self.figures[name]], layout=widgets.Layout(width="100%"))
            box.add_class(f"iv-fig-{name}")
            boxes.append(box)
        self.inner = widgets.VBox(
            [
                widgets.HBox([self.rate, self.scenario, self.royalty], layout=widgets.Layout(flex_flow="row wrap")),
                self.summary,
                *boxes,
            ],
            layout=widgets.Layout(width="100%"),
        )
        self.box = section_box("What it is worth to the NHS (risk-adjusted NPV)", self.inner)
        self._request: Request | None = None
        self._index = 0
        self._option = ""
        self._assumed: dict[str, Any] = {}
        self._quiet = False
        self.sheet_royalty: float | None = None  # the royalty of the agreement shown, as its term sheet has it
        self._drawn: tuple | None = None  # the recommended option and the pricing inputs last drawn
        self.value = None
        for control in (self.rate, self.scenario, self.royalty):
            control.observe(self._on_control, names="value")

    def inputs(self, case: Case, index: int) -> Any:
        """The panel is drawn from the request, the requester and the first agreement (its option and assumed facts)."""
        first = case.agreements(index)[0]  # the agreement the panel prices
        return (
            case.request.model_dump_json(exclude={"id", "title"}),
            index,
            first.option,
            repr(sorted(first.assumed.items())),
        )

    def update(self, case: Case, index: int) -> None:
        """Price the first agreement for requester ``index`` of the case."""
        self.show(case.request, index, case.agreements(index))

    def show(self, request: Request, index: int, agreements: Sequence[Agreement]) -> None:
        """A new request, requester or agreement to sign: price the first outcome's agreement."""
        if self.spec is None:
            self.summary.value = f'<span style="color:#a4161a">{html.escape(self.error)}</span>'
            return
        first = agreements[0]
        self._request, self._index = request, index
        self._option, self._assumed = first.option, dict(first.assumed)
        current = first.sheet.value("royalty", 0.0)
        self.sheet_royalty = float(current) if isinstance(current, (int, float)) else 0.0
        low, high = royalty_bounds(self.dataset, first.option)
        self._quiet = True
        try:
            # the bounds first, wide enough for the value (the slider would clamp it), then the value
            self.royalty.max = max(high, self.sheet_royalty, self.royalty.min)
            self.royalty.min = min(low, self.sheet_royalty)
            self.royalty.value = self.sheet_royalty
        finally:
            self._quiet = False
        self.reprice()

    def settings(self) -> dict[str, Any]:
        """The controls as a request report's parameters: ``discount_rate`` (a fraction), ``revenue_scenario``,
        and ``royalty`` (per cent; None where it is the term sheet's own)."""
        royalty = float(self.royalty.value)
        return {
            "discount_rate": round(float(self.rate.value) / 100, 10),
            "revenue_scenario": self.scenario.value or DEFAULT_REVENUE_SCENARIO,
            "royalty": None if self.sheet_royalty is not None and royalty == self.sheet_royalty else royalty,
        }

    def _on_control(self, _change: dict) -> None:
        if not self._quiet and self._request is not None:
            self.reprice()

    def reprice(self) -> None:
        """Reprice with the controls' values and redraw the three charts (unless what they price is unchanged)."""
        from ..core.wording import money
        from ..framework.appraisal import appraise_requester, pricing_inputs
        from ..maths.valuation import npv_paths, solve_fair
        from ..present.value_figures import fan_figure, npv_box_figure, share_figure

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
            f"<p><b>{html.escape(label)}</b> (recommended) with a royalty of {self.royalty.value:g}%: expected "
            f"NHS value {money(priced.mean, pence=False)} (P10 {money(priced.p10, pence=False)}, "
            f"P90 {money(priced.p90, pence=False)}); NHS share "
            f"{share} against a contribution share of {value.contribution_share:.1%}; fair royalty with the other "
            f"terms fixed: {fair_text}. {value.draws.n:,} draws, seed {self.seed}.</p>"
        )
        paths = npv_paths(value.assumptions, terms, min(value.draws.n, FAN_DRAWS), self.seed)
        self._sync(self.figures["worth_box"], npv_box_figure(self.dataset, value, "NPV to the NHS by option"))
        self._sync(self.figures["worth_fan"], fan_figure(paths, f"{label} over the years"))
        self._sync(self.figures["worth_share"], share_figure(self.dataset, value, "NHS share of the value created"))


def royalty_bounds(dataset: Dataset, option: str | None) -> tuple[float, float]:
    """The royalty range (per cent) terms.yaml allows for an option's template (None: for any template);
    0 to 100 where it states none."""
    specs = [
        spec
        for template, terms in dataset.agreement.templates.items()
        if option is None or template == option
        for spec in terms
        if spec.term == "royalty"
    ]
    if not specs and option is not None:
        return royalty_bounds(dataset, None)
    lows = [spec.min for spec in specs if spec.min is not None]
    highs = [spec.max for spec in specs if spec.max is not None]
    return (min(lows) if lows else 0.0, max(highs) if highs else 100.0)


def panel(context: PanelContext) -> ValuePanel:
    """The valuation panel, with its own discount rate, revenue scenario and royalty."""
    return ValuePanel(context)


CAPABILITY = Capability(
    NAME,
    "What it is worth to the NHS",
    computed(NAME, answer),
    order=20,
    data_files=core_files("valuation.yaml"),
    section=section,
    panel=panel,
    weighted=True,  # each result names the agreement to sign, which the view's weights choose
    command=NAME,
    help="what each agreement is worth to the NHS, per requester and decision-tree branch: risk-adjusted NPV by "
    "quasi-Monte Carlo with standard errors, fair terms, the split among sites and broker",
    arguments=arguments,
    case_options=case_options,
    text=text,
    export=NAME,
    csv=csv,
)
