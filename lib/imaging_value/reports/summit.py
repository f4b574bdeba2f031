"""The grand summit report (notebook ``04-summit.ipynb``): sections from Jinja2 templates, and charts.

:func:`summit_report` validates the notebook's parameters and computes the summit once; each
method of :class:`SummitReport` returns one section (HTML from ``templates/sections/summit-*``, autoescaped)
or figures, for :func:`imaging_value.reports.request.show`.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import plotly.graph_objects as go

from ..capabilities import load_dataset
from ..core.checks import check_samples, check_type
from ..core.defaults import DEFAULT_DATA_DIR, DEFAULT_SAMPLES, DEFAULT_SEED
from ..framework.summit import SummitResult, grand_summit
from ..maths.elicit import METHOD_SOURCES
from ..model.data import Dataset
from ..present import figures as views
from ..present.templates import render_section

__all__ = ["SummitReport", "summit_report"]


def _render(name: str, **context: Any) -> str:
    return render_section(f"summit-{name}", **context)


@dataclass(frozen=True)
class SummitReport:
    dataset: Dataset
    result: SummitResult
    parameters: dict[str, Any]

    def _label(self, option_or_lever: str) -> str:
        return self.dataset.label(option_or_lever)

    def header(self) -> str:
        from .request import report_header

        return report_header(
            f"Grand summit: {self.result.summit}",
            [
                ("Summit", self.result.summit),
                ("Seed", self.parameters.get("seed", "")),
                ("Samples", self.parameters.get("samples", "")),
            ],
        )

    def provenance(self) -> str:
        """The parameters and the sha256 of every input file: the last page of the report."""
        from .request import report_provenance

        return report_provenance(self.parameters, dict(self.dataset.digests))

    def key_findings(self) -> str:
        """Plain text: the compromise weights and the minimax-regret option per request (pinned by nbval)."""
        r = self.result
        lines = [
            f"{len(r.groups)} groups: " + ", ".join(f"{g.group} ({g.method}, {g.participants})" for g in r.groups),
            "compromise weights ("
            + r.compromise_rule
            + "): "
            + ", ".join(f"{lever} {w:.3f}" for lever, w in r.compromise_weights.items()),
        ]
        widest = max(r.disagreement, key=lambda lv: r.disagreement[lv]["max"] - r.disagreement[lv]["min"])
        span = r.disagreement[widest]
        lines.append(f"widest disagreement: {widest} ({span['min']:.3f} to {span['max']:.3f})")
        for entry in r.requests:
            agree = len(set(entry.first_choice.values())) == 1
            lines.append(
                f"{entry.request} requester {entry.requester_index}: minimax regret {entry.minimax_regret}"
                + (
                    " (every group's first choice)"
                    if agree
                    else f" (largest regret {entry.regret.max_regret[entry.minimax_regret]:.2f})"
                )
            )
        return "\n".join(lines)

    def groups(self) -> str:
        r = self.result
        groups = [
            {
                "group": g.group,
                "profile": r.profile_names[g.group],
                "method_source": METHOD_SOURCES[g.method],
                "participants": g.participants,
                "weights": g.weights,
                "spread": g.spread,
                "consistency_ratio": g.consistency_ratio,
                "warnings": g.warnings,
                "provenance": r.provenance[g.group],
                "note": r.notes[g.group],
            }
            for g in r.groups
        ]
        return _render(
            "groups",
            levers=self.dataset.levers,
            groups=groups,
            compromise=r.compromise_weights,
            compromise_rule=r.compromise_rule,
        )

    def weights_chart(self) -> go.Figure:
        """Each group's weights with their spread, and the compromise, lever by lever."""
        r = self.result
        labels = views._esc([self._label(lever) for lever in r.levers])
        fig = go.Figure()
        for g in r.groups:
            fig.add_bar(
                x=labels,
                y=[round(g.weights[lv], 4) for lv in r.levers],
                name=html.escape(g.group),
                error_y=dict(type="data", array=[round(g.spread[lv], 4) for lv in r.levers], visible=True),
                hovertemplate="%{x}: %{y:.3f}<extra>" + html.escape(g.group) + "</extra>",
            )
        fig.add_scatter(
            x=labels,
            y=[round(r.compromise_weights[lv], 4) for lv in r.levers],
            mode="markers",
            name="compromise",
            marker=dict(symbol="diamond", size=12, color="#1f2933"),
        )
        fig.update_yaxes(title="weight (error bar: spread between participants)", tickformat=".0%")
        return views._layout(fig, "Each group's weights and the compromise", barmode="group")

    def disagreement(self) -> str:
        r = self.result
        rows = []
        for lever in r.levers:
            ranked = sorted(r.groups, key=lambda g: g.weights[lever])
            rows.append(
                {
                    "label": self._label(lever),
                    **r.disagreement[lever],
                    "most": ranked[-1].group,
                    "least": ranked[0].group,
                }
            )
        return _render("disagreement", rows=rows)

    def requests(self) -> str:
        r = self.result
        rows = [
            {
                "request": e.request,
                "title": e.title,
                "requester": e.requester,
                "first": {g: self._label(o) for g, o in e.first_choice.items()},
                "compromise": self._label(e.compromise_choice),
                "minimax": self._label(e.minimax_regret),
                "regret": e.regret.max_regret[e.minimax_regret],
            }
            for e in r.requests
        ]
        return _render(
            "requests",
            groups=[g.group for g in r.groups],
            rows=rows,
            compromise_rule=r.compromise_rule,
            skipped=list(r.skipped_requests),
        )

    def acceptability(self) -> list:
        r = self.result
        items: list[Any] = [_render("acceptability", samples=r.samples, seed=r.seed, concentration=r.concentration)]
        for e in r.requests:
            items.append(
                views.acceptability_figure(
                    self.dataset, e.acceptability, title=f"{e.request}, {e.requester}: ranks around the compromise"
                )
            )
        return items


def summit_report(
    summit: str = "illustrative",
    seed: int = DEFAULT_SEED,
    samples: int = DEFAULT_SAMPLES,
    data_dir: str = DEFAULT_DATA_DIR,
) -> SummitReport:
    """Validate the summit notebook's parameters and compute the grand summit once."""
    check_type("summit", summit, (str,), "a summit id (a folder of summits/ in the data folder)")
    check_type("seed", seed, (int,), "a whole number")
    check_samples(samples)
    check_type("data_dir", data_dir, (str,), "a path to a data folder")
    dataset = load_dataset(data_dir)
    result = grand_summit(dataset, summit, seed=seed, samples=samples)
    shown = {
        "summit": summit,
        "groups": ", ".join(g.group for g in result.groups),
        "compromise": result.compromise_rule,
        "seed": seed,
        "samples": samples,
        "data": Path(data_dir).name,
    }
    return SummitReport(dataset, result, shown)
