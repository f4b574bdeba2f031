"""Each option's score on each lever for a requester: the base table and the context adjustments that fired."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..engine.capability import Capability, View
from ..present.panel import FigurePanel, PanelContext, table_key
from .common import computed, core_files, requester_entry

if TYPE_CHECKING:
    from ..engine.case import Case
    from ..model.data import Dataset

__all__ = ["NAME", "CAPABILITY", "answer", "section", "panel", "adjustments_html"]

NAME = "scores"


def answer(case: Case) -> dict:
    """Each option's score on each lever per requester, and the context adjustments that fired."""
    results = []
    for index in case.requesters:
        table = case.table(index)
        results.append(
            {
                **requester_entry(case.request, index),
                "scores": {o: {lever: table.score(o, lever) for lever in table.levers} for o in table.options},
                "adjustments": [
                    {
                        "id": r.id,
                        "option": r.option,
                        "lever": r.lever,
                        "delta": float(r.delta),
                        "rationale": r.rationale,
                    }
                    for r in table.fired.itertuples()
                ],
            }
        )
    return {"request": case.request.id, "results": results}


def section(view: View) -> list[Any]:
    """Per requester, the lever profile chart and the adjustments that fired."""
    from ..present import figures
    from ..present.templates import render_section

    case = view.case
    dataset = case.dataset
    items: list[Any] = [render_section(NAME, part="intro")]
    for index in view.requesters:
        table = case.table(index)
        items.append(figures.lever_profile_figure(dataset, table, title=f"Lever scores: {view.label(index)}"))
        fired = [
            {
                "option": dataset.label(row.option),
                "lever": dataset.label(row.lever),
                "change": f"{row.delta:+g}",
                "why": row.rationale,
                "source": "this framework's reading",
            }
            for row in table.fired.itertuples()
        ]
        if fired:
            items.append(render_section(NAME, part="requester", fired=fired))
    return items


def adjustments_html(dataset: Dataset, case: Case, index: int) -> str:
    """The adjustments to the base scores that fired for the case's request and requester."""
    from ..present.templates import render_section

    rows = [
        {
            "id": r.id,
            "option": dataset.label(r.option),
            "lever": dataset.label(r.lever),
            "delta": f"{r.delta:+g}",
            "rationale": r.rationale,
        }
        for r in case.table(index).fired.itertuples()
    ]
    return render_section("explorer_adjustments", rows=rows)


def panel(context: PanelContext) -> FigurePanel:
    """The lever profile chart and the adjustments that fired."""
    from ..present import figures

    dataset = context.dataset
    return FigurePanel(
        context,
        "lever_profile",
        "Each option's score on each lever",
        lambda case, index: figures.lever_profile_figure(dataset, case.table(index)),
        key=lambda case, index: (table_key(case, index), tuple(case.table(index).fired["id"])),
        note=lambda case, index: adjustments_html(dataset, case, index),
        note_class="iv-adjustments",
    )


CAPABILITY = Capability(
    NAME,
    "Each option's lever profile",
    computed(NAME, answer),
    order=50,
    data_files=core_files("base_scores.csv", "adjustments.csv"),
    section=section,
    panel=panel,
)
