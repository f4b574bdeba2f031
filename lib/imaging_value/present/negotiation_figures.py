"""The negotiation's chart: each round's expected worth to the NHS against its worth to the partner, with the zone
of agreement shaded (where the NHS has at least its fair share and the partner at least its alternative)."""

from __future__ import annotations

import html
from collections.abc import Sequence

import plotly.graph_objects as go

from ..framework.negotiation import Assessment
from .figures import house_layout
from .value_figures import NHS_BLUE

__all__ = ["rounds_figure", "ZONE_GREEN"]

ZONE_GREEN = "rgba(47, 125, 50, 0.16)"
_SYMBOLS = ("circle", "diamond", "square", "triangle-up")


def _branch_name(assumed: dict) -> str:
    return "if " + ", ".join(f"{k} = {v}" for k, v in assumed.items()) if assumed else "as stated"


def rounds_figure(assessments: Sequence[Assessment], title: str) -> go.Figure:
    """NHS value (x) against partner value (y), one marker per round and branch, numbered by round; the zone of
    agreement shaded per branch. Every split of the same surplus lies on one line, so the rounds move along it.
    A partner whose side is not priced (it sells nothing) is drawn at 0."""
    fig = go.Figure()
    first = assessments[0]
    shapes: list[dict] = []  # built as plain dicts and set once (plotly validates each added shape anew)
    for k, branch in enumerate(first.branches):
        name = html.escape(_branch_name(branch.assumed))
        zone = branch.zone
        if zone.needed is not None and zone.exists:
            low, high = zone.nhs_range
            p_low, p_high = zone.partner_range
            box = {"type": "rect", "line": {"width": 0}, "fillcolor": ZONE_GREEN, "layer": "below", "x0": low}
            if high is not None and p_low is not None and p_high is not None:
                shapes.append({**box, "x1": high, "y0": p_low, "y1": p_high, "xref": "x", "yref": "y"})
            else:  # no limit on the partner's side: everything from the fair share up
                shapes.append(
                    {**box, "x1": low + max(abs(low), 1.0) * 2, "y0": 0, "y1": 1, "xref": "x", "yref": "paper"}
                )
        xs, ys, labels = [], [], []
        for a in assessments:
            b = a.branches[k] if k < len(a.branches) else a.branches[-1]
            xs.append(round(b.nhs.mean, 2))
            ys.append(round(b.partner.mean, 2) if b.partner is not None else 0.0)
            labels.append(str(a.offer.round))
        fig.add_scatter(
            x=xs,
            y=ys,
            mode="lines+markers+text",
            text=labels,
            textposition="top center",
            name=name,
            marker=dict(size=12, symbol=_SYMBOLS[k % len(_SYMBOLS)], color=NHS_BLUE if k == 0 else None),
            line=dict(dash="dot", width=1),
            hovertemplate="round %{text}: NHS £%{x:,.0f}, partner £%{y:,.0f}<extra>" + name + "</extra>",
        )
        fair = round(branch.fair_value, 2)
        shapes.append(
            {
                "type": "line",
                "x0": fair,
                "x1": fair,
                "y0": 0,
                "y1": 1,
                "xref": "x",
                "yref": "paper",
                "line": {"color": "#2f7d32", "dash": "dash", "width": 1},
            }
        )
    fig.update_layout(shapes=shapes)
    fig.update_xaxes(title="expected worth to the NHS (GBP; dashed: its fair share)", tickformat=",.0f")
    fig.update_yaxes(title="expected worth to the partner (GBP)", tickformat=",.0f")
    return house_layout(fig, title + " (shaded: the zone of agreement)", height=420)
