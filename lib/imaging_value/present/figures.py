"""Plotly figures for reports and the interactive explorer.

Every function takes results the library computed and returns a
``plotly.graph_objects.Figure``; nothing here computes framework answers.
Text that came from data files is passed to plotly as data, never as HTML: plotly reads
labels as a little HTML, so each piece of data text goes through
:func:`~imaging_value.core.safetext.plotly_text` exactly once (``_layout`` does it for titles).
The explorer updates its ``FigureWidget``s from these same figures, so the
report and the live view always draw the same thing.
"""

from __future__ import annotations

import copy
import functools
import math
from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

from ..core.safetext import plotly_text
from ..framework.portfolio import portfolio_summary
from ..framework.scoring import Ranking, ScoreTable
from ..framework.tree import Recommendation
from ..maths.alignment import AlignmentResult
from ..maths.sharing import SplitResult
from ..maths.smaa import SmaaResult
from ..maths.stability import StabilityResult
from ..model.data import Dataset

__all__ = [
    "house_layout",
    "title_lines",
    "MIN_TEXT",
    "TITLE_CHARACTERS",
    "escaped_labels",
    "TEMPLATE",
    "ranking_figure",
    "lever_profile_figure",
    "stakeholder_views_figure",
    "acceptability_figure",
    "stability_figure",
    "alignment_figure",
    "tau_figure",
    "split_figure",
    "tree_figure",
    "modality_figure",
    "partners_figure",
    "size_figure",
]

RANK_COLOURS = ["#08519c", "#3182bd", "#6baed6", "#9ecae1", "#c6dbef", "#e6eef7", "#f3f3f3", "#fafafa"]
FONT = dict(family="Segoe UI, Helvetica, Arial, sans-serif", size=13)
# plotly_white's layout alone: a full named template is copied and validated on every figure (slow
# when the explorer rebuilds figures on each slider move)
TEMPLATE = go.layout.Template(layout=pio.templates["plotly_white"].layout)


@functools.lru_cache(maxsize=1)
def _house_layout() -> dict:
    """The layout every figure shares (template, font, margins, legend), validated once, as plotly's JSON."""
    return go.Layout(
        font=FONT,
        margin=dict(l=10, r=10, t=60, b=40),
        template=TEMPLATE,
        legend=dict(orientation="h", yanchor="bottom", y=1.0, x=1, xanchor="right"),
    ).to_plotly_json()


def _merged(base: dict, over: Mapping) -> dict:
    """``base`` updated by ``over``, nested mappings merged key by key (as ``update_layout`` merges)."""
    out = dict(base)
    for key, value in over.items():
        out[key] = _merged(out[key], value) if isinstance(value, Mapping) and isinstance(out.get(key), dict) else value
    return out


TITLE_CHARACTERS = 95  # a title line's length before it wraps, at the width a report prints charts (1000 px)
MIN_TEXT = 12  # the smallest chart text, in CSS pixels: 9 pt on the printed page


def title_lines(title: str, width: int = TITLE_CHARACTERS) -> list[str]:
    """A chart title cut into lines of at most ``width`` characters, at spaces (plotly never wraps a title)."""
    lines, line = [], ""
    for word in str(title).split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return lines + [line] if line else lines


def _title_text(title: str) -> str:
    """A title as plotly takes it: escaped once, wrapped into lines (:func:`title_lines`)."""
    return "<br>".join(plotly_text(line) for line in title_lines(title))


def house_layout(fig: go.Figure, title: str, height: int = 340, *, subtitle: str = "", **extra: object) -> go.Figure:
    """The finished figure: ``fig``'s traces and layout in the house layout, titled ``title``.

    Returns a new figure (``fig`` is not used after). Everything in it was validated by plotly
    already: ``fig`` as it was built, ``extra`` here, the house layout once per process. So
    the figure is put together without validating it all again, which was most of the cost
    of a figure when the explorer redraws on every change (tests check that validating it
    changes nothing). What ``fig``'s layout already sets wins over the house layout, but for the
    template. The figure returned does not validate later edits either: a builder sets
    everything before calling this.
    """
    if extra:
        fig.update_layout(**extra)
    lines = title_lines(title)
    heading: dict = {"text": _title_text(title), "x": 0, "xanchor": "left"}
    if subtitle:
        heading["subtitle"] = {"text": plotly_text(subtitle), "font": {"size": MIN_TEXT}}
    house = _merged(copy.deepcopy(_house_layout()), {"title": heading, "height": height})
    own = fig.layout.to_plotly_json()
    own.pop("template", None)  # plotly's default, given to every new figure: the house template replaces it
    layout = _merged(house, own)
    # a title that wraps (or has a subtitle) pushes the plot down rather than running into it
    top = 40 + 24 * len(lines) + (20 if subtitle else 0)
    layout["margin"] = {**layout.get("margin", {}), "t": max(int(layout.get("margin", {}).get("t", 0)), top)}
    layout["height"] = int(layout.get("height", height)) + max(0, top - 60)
    return go.Figure(data=[trace.to_plotly_json() for trace in fig.data], layout=layout, _validate=False)


def escaped_labels(values: Sequence[str]) -> list[str]:
    """Category labels go into SVG text; escape them (once) so data cannot inject markup."""
    return [plotly_text(v) for v in values]


# --- options and levers --------------------------------------------------------------


def ranking_figure(dataset: Dataset, ranking: Ranking, title: str = "Options ranked by weighted value") -> go.Figure:
    """Stacked bars: each option's weighted value, split into its levers' contributions (best on top)."""
    order = list(reversed(ranking.order))
    labels = escaped_labels([dataset.label(o) for o in order])
    fig = go.Figure()
    colours = dataset.lever_colours  # levers.yaml
    for lever in ranking.table.levers:
        fig.add_bar(
            y=labels,
            x=ranking.contributions.loc[order, lever].round(3).tolist(),
            orientation="h",
            name=plotly_text(dataset.label(lever)),
            marker_color=colours.get(lever),
            hovertemplate="%{y}: %{x:.2f}<extra>" + plotly_text(dataset.label(lever)) + "</extra>",
        )
    totals = ranking.totals.loc[order].round(2).tolist()
    fig.add_scatter(
        y=labels,
        x=totals,
        mode="text",
        text=[f"{t:.2f}" for t in totals],
        textposition="middle right",
        showlegend=False,
        hoverinfo="skip",
    )
    fig.update_xaxes(title="weighted value (0 to 10)", range=[0, 10.8])
    # The order is the layout's, not the traces' first appearance: a redraw that updates
    # the traces and the layout in separate steps never shows a stale order.
    fig.update_yaxes(categoryorder="array", categoryarray=labels)
    return house_layout(fig, title, barmode="stack")


def lever_profile_figure(
    dataset: Dataset, table: ScoreTable, title: str = "Each option's score on each lever"
) -> go.Figure:
    """Heatmap of scores (0 to 10) with the values written in, hover showing base score and rationale."""
    options = list(table.options)
    levers = list(table.levers)
    z = table.scores.loc[options, levers].to_numpy()
    base = table.base.loc[options, levers].to_numpy()
    notes = table.rationale.loc[options, levers].to_numpy()
    hover = [
        [f"score {z[i, j]:g} (base {base[i, j]:g})<br>{plotly_text(str(notes[i, j]))}" for j in range(len(levers))]
        for i in range(len(options))
    ]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=escaped_labels([dataset.label(lv) for lv in levers]),
            y=escaped_labels([dataset.label(o) for o in options]),
            zmin=0,
            zmax=10,
            colorscale="Blues",
            text=[[f"{v:g}" for v in row] for row in z],
            texttemplate="%{text}",
            customdata=hover,
            hovertemplate="%{y} / %{x}<br>%{customdata}<extra></extra>",
            colorbar=dict(title="score"),
        )
    )
    fig.update_yaxes(autorange="reversed")
    return house_layout(fig, title, height=360)


def stakeholder_views_figure(
    dataset: Dataset,
    table: ScoreTable,
    profiles: Mapping[str, Mapping[str, float]],
    title: str = "Option values under each stakeholder view",
) -> go.Figure:
    """One bar chart per stakeholder view, precomputed, with a dropdown to switch (works without a kernel)."""
    options = list(table.options)
    labels = escaped_labels([dataset.label(o) for o in options])
    matrix = table.scores.loc[options, list(table.levers)].to_numpy()
    names = list(profiles)
    fig = go.Figure()
    buttons = []
    for k, name in enumerate(names):
        w = np.array([profiles[name][lever] for lever in table.levers])
        values = matrix @ w
        best = int(np.argmax(np.round(values, 9)))
        colours = ["#1b6ca8" if i == best else "#9ecae1" for i in range(len(options))]
        fig.add_bar(
            x=labels,
            y=np.round(values, 3).tolist(),
            marker_color=colours,
            visible=(k == 0),
            name=plotly_text(dataset.label(name)),
            text=[f"{v:.2f}" for v in values],
            textposition="outside",
            hovertemplate="%{x}: %{y:.2f}<extra></extra>",
        )
        weights_text = ", ".join(f"{plotly_text(dataset.label(lv))} {profiles[name][lv]:.0%}" for lv in table.levers)
        buttons.append(
            dict(
                label=plotly_text(dataset.label(name)),
                method="update",
                args=[
                    {"visible": [j == k for j in range(len(names))]},
                    {
                        "title.text": _title_text(f"{title}: {dataset.label(name)}"),
                        "title.subtitle.text": weights_text,
                    },
                ],
            )
        )
    first = names[0]
    first_weights = ", ".join(f"{plotly_text(dataset.label(lv))} {profiles[first][lv]:.0%}" for lv in table.levers)
    fig.update_layout(
        title=dict(
            text=_title_text(f"{title}: {dataset.label(first)}"),
            subtitle=dict(text=first_weights, font=dict(size=MIN_TEXT)),
        ),
        updatemenus=[
            dict(type="dropdown", buttons=buttons, x=1, xanchor="right", y=1.22, yanchor="top", showactive=True)
        ],
        margin=dict(l=10, r=10, t=130, b=40),
    )
    fig.update_yaxes(title="weighted value (0 to 10)", range=[0, 10.8])
    return house_layout(fig, title, height=400, showlegend=False)


# --- robustness and alignment --------------------------------------------------------


def acceptability_figure(
    dataset: Dataset, result: SmaaResult, title: str = "How often each option takes each rank"
) -> go.Figure:
    """Stacked bars: the share of sampled weight vectors in which each option takes each rank."""
    options = list(result.options)
    labels = escaped_labels([dataset.label(o) for o in options])
    fig = go.Figure()
    for r, column in enumerate(result.rank_acceptability.columns):
        fig.add_bar(
            y=labels,
            x=result.rank_acceptability[column].round(4).tolist(),
            orientation="h",
            name=f"rank {r + 1}",
            marker_color=RANK_COLOURS[min(r, len(RANK_COLOURS) - 1)],
            marker_line=dict(color="#ffffff", width=0.5),
            texttemplate="%{x:.0%}",
            textposition="inside",
            insidetextanchor="middle",
            textfont=dict(size=MIN_TEXT),
            hovertemplate="%{y}: rank " + str(r + 1) + " in %{x:.1%} of samples<extra></extra>",
        )
    fig.update_xaxes(
        title=f"share of {result.n_samples:,} sampled weight vectors (seed {result.seed})",
        tickformat=".0%",
        range=[0, 1],
    )
    fig.update_yaxes(autorange="reversed")
    # a share too small to label inside its segment is left to the hover, never drawn over its neighbour
    return house_layout(fig, title, height=320, barmode="stack", uniformtext=dict(minsize=MIN_TEXT, mode="hide"))


def stability_figure(dataset: Dataset, result: StabilityResult, title: str | None = None) -> go.Figure:
    """For each lever, the range of its weight over which the winner stays first, and the current weight."""
    rows = result.table
    levers = escaped_labels([dataset.label(lv) for lv in rows["lever"]])
    winner = dataset.label(result.winner)  # raw: _layout escapes the title once
    fig = go.Figure()
    fig.add_bar(
        y=levers,
        x=(rows["upper"] - rows["lower"]).round(4).tolist(),
        base=rows["lower"].round(4).tolist(),
        orientation="h",
        marker_color="#9ecae1",
        name="winner stays first",
        customdata=[
            [
                plotly_text(dataset.label(b)) if isinstance(b, str) else "no change",
                plotly_text(dataset.label(a)) if isinstance(a, str) else "no change",
            ]
            for b, a in zip(rows["taker_below"], rows["taker_above"])
        ],
        hovertemplate="%{y}: from %{base:.3f} to %{x:.3f} wide<br>below: %{customdata[0]}<br>"
        "above: %{customdata[1]}<extra></extra>",
    )
    fig.add_scatter(
        y=levers,
        x=rows["weight"].round(4).tolist(),
        mode="markers",
        name="current weight",
        marker=dict(color="#08306b", size=11, symbol="diamond"),
        hovertemplate="%{y}: weight %{x:.3f}<extra></extra>",
    )
    fig.update_xaxes(title="lever weight (others rescaled in proportion)", range=[0, 1], tickformat=".0%")
    fig.update_yaxes(autorange="reversed")
    return house_layout(fig, title or f"How far each weight can move before {winner} loses first place")


def alignment_figure(
    dataset: Dataset, result: AlignmentResult, title: str = "Rank of each option under each stakeholder view"
) -> go.Figure:
    """Heatmap: each option's rank under each stakeholder view, the win:win option marked."""
    options = list(result.options)
    ranks = result.rank_table.loc[options, list(result.profiles)].to_numpy()
    fig = go.Figure(
        go.Heatmap(
            z=ranks,
            x=escaped_labels([dataset.label(p) for p in result.profiles]),
            y=escaped_labels([dataset.label(o) + (" (win:win)" if o == result.win_win else "") for o in options]),
            colorscale="Blues_r",
            zmin=1,
            zmax=len(options),
            text=ranks,
            texttemplate="%{text}",
            hovertemplate="%{x}: %{y} ranks %{z}<extra></extra>",
            colorbar=dict(title="rank"),
        )
    )
    fig.update_yaxes(autorange="reversed")
    return house_layout(fig, title, height=400)


def tau_figure(
    dataset: Dataset, result: AlignmentResult, title: str = "Agreement between stakeholder views (Kendall's tau)"
) -> go.Figure:
    """Heatmap: Kendall's tau between every two stakeholder views' rankings (blank where undefined)."""
    profile_labels = escaped_labels([dataset.label(p) for p in result.profiles])
    tau = result.kendall_tau.to_numpy(dtype=float)
    text = [["" if math.isnan(v) else f"{v:.2f}" for v in row] for row in tau]
    fig = go.Figure(
        go.Heatmap(
            z=np.nan_to_num(tau, nan=0.0),
            x=profile_labels,
            y=profile_labels,
            zmin=-1,
            zmax=1,
            colorscale="RdBu",
            text=text,
            texttemplate="%{text}",
            hovertemplate="%{y} vs %{x}: %{text}<extra></extra>",
            colorbar=dict(title="tau"),
        )
    )
    fig.update_yaxes(autorange="reversed")
    return house_layout(fig, title, height=440)


def split_figure(results: Mapping[str, SplitResult], title: str = "Sharing the return among sites") -> go.Figure:
    """Grouped bars: each site's share of the total under each sharing rule, with error bars where sampled."""
    fig = go.Figure()
    rule_labels = {
        "equal": "Equal",
        "pro_rata": "Pro rata to images",
        "curation": "Pro rata x curation effort",
        "shapley": "Shapley value",
    }
    for rule, result in results.items():
        table = result.table
        error = None
        if table["stderr"].notna().any():
            error = dict(type="data", array=table["stderr"].astype(float).fillna(0).tolist(), visible=True)
        fig.add_bar(
            x=escaped_labels(table["site"].astype(str).tolist()),
            y=table["share"].tolist(),
            error_y=error,
            name=rule_labels.get(rule, rule),
            hovertemplate="%{x}: £%{y:,.2f}<extra>" + rule + "</extra>",
            texttemplate="£%{y:,.0f}",
            textposition="inside",
            textangle=-90,
            insidetextanchor="end",
            textfont=dict(size=MIN_TEXT),
        )
    fig.update_yaxes(title="share of the total (£)", tickprefix="£", tickformat=",.0f")
    # an amount that does not fit inside its bar is hidden, never drawn over its neighbour (the table has it)
    return house_layout(fig, title, height=380, barmode="group", uniformtext=dict(minsize=MIN_TEXT, mode="hide"))


# --- the decision tree ---------------------------------------------------------------


def tree_figure(
    dataset: Dataset, recommendations: Sequence[Recommendation], title: str = "The decision tree and the path taken"
) -> go.Figure:
    """The whole tree laid out top-down; the branches this request followed drawn bold (dashed where assumed)."""
    nodes = {n.id: n for n in dataset.tree.nodes}
    positions: dict[str, tuple[float, float]] = {}
    edges: list[tuple[str, str, str]] = []  # parent key, child key, label
    labels: dict[str, str] = {}
    kinds: dict[str, str] = {}
    leaf_x = [0]

    def place(node_id: str, key: str, depth: int) -> float:
        node = nodes[node_id]
        labels[key] = node.question
        kinds[key] = "question"
        xs = []
        for index, branch in enumerate(node.branches):
            child = f"{key}/{index}"
            if branch.option is not None:
                positions[child] = (leaf_x[0], -(depth + 1))
                labels[child] = dataset.label(branch.option)
                kinds[child] = "option"
                leaf_x[0] += 1
                xs.append(positions[child][0])
            else:
                xs.append(place(branch.next, child, depth + 1))  # type: ignore[arg-type]
            edges.append((key, child, " / ".join(branch.when)))
        x = sum(xs) / len(xs)
        positions[key] = (x, -depth)
        return x

    place(dataset.tree.start, "root", 0)
    # which edges did the recommendations follow? walk each path by answers
    followed: dict[tuple[str, str], bool] = {}  # edge -> assumed?
    for rec in recommendations:
        key = "root"
        node_id = dataset.tree.start
        for step in rec.path:
            node = nodes[node_id]
            for index, branch in enumerate(node.branches):
                if step.answer in branch.when or step.answer == " or ".join(branch.when):
                    child = f"{key}/{index}"
                    followed[(key, child)] = followed.get((key, child), True) and step.assumed
                    key, node_id = child, branch.next or ""
                    break
    # traces and annotations gathered first and given to the figure at once (adding them one by one is slow)
    traces: list[dict] = []
    annotations: list[dict] = []
    for parent, child, text in edges:
        (x0, y0), (x1, y1) = positions[parent], positions[child]
        on = (parent, child) in followed
        assumed = followed.get((parent, child), False)
        traces.append(
            dict(
                type="scatter",
                x=[x0, x1],
                y=[y0, y1],
                mode="lines",
                hoverinfo="skip",
                showlegend=False,
                line=dict(
                    color="#c23b3b" if on else "#c8c8c8", width=4 if on else 1.2, dash="dash" if assumed else "solid"
                ),
            )
        )
        # the label sits near the child end of its edge, wrapped: siblings' labels spread out as their
        # children do, so they never overlap one another at the parent. The labels are the same whatever
        # path is taken (the path is drawn by the edges and nodes): a new path then only restyles the
        # traces, where changed labels made the explorer lay the whole chart out again
        annotations.append(
            dict(
                x=x0 + 0.7 * (x1 - x0),
                y=y0 + 0.7 * (y1 - y0),
                text=_wrap(text.replace("_", " ").replace(" / ", ", "), 12),
                showarrow=False,
                font=dict(size=MIN_TEXT, color="#666666"),
                bgcolor="rgba(255,255,255,0.85)",
            )
        )
    on_path = {child for _, child in followed} | {"root"}
    for kind, symbol, colour in (("question", "circle", "#1b6ca8"), ("option", "square", "#3a9e5c")):
        keys = [k for k in positions if kinds.get(k) == kind]
        traces.append(
            dict(
                type="scatter",
                x=[positions[k][0] for k in keys],
                y=[positions[k][1] for k in keys],
                mode="markers+text",
                marker=dict(
                    symbol=symbol,
                    size=[16 if k in on_path else 10 for k in keys],
                    color=[colour if k in on_path else "#d9d9d9" for k in keys],
                    line=dict(color=colour, width=1),
                ),
                text=[_wrap(labels[k], 12) if kind == "option" else "" for k in keys],
                textposition="bottom center",
                textfont=dict(size=MIN_TEXT),
                hovertext=[plotly_text(labels[k]) for k in keys],
                hoverinfo="text",
                name="question" if kind == "question" else "agreement option",
            )
        )
    fig = go.Figure(data=traces, layout=dict(annotations=annotations))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, range=[min(y for _, y in positions.values()) - 0.9, 0.4])
    return house_layout(fig, title, height=430)


def _wrap(text: str, width: int) -> str:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "<br>".join(plotly_text(part) for part in lines)


# --- the portfolio -------------------------------------------------------------------


def modality_figure(
    dataset: Dataset, title: str = "Size of the data sets by modality (items, known sizes)"
) -> go.Figure:
    """Bars: the exemplar projects' items of known size by modality (a project counts under each of its own)."""
    by_modality = portfolio_summary(dataset)["images_by_modality"]
    names = sorted(by_modality, key=by_modality.get, reverse=True)
    fig = go.Figure(
        go.Bar(
            x=escaped_labels(names),
            y=[by_modality[m] for m in names],
            marker_color="#1b6ca8",
            text=[f"{by_modality[m]:,}" for m in names],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{x}: %{y:,} items<extra></extra>",
        )
    )
    # headroom above the tallest bar, so its amount is never clipped
    fig.update_yaxes(
        title="items (the report gives no unit)", tickformat=",", range=[0, max(by_modality.values(), default=1) * 1.15]
    )
    return house_layout(fig, title, height=360)


def partners_figure(dataset: Dataset, title: str = "NHS partners per project") -> go.Figure:
    """Horizontal bars: how many NHS partners each exemplar project has."""
    projects = sorted(dataset.projects, key=lambda p: p.nhs_partners)
    fig = go.Figure(
        go.Bar(
            y=escaped_labels([p.name for p in projects]),
            x=[p.nhs_partners for p in projects],
            orientation="h",
            marker_color="#3a9e5c",
            text=[p.nhs_partners for p in projects],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{x} partners<extra></extra>",
        )
    )
    fig.update_xaxes(title="NHS partners", range=[0, max((p.nhs_partners for p in projects), default=1) * 1.12])
    return house_layout(fig, title, height=560)


def size_figure(dataset: Dataset, title: str = "Size of each data set (log scale)") -> go.Figure:
    """Each exemplar project's data set size on a log scale; a project of unknown size is named with its note."""
    known = sorted((p for p in dataset.projects if p.dataset_size is not None), key=lambda p: p.dataset_size)
    unknown = [p for p in dataset.projects if p.dataset_size is None]
    fig = go.Figure(
        go.Scatter(
            x=[p.dataset_size for p in known],
            y=escaped_labels([p.name for p in known]),
            mode="markers",
            marker=dict(size=11, color="#1b6ca8"),
            name="known size",
            hovertemplate="%{y}: %{x:,} items<extra></extra>",
        )
    )
    if unknown:
        fig.add_scatter(
            x=[None] * len(unknown), y=escaped_labels([p.name for p in unknown]), mode="markers", showlegend=False
        )
        for p in unknown:
            fig.add_annotation(
                x=2,
                y=plotly_text(p.name),
                text=f"size unknown ({plotly_text(p.dataset_size_note)})",
                showarrow=False,
                xanchor="left",
                font=dict(color="#c23b3b"),
            )
    # powers of ten only: a log axis otherwise labels 2 and 5 between them at three quarters of the text size
    fig.update_xaxes(type="log", title="items (log scale; the report gives no unit)", range=[1.8, 5.4], dtick=1)
    return house_layout(fig, title, height=560)
