"""Weight stability: how far each lever's weight can move (the others rescaled in proportion) before the winner
changes. Its chart is drawn in the acceptability section, beside rank acceptability."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..engine.capability import Capability
from ..present.panel import FigurePanel, PanelContext, table_key
from .common import computed, labeller, requester_entry, who

if TYPE_CHECKING:
    from ..engine.case import Case

__all__ = ["NAME", "CAPABILITY", "answer", "text", "panel"]

NAME = "stability"


def answer(case: Case) -> dict:
    """Per requester, the winner under the view's weights and each lever's range."""
    results = []
    for index in case.requesters:
        result = case.stability(index).to_dict()
        results.append({**requester_entry(case.request, index), "winner": result["winner"], "levers": result["levers"]})
    return {"request": case.request.id, "weights": case.weights, "results": results}


def text(answer: dict) -> str:
    """Each lever's range over which the winner stays first, and who takes over below and above it."""
    label = labeller(answer)
    lines = []
    for entry in answer["results"]:
        lines.append(f"{who(entry)}: winner {label(entry['winner'])}")
        for row in entry["levers"]:
            below = label(row["taker_below"]) if row["taker_below"] else "-"
            above = label(row["taker_above"]) if row["taker_above"] else "-"
            lines.append(
                f"  {label(row['lever']):22} weight {row['weight']:.3f} stays best on [{row['lower']:.3f}, "
                f"{row['upper']:.3f}]; below: {below}; above: {above}"
            )
    return "\n".join(lines)


def panel(context: PanelContext) -> FigurePanel:
    """The stability chart under the sliders' weights."""
    from ..present import figures

    dataset = context.dataset
    return FigurePanel(
        context,
        "stability",
        "How far each weight can move before the winner changes",
        lambda case, index: figures.stability_figure(dataset, case.stability(index)),
        key=table_key,
        weighted=True,
    )


CAPABILITY = Capability(
    NAME,
    "Weight stability",
    computed(NAME, answer),
    order=75,
    weighted=True,
    in_report=False,
    panel=panel,
    command=NAME,
    help="how far each lever's weight can move before the winner changes",
    options=("requester", "weights"),
    text=text,
)
