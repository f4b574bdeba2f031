"""Figures are put together from parts plotly validated once, and give the same figure as validating it all.

``figures.house_layout`` builds each figure's final layout without plotly validating the house
template, fonts, margins and legend again on every figure (most of a figure's cost when the
explorer redraws on each change). These tests build every figure the board and the explorer
draw both ways (``house_layout`` as it is, and plotly's own validated ``update_layout``) and
check the two are the same figure, and that validating the result changes nothing.
"""

from __future__ import annotations

import json

import plotly.graph_objects as go
import pytest

from imaging_value.core.safetext import plotly_text
from imaging_value.explore.explorer import Explorer
from imaging_value.framework.appraisal import tornado
from imaging_value.maths.valuation import npv_paths
from imaging_value.present import figures as views
from imaging_value.present import value_figures as worth


def validated_layout(fig: go.Figure, title: str, height: int = 340, *, subtitle: str = "", **extra) -> go.Figure:
    """The house layout set through plotly's validated ``update_layout``, in place (the reference): the title
    wrapped into lines, the plot pushed down by each line and by a subtitle, the figure taller by as much."""
    lines = views.title_lines(title)
    top = 40 + 24 * len(lines) + (20 if subtitle else 0)
    heading = dict(text="<br>".join(plotly_text(line) for line in lines), x=0, xanchor="left")
    if subtitle:
        heading["subtitle"] = dict(text=plotly_text(subtitle), font=dict(size=views.MIN_TEXT))
    fig.update_layout(
        title=heading,
        height=height + max(0, top - 60),
        font=views.FONT,
        margin=dict(l=10, r=10, t=max(60, top), b=40),
        template=views.TEMPLATE,
        legend=dict(orientation="h", yanchor="bottom", y=1.0, x=1, xanchor="right"),
        **extra,
    )
    return fig


@pytest.fixture(scope="module")
def explorer(samples):
    return Explorer(samples, request="scenario-1", n_samples=2000)


def builders(explorer) -> dict:
    d, case, w = explorer.dataset, explorer.state.case(), explorer.worth
    weighted = explorer.state.weighted(explorer.state.weights())
    value, terms = w.value, w.value.terms[w._option]
    paths = npv_paths(value.assumptions, terms, 2000, 0)
    table = tornado(d, w.spec, w._request, 0, w._option, assumed=w._assumed, seed=0, draws=2000)
    return {
        "ranking": lambda: views.ranking_figure(d, weighted.ranking(0)),
        "stability": lambda: views.stability_figure(d, weighted.stability(0)),
        "tree": lambda: views.tree_figure(d, case.recommendations(0)),
        "lever profile": lambda: views.lever_profile_figure(d, case.table(0)),
        "stakeholder views": lambda: views.stakeholder_views_figure(d, case.table(0), explorer.profiles),
        "acceptability": lambda: views.acceptability_figure(d, case.acceptability(0)),
        "alignment": lambda: views.alignment_figure(d, case.alignment(0)),
        "tau": lambda: views.tau_figure(d, case.alignment(0)),
        "split": lambda: views.split_figure(case.split(1_000_000.0)[1]),
        "modality": lambda: views.modality_figure(d),
        "partners": lambda: views.partners_figure(d),
        "size": lambda: views.size_figure(d),
        "npv box": lambda: worth.npv_box_figure(d, value, "NPV to the NHS by option"),
        "fan": lambda: worth.fan_figure(paths, "Over the years"),
        "tornado": lambda: worth.tornado_figure(table, "What moves its value"),
        "share": lambda: worth.share_figure(d, value, "NHS share of the value created"),
    }


def as_json(fig: go.Figure) -> str:
    return json.dumps(fig.to_plotly_json(), sort_keys=True, default=repr)


def test_every_figure_is_the_one_plotly_validating_every_step_gives(explorer, monkeypatch):
    built = builders(explorer)
    del built["stakeholder views"]  # sets its own title and margins first: checked on its own below
    fast = {name: as_json(make()) for name, make in built.items()}
    monkeypatch.setattr(views, "house_layout", validated_layout)
    monkeypatch.setattr(worth, "house_layout", validated_layout)
    for name, make in built.items():
        assert fast[name] == as_json(make()), name


def test_validating_a_figure_changes_nothing_in_it(explorer):
    for name, make in builders(explorer).items():
        fig = make()
        assert as_json(go.Figure(fig.to_plotly_json())) == as_json(fig), name


def test_a_figure_keeps_what_its_builder_set_over_the_house_layout(dataset, explorer):
    case = explorer.state.case()
    fig = views.stakeholder_views_figure(dataset, case.table(0), explorer.profiles, title="Views <b>")
    layout = fig.to_plotly_json()["layout"]
    assert layout["margin"] == {"l": 10, "r": 10, "t": 130, "b": 40}  # the builder's room for its dropdown
    assert layout["title"]["text"].startswith("Views &lt;b&gt;: ") and layout["title"]["x"] == 0
    assert layout["height"] == 404 and layout["template"] == views.TEMPLATE.to_plotly_json()
    assert layout["updatemenus"][0]["buttons"]
