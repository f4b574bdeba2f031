"""The valuation's charts: each option's NPV distribution, how the agreement's value builds up over the years,
what moves it (tornado), and the NHS's share of the value created against its contribution."""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..core.wording import money
from ..framework.appraisal import RequesterValue
from ..model.data import Dataset
from .figures import escaped_labels, house_layout

__all__ = ["npv_box_figure", "fan_figure", "tornado_figure", "share_figure", "NHS_BLUE", "PARTNER_GREY"]

NHS_BLUE = "#1b6ca8"
PARTNER_GREY = "#9aa5b1"


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
    fig.update_xaxes(title="worth to the NHS in today's money", tickprefix="£", tickformat=",.0f")
    return house_layout(
        fig,
        title,
        height=330,
        subtitle="box: the middle half of the outcomes; whiskers: 1 in 10 at each end; dashed: mean",
    )


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
        hovertemplate="year %{x}: £%{y:,.0f}<extra>median</extra>",
    )
    fig.add_scatter(
        x=years,
        y=paths.mean(axis=0).tolist(),
        mode="lines+markers",
        line=dict(color=NHS_BLUE),
        name="mean",
        hovertemplate="year %{x}: £%{y:,.0f}<extra>mean</extra>",
    )
    fig.add_hline(y=0, line_color="#62707d", line_dash="dot")
    fig.update_xaxes(title="years from signing", dtick=1)
    fig.update_yaxes(title="cumulative net cash, in today's money", tickprefix="£", tickformat=",.0f")
    return house_layout(fig, title, height=330)


def tornado_figure(table: pd.DataFrame, title: str) -> go.Figure:
    """NHS value as each assumption moves across its range, the others at their central values."""
    rows = table.iloc[::-1]
    labels = escaped_labels(rows["assumption"].tolist())
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
            text=escaped_labels(rows[inputs].tolist()),
            textposition="auto",
            customdata=rows[column].tolist(),
            hovertemplate="%{y} at %{text}: £%{customdata:,.0f}<extra></extra>",
        )
    fig.add_vline(x=base, line_color="#1f2933")
    fig.update_xaxes(
        title=f"expected worth to the NHS; centre line {money(base, pence=False)}", tickprefix="£", tickformat=",.0f"
    )
    return house_layout(fig, title, height=80 + 38 * max(len(table), 1), barmode="overlay")


def share_figure(dataset: Dataset, value: RequesterValue, title: str) -> go.Figure:
    """The NHS's expected share of the value created by each option, against its contribution share."""
    options = [v for v in value.options]
    labels = escaped_labels([dataset.label(v.option) for v in options])
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
    fig.update_yaxes(title="NHS share of the value created", tickformat=".0%")
    return house_layout(fig, title, height=330)


# --- the section ---------------------------------------------------------------------------
