"""The grand summit report (notebook ``04-summit.ipynb``): sections from Jinja2 templates, and charts.

:func:`summit_report` validates the notebook's parameters and computes the summit once; each
method of :class:`SummitReport` returns one section (HTML from ``templates/sections/summit-*``, autoescaped)
or figures, for :func:`imaging_value.reports.request.show`.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
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
from .furniture import brief_html, header_html, provenance_html, shown_data_dir

__all__ = ["SummitReport", "summit_report", "METHOD_WORDS"]

# each elicitation method in a few words
METHOD_WORDS = {
    "swing": "swing weighting",
    "rank": "ranking",
    "points": "100 points",
    "ahp": "pairwise comparisons",
}


def _render(name: str, **context: Any) -> str:
    return render_section(f"summit-{name}", **context)


@dataclass(frozen=True)
class SummitReport:
    """What the grand summit report shows: the summit computed once, and the parameters as the report shows them."""

    dataset: Dataset
    result: SummitResult
    parameters: dict[str, Any]

    def _label(self, option_or_lever: str) -> str:
        return self.dataset.label(option_or_lever)

    def header(self) -> str:
        """The header: the title, the summit, the seed and the samples."""
        return header_html(
            f"Grand summit: {self.result.summit}",
            [
                ("Summit", self.result.summit),
                ("Seed", self.parameters.get("seed", "")),
                ("Samples", self.parameters.get("samples", "")),
            ],
        )

    def provenance(self) -> str:
        """The parameters and the sha256 of every input file: the last page of the report."""
        return provenance_html(self.parameters, dict(self.dataset.digests))

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
                f"{entry.request} requester {entry.requester_index + 1}: minimax regret {entry.minimax_regret}"
                + (
                    " (every group's first choice)"
                    if agree
                    else f" (largest regret {entry.regret.max_regret[entry.minimax_regret]:.2f})"
                )
            )
        return "\n".join(lines)

    def brief(self) -> str:
        """The summit in sentences and a table, before any chart: who took part, what the compromise weighs most,
        where the groups disagree, and per request the option that loses least for every group."""
        from ..core.wording import count_word, join_words

        r = self.result
        label = self._label
        people = join_words(
            [f"{g.group} ({METHOD_WORDS.get(g.method, g.method)}, {count_word(g.participants)})" for g in r.groups]
        )
        top = sorted(r.compromise_weights.items(), key=lambda kv: -kv[1])[:2]
        widest = max(r.levers, key=lambda lv: r.disagreement[lv]["max"] - r.disagreement[lv]["min"])
        span = r.disagreement[widest]
        agree = sum(1 for e in r.requests if len(set(e.first_choice.values())) == 1)
        sentences = [
            f"{count_word(len(r.groups)).capitalize()} stakeholder groups gave their weights, each at its own "
            f"summit (participants counted in brackets): {people}.",
            f"The compromise ({r.compromise_rule}) weighs "
            + join_words([f"{label(lever)} {w:.0%}" for lever, w in top])
            + " most.",
            f"The groups disagree most about {label(widest)}: from {span['min']:.0%} to {span['max']:.0%} of the "
            f"weight.",
            f"Every group's first choice is the same for {count_word(agree)} of the {count_word(len(r.requests))} "
            f"requesters; the table gives, for each, the option whose worst shortfall from any group's first "
            f"choice is smallest.",
        ]
        rows = [
            {
                "request": e.title.split(":")[0].strip() or e.request,
                "requester": f"{e.requester_index + 1}: {e.requester}",
                "smallest worst shortfall from any group's first choice": label(e.minimax_regret),
                "best under the compromise": label(e.compromise_choice),
                "groups' first choices": "; ".join(f"{g} {label(o)}" for g, o in e.first_choice.items()),
            }
            for e in r.requests
        ]
        return brief_html("In brief", sentences) + _render("brief", columns=list(rows[0]) if rows else [], rows=rows)

    def groups(self) -> str:
        """Each group's weights, spread, consistency and provenance, and the compromise weights."""
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
        labels = views.escaped_labels([self._label(lever) for lever in r.levers])
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
        return views.house_layout(fig, "Each group's weights and the compromise", barmode="group")

    def disagreement(self) -> str:
        """Lever by lever: the spread of the groups' weights, and the groups that weigh it most and least."""
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
        """Per request: each group's first choice, the compromise's, and the minimax-regret option and its regret."""
        r = self.result
        rows = [
            {
                "request": e.request,
                "title": e.title,
                "requester": f"{e.requester_index + 1}: {e.requester}",
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
        """How the acceptability is sampled, then each request's rank acceptability around the compromise weights."""
        r = self.result
        items: list[Any] = [_render("acceptability", samples=r.samples, seed=r.seed, concentration=r.concentration)]
        for e in r.requests:
            items.append(
                views.acceptability_figure(
                    self.dataset,
                    e.acceptability,
                    title=f"{e.title.split(':')[0].strip() or e.request}, requester {e.requester_index + 1} "
                    f"({e.requester}): ranks around the compromise",
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
        "data_dir": shown_data_dir(data_dir),
    }
    return SummitReport(dataset, result, shown)
