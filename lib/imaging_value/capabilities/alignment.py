"""Stakeholder views: the ranking under every stakeholder profile, how far they agree (Kendall's tau), the
options no other beats under every view, and the win:win option (the best worst case across views)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..engine.capability import Capability, View
from ..present.panel import FigurePanel, PanelContext
from .common import computed, core_files, labeller, requester_entry, who

if TYPE_CHECKING:
    from ..engine.case import Case

__all__ = ["NAME", "CAPABILITY", "answer", "text", "section", "panel"]

NAME = "alignment"


def answer(case: Case) -> dict:
    """Per requester, every profile's ranking, Kendall's tau, the Pareto set and the win:win option."""
    return {
        "request": case.request.id,
        "results": [
            {**requester_entry(case.request, index), **case.alignment(index).to_dict()} for index in case.requesters
        ],
    }


def text(answer: dict) -> str:
    """The win:win option and the Pareto set, then each profile's ranking."""
    label = labeller(answer)
    lines = []
    for entry in answer["results"]:
        lines.append(
            f"{who(entry)}: win:win {label(entry['win_win'])}; Pareto set: "
            + ", ".join(label(o) for o in entry["pareto"])
        )
        for profile, ranking in entry["rankings"].items():
            lines.append(f"  {label(profile):28} " + " > ".join(label(o) for o in ranking))
    return "\n".join(lines)


def section(view: View) -> list[Any]:
    """Per requester: each view's values, each view's ranks, Kendall's tau, and the win:win in words."""
    from ..framework.analysis import profile_weights
    from ..present import figures
    from ..present.templates import render_section

    case = view.case
    dataset = case.dataset
    items: list[Any] = [render_section(NAME, part="intro", glossary=dataset.glossary)]
    profiles = profile_weights(dataset)
    for index in view.requesters:
        alignment = case.alignment(index)
        items.append(
            figures.stakeholder_views_figure(
                dataset, case.table(index), profiles, title=f"Option values ({view.label(index)})"
            )
        )
        items.append(figures.alignment_figure(dataset, alignment, title=f"Ranks under each view: {view.label(index)}"))
        items.append(figures.tau_figure(dataset, alignment))
        spread = max(alignment.disagreement.values())
        contested = [o for o, s in alignment.disagreement.items() if s == spread]
        ranks = alignment.rank_table
        disagreement = (
            "; ".join(
                f"{dataset.label(o)} (ranked {int(ranks.loc[o].min())} to {int(ranks.loc[o].max())})" for o in contested
            )
            if spread
            else ""
        )
        items.append(
            render_section(
                NAME,
                part="requester",
                win_win=dataset.label(alignment.win_win),
                worst=f"{round(alignment.worst_case[alignment.win_win], 2):.2f}",
                pareto=", ".join(dataset.label(o) for o in alignment.pareto),
                disagreement=disagreement,
            )
        )
    return items


def panel(context: PanelContext) -> FigurePanel:
    """Each option's rank under each stakeholder view."""
    from ..present import figures

    dataset = context.dataset
    return FigurePanel(
        context,
        "alignment",
        "Stakeholder views: rank of each option",
        lambda case, index: figures.alignment_figure(dataset, case.alignment(index)),
    )


CAPABILITY = Capability(
    NAME,
    "Stakeholder views",
    computed(NAME, answer),
    order=60,
    data_files=core_files("profiles.csv"),
    section=section,
    panel=panel,
    command=NAME,
    help="rankings under every stakeholder profile, Kendall's tau, win:win option",
    text=text,
)
