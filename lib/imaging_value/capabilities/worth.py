"""The request report's "What it is worth" section: figures and tables from the valuation.

Figures take results the library computed (:mod:`appraisal`) and return plotly figures;
the section's text and tables come from a Jinja2 template with autoescape
(``templates/sections/worth.html.j2``).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..framework.agreement import Agreement
from ..framework.appraisal import Outcome, RequesterValue, recommended_values, tornado
from ..maths.valuation import npv_paths
from ..model.assumptions import ValuationSpec
from ..model.data import Dataset
from ..model.schema import Request
from ..present.figures import _esc, _layout
from ..present.templates import render_section

__all__ = [
    "gbp",
    "npv_box_figure",
    "fan_figure",
    "tornado_figure",
    "share_figure",
    "WorthBlock",
    "worth_block",
    "worth_section",
    "assumption_rows",
]

NHS_BLUE = "#1b6ca8"
PARTNER_GREY = "#9aa5b1"


def gbp(x: float | None) -> str:
    if x is None:
        return "-"
    return f"\u2212£{-x:,.0f}" if round(x) < 0 else f"£{x:,.0f}"


def _pct(x: float | None, digits: int = 1) -> str:
    return "-" if x is None else f"{x:.{digits}%}"


def npv_box_figure(dataset: Dataset, value: RequesterValue, title: str) -> go.Figure:
    """Each option's NPV distribution as a box: P25 to P75, whiskers at P10 and P90, the mean marked."""
    fig = go.Figure()
    for v in value.options:
        q10, q25, q50, q75, q90 = np.quantile(v.npv, [0.1, 0.25, 0.5, 0.75, 0.9])
        name = html.escape(dataset.label(v.option))
        fig.add_trace(
            go.Box(
                y=[name],
                q1=[q25],
                median=[q50],
                q3=[q75],
                lowerfence=[q10],
                upperfence=[q90],
                mean=[v.mean],
                orientation="h",
                name=name,
                boxpoints=False,
                showlegend=False,
                marker_color=NHS_BLUE,
                hoverinfo="x",
            )
        )
    fig.add_vline(x=0, line_color="#62707d", line_dash="dot")
    fig.update_xaxes(
        title="net present value to the NHS (GBP); box P25-P75, whiskers P10-P90, dashed: mean", tickformat=",.0f"
    )
    return _layout(fig, title, height=360)


def fan_figure(paths: np.ndarray, title: str) -> go.Figure:
    """How the NHS's value builds up: cumulative discounted net cash by year, P10-P90 and P25-P75 bands."""
    years = list(range(paths.shape[1]))
    q = np.quantile(paths, [0.1, 0.25, 0.5, 0.75, 0.9], axis=0)
    fig = go.Figure()
    for (lo, hi), name, alpha in (((0, 4), "P10 to P90", 0.15), ((1, 3), "P25 to P75", 0.3)):
        fig.add_scatter(x=years, y=q[hi].tolist(), mode="lines", line=dict(width=0), showlegend=False, hoverinfo="skip")
        fig.add_scatter(
            x=years,
            y=q[lo].tolist(),
            mode="lines",
            line=dict(width=0),
            fill="tonexty",
            fillcolor=f"rgba(27,108,168,{alpha})",
            name=name,
            hoverinfo="skip",
        )
    fig.add_scatter(
        x=years,
        y=q[2].tolist(),
        mode="lines",
        line=dict(color=NHS_BLUE, dash="dot"),
        name="median",
        hovertemplate="year %{x}: %{y:,.0f}<extra>median</extra>",
    )
    fig.add_scatter(
        x=years,
        y=paths.mean(axis=0).tolist(),
        mode="lines+markers",
        line=dict(color=NHS_BLUE),
        name="mean",
        hovertemplate="year %{x}: %{y:,.0f}<extra>mean</extra>",
    )
    fig.add_hline(y=0, line_color="#62707d", line_dash="dot")
    fig.update_xaxes(title="years from signing", dtick=1)
    fig.update_yaxes(title="cumulative discounted net cash (GBP)", tickformat=",.0f")
    return _layout(fig, title, height=380)


def tornado_figure(table: pd.DataFrame, title: str) -> go.Figure:
    """NHS value as each assumption moves across its range, the others at their central values."""
    rows = table.iloc[::-1]
    labels = _esc(rows["assumption"].tolist())
    base = float(table["base"].iloc[0]) if len(table) else 0.0
    fig = go.Figure()
    for column, inputs, colour in (("low", "low_input", "#e07b39"), ("high", "high_input", NHS_BLUE)):
        fig.add_bar(
            y=labels,
            x=(rows[column] - base).tolist(),
            base=base,
            orientation="h",
            name=f"{column} end of the range",
            marker_color=colour,
            text=_esc(rows[inputs].tolist()),
            textposition="auto",
            customdata=rows[column].tolist(),
            hovertemplate="%{y} at %{text}: %{customdata:,.0f}<extra></extra>",
        )
    fig.add_vline(x=base, line_color="#1f2933")
    fig.update_xaxes(title=f"expected NHS value (GBP); centre line: {base:,.0f}", tickformat=",.0f")
    return _layout(fig, title, height=80 + 38 * max(len(table), 1), barmode="overlay")


def share_figure(dataset: Dataset, value: RequesterValue, title: str) -> go.Figure:
    """The NHS's expected share of the value created by each option, against its contribution share."""
    options = [v for v in value.options]
    labels = _esc([dataset.label(v.option) for v in options])
    shares = [0.0 if v.nhs_share is None else v.nhs_share for v in options]
    fig = go.Figure()
    fig.add_bar(
        x=labels,
        y=shares,
        name="NHS share of value created",
        marker_color=NHS_BLUE,
        hovertemplate="%{x}: %{y:.1%}<extra></extra>",
    )
    fig.add_hline(
        y=value.contribution_share,
        line_color="#c23b3b",
        line_dash="dash",
        annotation_text=f"contribution share {value.contribution_share:.1%}",
        annotation_position="top left",
    )
    fig.update_yaxes(title="expected NPV to the NHS / expected PV of profit", tickformat=".0%")
    return _layout(fig, title, height=380)


# --- the section ---------------------------------------------------------------------------


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


def _fair_text(fair: dict[str, Any] | None) -> str:
    if not fair:
        return "-"
    if fair["fair"] is not None:
        return f"{fair['fair']:.2f}%"
    if fair.get("without_cap") is not None:
        return f"none under the cap; {fair['without_cap']:.2f}% without it"
    return "none reaches it"


@dataclass(frozen=True)
class WorthBlock:
    """One requester's part of the section: its values, the recommended agreement per outcome, figures."""

    title: str
    value: RequesterValue
    outcomes: tuple[Outcome, ...]
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
    fractions=None,
) -> WorthBlock:
    """One requester's valuation: every option priced, each agreement to sign priced under its assumed facts."""
    from ..framework.appraisal import appraise_requester

    value = appraise_requester(dataset, spec, request, index, draws=draws, seed=seed, fractions=fractions)
    outcomes = tuple(
        recommended_values(dataset, spec, request, index, agreements, draws=draws, seed=seed, fractions=fractions)
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
    )
    paths = npv_paths(first.value.assumptions, first.value.terms[first.option], min(first.value.draws.n, 10_000), seed)
    from ..framework.lever_value import lever_comparison

    return WorthBlock(title, value, outcomes, table, paths, lever_comparison(dataset, spec, request, index))


def _context(dataset: Dataset, spec: ValuationSpec, block: WorthBlock) -> dict[str, Any]:
    v = block.value
    outcomes = []
    for o in block.outcomes:
        p = o.priced
        outcomes.append(
            {
                "label": dataset.label(o.option),
                "option": o.option,
                "assumed": ", ".join(f"{k} = {x}" for k, x in o.assumed.items()),
                "mean": gbp(p.mean),
                "range": f"{gbp(p.p10)} to {gbp(p.p90)}",
                "p_nothing": _pct(p.p_nothing, 0),
                "breakeven": "never within the horizon" if p.breakeven_year is None else f"year {p.breakeven_year}",
                "partner_cash": gbp(p.partner_cash_before_revenue),
                "share": _pct(p.nhs_share),
                "contribution": _pct(p.contribution_share),
                "fair": _fair_text(o.value.fair_terms[o.option].get("royalty")),
                "control": "; ".join(p.control),
                "split": [{"site": s, "share": f"£{x:,.2f}"} for s, x in o.value.split[o.option]],
            }
        )
    options = []
    for p in v.options:
        fair = v.fair_terms[p.option]
        options.append(
            {
                "label": dataset.label(p.option),
                "mean": gbp(p.mean),
                "p10": gbp(p.p10),
                "p50": gbp(p.p50),
                "p90": gbp(p.p90),
                "p_nothing": _pct(p.p_nothing, 0),
                "breakeven": "-" if p.breakeven_year is None else str(p.breakeven_year),
                "partner_cash": gbp(p.partner_cash_before_revenue),
                "share": _pct(p.nhs_share),
                "fair_royalty": _fair_text(fair.get("royalty")),
                "fair_fee": gbp((fair.get("access_fee") or {}).get("fair")),
                "fair_equity": "-"
                if (fair.get("equity") or {}).get("fair") is None
                else f"{fair['equity']['fair']:.2f}%",
            }
        )
    lever = [
        {"label": dataset.label(row.option), "judgement": f"{row.judgement:.1f}", "from_value": f"{row.from_value:.1f}"}
        for row in block.lever.itertuples()
    ]
    return {
        "title": block.title,
        "outcomes": outcomes,
        "options": options,
        "lever": lever,
        "lever_in_use": block.lever["in_use"].iloc[0],
        "contribution": _pct(v.contribution_share),
        "assumptions": assumption_rows(spec, v),
        "fan_option": dataset.label(block.outcomes[0].option),
        "several": len(block.outcomes) > 1,
    }


def worth_section(dataset: Dataset, spec: ValuationSpec, blocks: Sequence[WorthBlock], seed: int) -> list:
    """The section: text and tables (Jinja2) followed by each requester's four figures."""
    first = blocks[0].value
    items: list[Any] = [
        render_section(
            "worth_intro",
            draws=first.draws.n,
            seed=seed,
            rate=f"{first.assumptions.discount_rate:.1%}",
            horizon=first.assumptions.horizon,
            rate_source=spec.discount_rate.source,
        )
    ]
    for block in blocks:
        items.append(render_section("worth", **_context(dataset, spec, block)))
        items.append(npv_box_figure(dataset, block.value, f"NPV to the NHS by option: {block.title}"))
        items.append(
            fan_figure(
                block.paths, f"The recommended agreement over the years: {dataset.label(block.outcomes[0].option)}"
            )
        )
        items.append(tornado_figure(block.tornado, f"What moves its value: {block.title}"))
        items.append(share_figure(dataset, block.value, f"Fair share: NHS share of the value created: {block.title}"))
    return items
