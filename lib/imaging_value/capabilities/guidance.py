"""National guidance checks: every option against DHSC (2019) and NHS England (2023)'s principles for the
requester, the options that break none, and the points to confirm for the best one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..engine.capability import Capability, View
from .common import computed, core_files, requester_entry

if TYPE_CHECKING:
    from ..engine.case import Case

__all__ = ["NAME", "CAPABILITY", "answer", "entry", "section"]

NAME = "guidance"


def entry(case: Case, index: int) -> dict[str, Any]:
    """The guidance checks worth a board's attention for one requester: every option's breaks and the
    winner's points to confirm, in ranking order; and the options that break no principle."""
    checks = case.guidance(index)
    order = list(case.ranking(index).order)
    shown = [
        c
        for c in sorted(checks, key=lambda c: (order.index(c.option), c.item))
        if c.status == "breaks" or c.status == "to confirm" and c.option == order[0]
    ]
    clean = [o for o in order if not any(c.option == o and c.status == "breaks" for c in checks)]
    return {
        **requester_entry(case.request, index),
        "checks": [
            {
                "option": c.option,
                "item": c.item,
                "status": c.status,
                "principle": c.principle,
                "why": c.reason,
                "source": c.source,
            }
            for c in shown
        ],
        "clean": clean,
    }


def answer(case: Case) -> dict:
    """Every requester's guidance entry, under the view's weights (which order the options)."""
    return {"request": case.request.id, "weights": case.weights, "results": [entry(case, i) for i in case.requesters]}


def section(view: View) -> str:
    """Per requester: the options that break no principle, then each break and point to confirm."""
    from ..present.templates import render_section

    dataset = view.case.dataset
    blocks = []
    for index in view.requesters:
        found = entry(view.case, index)
        blocks.append(
            {
                "heading": view.label(index),
                "clean": ", ".join(dataset.label(o) for o in found["clean"]) or "none",
                "checks": [
                    {
                        "option": dataset.label(r["option"]),
                        "status": r["status"],
                        "principle": r["principle"],
                        "why": r["why"],
                        "source": r["source"],
                        "css": "iv-flag" if r["status"] == "breaks" else "iv-ask",
                    }
                    for r in found["checks"]
                ],
            }
        )
    return render_section(NAME, blocks=blocks)


CAPABILITY = Capability(
    NAME,
    "National guidance checks",
    computed(NAME, answer),
    order=100,
    weighted=True,
    data_files=core_files("guidance.yaml"),
    section=section,
    in_explorer=False,
)
