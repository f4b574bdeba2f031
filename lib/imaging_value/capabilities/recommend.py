"""The decision tree's recommendation: per requester, the option the tree reaches and the path of answers to it
(one outcome per assumed answer to a fact the request leaves unstated)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..engine.capability import Capability, View
from ..present.panel import FigurePanel, PanelContext
from .common import computed, core_files, labeller, outcome_line, requester_entry

if TYPE_CHECKING:
    from ..engine.case import Case
    from ..framework.tree import Recommendation
    from ..model.data import Dataset

__all__ = ["NAME", "CAPABILITY", "answer", "text", "csv", "section", "panel", "path_html"]

NAME = "recommend"


def answer(case: Case) -> dict:
    """The tree's option per requester and outcome; exclusivity_months from its terms after the term rules."""
    dataset, request = case.dataset, case.request
    entries = []
    for index in case.requesters:
        for rec in case.recommendations(index):
            option = dataset.option(rec.option)
            entries.append(
                {
                    **requester_entry(request, index),
                    "option": rec.option,
                    "mechanisms": list(option.mechanisms),
                    "exclusivity_months": case.term_sheet(index, rec.option, rec.assumed).exclusivity_months,
                    "path": [step.to_dict() for step in rec.path],
                    "assumed": dict(rec.assumed),
                }
            )
    return {"request": request.id, "recommendations": entries}


def text(answer: dict) -> str:
    """Each outcome, then each step of its path with the step's rationale."""
    lines = []
    label = labeller(answer)
    for rec in answer["recommendations"]:
        lines.append(outcome_line(rec, label))
        lines += [
            f"    {step['question']} -> {str(step['answer']).replace('_', ' ')}: {step['rationale']}"
            for step in rec["path"]
        ]
    return "\n".join(lines)


def csv(dataset: Dataset, answer: dict) -> tuple[list[dict[str, Any]], list[str]]:
    """One row per requester and outcome, the path in one cell."""
    from .common import joined

    rows = [
        {
            "requester_index": r["requester_index"],
            "requester_kind": r["requester"]["kind"],
            "option": r["option"],
            "assumed": joined(r["assumed"]),
            "path": " > ".join(f"{s['question']} {s['answer']}" for s in r["path"]),
        }
        for r in answer["recommendations"]
    ]
    return rows, ["requester_index", "requester_kind", "option", "assumed", "path"]


def section(view: View) -> list[Any]:
    """The tree's outcomes per requester (template ``recommend.html.j2``), each with the tree drawn."""
    from ..present import figures
    from ..present.templates import render_section

    case = view.case
    dataset = case.dataset
    items: list[Any] = [render_section(NAME, part="intro")]
    for index in view.requesters:
        recs = case.recommendations(index)
        outcomes = []
        for rec in recs:
            option = dataset.option(rec.option)
            outcomes.append(
                {
                    "label": option.label,
                    "id": option.id,
                    "mechanisms": ", ".join(option.mechanisms),
                    "exclusivity": f"{case.term_sheet(index, rec.option, rec.assumed).exclusivity_months:g}",
                    "assumed": ", ".join(f"{k} = {v}" for k, v in rec.assumed.items()),
                    "steps": [
                        {"question": s.question, "answer": s.answer, "assumed": s.assumed, "rationale": s.rationale}
                        for s in rec.path
                    ],
                }
            )
        items.append(render_section(NAME, part="requester", heading=view.label(index), outcomes=outcomes))
        items.append(figures.tree_figure(dataset, recs, title=f"Decision tree: {view.label(index)}"))
    return items


def path_html(dataset: Dataset, recommendations: list[Recommendation]) -> str:
    """Each outcome of the tree: the option, the values it assumed, and the steps with their rationales."""
    from ..present.templates import render_section

    outcomes = [
        {
            "label": dataset.label(rec.option),
            "assumed": "; ".join(
                f"{k.replace('_', ' ')} = {' or '.join(v) if isinstance(v, list) else v}"
                for k, v in rec.assumed.items()
            ),
            "steps": rec.path,
        }
        for rec in recommendations
    ]
    return render_section("explorer_path", outcomes=outcomes)


def panel(context: PanelContext) -> FigurePanel:
    """The tree with the path to its option, redrawn when the tree's outcomes change."""
    from ..present import figures

    dataset = context.dataset
    return FigurePanel(
        context,
        "tree",
        "Decision tree: the recommended option and the path to it",
        lambda case, index: figures.tree_figure(dataset, case.recommendations(index)),
        key=lambda case, index: case.recommendations(index),
        note=lambda case, index: path_html(dataset, case.recommendations(index)),
        note_class="iv-path",
    )


CAPABILITY = Capability(
    NAME,
    "The decision tree's recommendation",
    computed(NAME, answer),
    order=30,
    data_files=core_files("decision_tree.yaml", "options.yaml"),
    section=section,
    panel=panel,
    command=NAME,
    help="the decision tree's recommendation and its path, per requester",
    text=text,
    export=NAME,
    csv=csv,
)
