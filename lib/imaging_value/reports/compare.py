"""The comparison report: every request and requester side by side, why their answers differ, and a chart of
every option's weighted value under each stakeholder view."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import plotly.graph_objects as go

from ..capabilities import load_dataset
from ..core.defaults import DEFAULT_DATA_DIR, DEFAULT_SEED
from ..core.safetext import plotly_text
from ..core.wording import join_words, ties
from ..engine.case import Case
from ..framework.analysis import profile_weights
from ..framework.scoring import resolve_weights
from ..model.data import Dataset, scan_requests
from ..model.files import file_digest
from ..model.params import RequestParams
from ..model.schema import Request
from ..present import figures as views
from ..present.templates import render_section
from .furniture import brief_html, header_html, provenance_html, shown_data_dir
from .summary import pack_decisions, report_links

__all__ = ["CompareReport", "compare_report"]


@dataclass(frozen=True)
class CompareReport:
    """What the comparison report shows: the valid requests (a case each), the files that failed, the view, the seed."""

    dataset: Dataset
    requests: tuple[Request, ...]
    invalid: tuple[tuple[str, str], ...]
    parameters: dict[str, Any]
    weights: dict[str, float]
    seed: int
    profile: str | None = None
    _cases: dict[str, Case] = field(default_factory=dict, repr=False, compare=False)

    def case(self, request: Request) -> Case:
        """The request's case under the comparison's view: each requester scored once for every section."""
        if request.id not in self._cases:
            self._cases[request.id] = Case(self.dataset, request, profile=self.profile, seed=self.seed)
        return self._cases[request.id]

    def header(self) -> str:
        """The header: the title, the profile the best weighted option is ranked under, and the seed."""
        return header_html(
            "All requests compared",
            [("Stakeholder view", self.view_words()), ("Seed", self.parameters["seed"])],
        )

    def view_words(self) -> str:
        """Whose weights rank the options, in words."""
        return f"{self.dataset.profile(self.profile).label} weights" if self.profile else "equal weights (default)"

    def cases(self) -> list[Case]:
        """Every valid request's case under the comparison's view."""
        return [self.case(request) for request in self.requests]

    def decisions(self) -> str:
        """Every requester's decision side by side, one row each, with what the pack is worth together."""
        cases = self.cases()
        return pack_decisions(cases, links=report_links(cases))

    def provenance(self) -> str:
        """The parameters and the sha256 of every input file (every request's included)."""
        digests = dict(self.dataset.digests)
        for request in self.requests:
            digests[f"requests/{request.id}.yaml"] = file_digest(self.dataset.requests_dir / f"{request.id}.yaml")
        return provenance_html(self.parameters, digests)

    def brief(self) -> str:
        """The comparison in sentences: which agreement each requester gets, and what it depends on."""
        sentences = []
        for request in self.requests:
            parts = []
            for index in range(len(request.requesters)):
                signed = self.case(request).agreements(index)
                options = list(dict.fromkeys(self.dataset.label(a.option) for a in signed))
                who = f"requester {index + 1} ({request.requesters[index].label()})"
                if len(options) > 1:
                    facts = join_words(list(dict.fromkeys(k.replace("_", " ") for a in signed for k in a.assumed)))
                    parts.append(f"{who} signs {' or '.join(options)}, depending on the {facts} (unstated)")
                else:
                    parts.append(f"{who} signs {options[0]}")
            sentences.append(f"{request.title}: " + "; ".join(parts) + ".")
        if self.invalid:
            sentences.append(f"{len(self.invalid)} request file(s) failed validation and are left out (listed below).")
        return brief_html("In brief", sentences)

    def _rows(self) -> Iterable[tuple[Request, int]]:
        for request in self.requests:
            for index in range(len(request.requesters)):
                yield request, index

    def overview(self) -> str:
        """A row per request and requester (facts, tree, best, win:win, agreement), then each view's first choice."""
        profiles = profile_weights(self.dataset)
        label = self.dataset.label
        rows, firsts = [], []
        for request, index in self._rows():
            requester = request.requesters[index]
            case = self.case(request)
            ranking, alignment = case.ranking(index), case.alignment(index)
            recs = case.recommendations(index)
            tree = list(dict.fromkeys(label(r.option) for r in recs))
            who = f"{request.id} #{index + 1}"
            best, value = ties([(label(o), ranking.totals[o]) for o in ranking.order])[0]
            rows.append(
                {
                    "request": who,
                    "requester": requester.label(),
                    "facts": "; ".join(
                        f
                        for f in [
                            requester.kind.replace("_", " "),
                            requester.profit_stage and f"profit stage {requester.profit_stage.replace('_', '-')}",
                            f"temporality {request.temporality}",
                            f"curation {request.curation}",
                            f"{request.sites.count} site{'s' if request.sites.count != 1 else ''}",
                        ]
                        if f
                    ),
                    "decision tree": " / ".join(tree) + (" (depends on unstated facts)" if len(recs) > 1 else ""),
                    "best weighted value": " and ".join(best) + (f" (tie at {value:.2f})" if len(best) > 1 else ""),
                    "win:win": label(alignment.win_win),
                    "agreement to sign": " / ".join(dict.fromkeys(label(a.option) for a in case.agreements(index))),
                }
            )
            firsts.append(
                {
                    "request": who,
                    **{self.dataset.label(name): label(alignment.rankings[name][0]) for name in profiles},
                }
            )
        return render_section(
            "compare",
            part="overview",
            glossary=self.dataset.glossary,
            columns=list(rows[0]) if rows else [],
            rows=rows,
            invalid=list(self.invalid),
            first_columns=list(firsts[0]) if firsts else [],
            firsts=firsts,
        )

    def key_findings(self) -> str:
        """Plain text: the decision tree's options for each request and requester (stable, so tests can pin it)."""
        lines = []
        for request, index in self._rows():
            recs = self.case(request).recommendations(index)
            lines.append(
                f"{request.id} requester {index + 1} ({request.requesters[index].kind}): "
                + " / ".join(sorted({r.option for r in recs}))
            )
        return "\n".join(lines)

    def differences(self) -> str:
        """Why answers differ: the facts that differ, and the adjustments that fired for some requesters only."""
        fired: dict[str, set[str]] = {}
        labels = []
        for request, index in self._rows():
            label = f"{request.id} #{index + 1}"
            labels.append(label)
            for aid in self.case(request).table(index).fired["id"]:
                fired.setdefault(aid, set()).add(label)
        rationale = {a.id: a.rationale for a in self.dataset.adjustments}
        rows = [
            {"adjustment": aid, "fires for": ", ".join(sorted(who)), "rationale": rationale[aid]}
            for aid, who in sorted(fired.items())
            if len(who) < len(labels)
        ]
        return render_section(
            "compare", part="differences", columns=["adjustment", "fires for", "rationale"], rows=rows
        )

    def chart(self) -> go.Figure:
        """Weighted value of every option for every (request, requester), one view per stakeholder (menu)."""
        profiles = profile_weights(self.dataset)
        keys = [f"{r.id} #{i + 1} ({r.requesters[i].kind})" for r, i in self._rows()]
        tables = [self.case(r).table(i) for r, i in self._rows()]
        fig = go.Figure()
        buttons = []
        names = list(profiles)
        for k, name in enumerate(names):
            w = np.array([profiles[name][lever] for lever in self.dataset.lever_ids])
            z = np.array([t.matrix @ w for t in tables])
            fig.add_trace(
                go.Heatmap(
                    z=z.round(2),
                    x=[plotly_text(self.dataset.label(o)) for o in self.dataset.option_ids],
                    y=[plotly_text(k_) for k_ in keys],
                    zmin=0,
                    zmax=10,
                    colorscale="Blues",
                    text=z.round(1),
                    texttemplate="%{text}",
                    visible=(k == 0),
                    hovertemplate="%{y}<br>%{x}: %{z:.2f}<extra></extra>",
                )
            )
            label = self.dataset.label(name)
            buttons.append(
                dict(
                    label=plotly_text(label),
                    method="update",
                    args=[
                        {"visible": [j == k for j in range(len(names))]},
                        {"title.text": f"Weighted value by request: {plotly_text(label)}"},
                    ],
                )
            )
        first = self.dataset.label(names[0])
        fig.update_layout(
            title=dict(text=f"Weighted value by request: {plotly_text(first)}", x=0),
            updatemenus=[dict(buttons=buttons, x=1, xanchor="right", y=1.18)],
            height=140 + 40 * len(keys),
            template=views.TEMPLATE,
            margin=dict(l=10, r=10, t=90, b=40),
        )
        fig.update_yaxes(autorange="reversed")
        return fig


def compare_report(data_dir: str = DEFAULT_DATA_DIR, profile: str = "", seed: int = DEFAULT_SEED) -> CompareReport:
    """Check the comparison notebook's parameters, load the data and read every request (failures listed apart)."""
    RequestParams(profile=profile, seed=seed, data_dir=data_dir)  # the same checks as a request report's
    dataset = load_dataset(data_dir)
    weights = resolve_weights(dataset, None, profile or None)
    entries = scan_requests(dataset)
    valid = tuple(e.request for e in entries if e.request is not None)
    invalid = tuple((e.id, e.error.one_line()) for e in entries if e.error is not None)
    return CompareReport(
        dataset,
        valid,
        invalid,
        {"profile": profile, "seed": seed, "data_dir": shown_data_dir(data_dir)},
        weights,
        seed,
        profile or None,
    )
