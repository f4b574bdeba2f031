"""National guidance checks: every option against DHSC (2019) and NHS England (2023)'s principles for the
requester (the proportionate share priced), per decision-tree outcome, the options that break none, and the points
to confirm for the agreement to sign."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..engine.capability import Capability, View
from .common import computed, core_files, requester_entry

if TYPE_CHECKING:
    from ..engine.case import Case

__all__ = ["NAME", "CAPABILITY", "answer", "entry", "section"]

NAME = "guidance"


def entry(case: Case, index: int) -> dict[str, Any]:
    """The guidance checks worth a board's attention for one requester, per decision-tree outcome: every option's
    breaks (the priced proportionate share included) and the agreement to sign's points to confirm, in ranking
    order; and the options that break no principle in any outcome."""
    order = list(case.ranking(index).order)
    shown = []
    broken: set[str] = set()
    for agreement in case.agreements(index):
        checks = case.priced_guidance(index, agreement.assumed)
        broken |= {c.option for c in checks if c.status == "breaks"}
        for c in sorted(checks, key=lambda c: (c.option != agreement.option, order.index(c.option), c.item)):
            if c.status == "breaks" or c.status == "to confirm" and c.option == agreement.option:
                shown.append((agreement, c))
    clean = [o for o in order if o not in broken]
    return {
        **requester_entry(case.request, index),
        "checks": [
            {
                "option": c.option,
                "agreement": c.option == a.option,
                "assumed": dict(a.assumed),
                "item": c.item,
                "status": c.status,
                "principle": c.principle,
                "why": c.reason,
                "source": c.source,
            }
            for a, c in shown
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
                        "option": dataset.label(r["option"])
                        + (" (the agreement to sign)" if r["agreement"] else "")
                        + (" if " + ", ".join(f"{k} = {v}" for k, v in r["assumed"].items()) if r["assumed"] else ""),
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
