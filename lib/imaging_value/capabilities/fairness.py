"""Fairness questions: fairness.yaml's answers to the themes the report's interviews raised, for each requester,
and the status of each fairness recommendation the report cites for the agreement it is recommended."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..engine.capability import Capability, View
from .common import computed, core_files, requester_entry

if TYPE_CHECKING:
    from ..engine.case import Case

__all__ = ["NAME", "CAPABILITY", "answer", "entry", "context", "section"]

NAME = "fairness"

_RECOMMENDATION_STATUS = {
    "breaks": "not met",
    "meets": "met",
    "to confirm": "to confirm",
    "not applicable": "not applicable",
}
_STATUS_CSS = {"not met": "iv-flag", "met": "iv-ok", "to confirm": "iv-ask"}


def context(case: Case, index: int) -> dict[str, Any]:
    """The values fairness.yaml's answers may name: the recommended option, the consensus, the win:win, ..."""
    dataset = case.dataset
    ranking, alignment = case.ranking(index), case.alignment(index)
    recs = case.recommendations(index)
    signed = {a.option for a in case.agreements(index)}
    recommended = signed.pop() if len(signed) == 1 else ranking.winner
    sheet = case.term_sheets(index)[recommended]
    firsts = [order[0] for order in alignment.rankings.values()]
    consensus = max(set(firsts), key=firsts.count)
    patients = alignment.rankings.get("patients_public", [])
    requester = case.request.requester(index)
    return {
        "recommended": dataset.label(recommended),
        "recommended_id": recommended,
        "exclusivity_months": f"{sheet.exclusivity_months:g}",
        "embargo_months": f"{sheet.value('embargo_months', 0):g}",
        "outcomes": "; ".join(
            f"{r.option} if " + ", ".join(f"{k}={v}" for k, v in r.assumed.items()) for r in recs if r.assumed
        )
        or "one outcome",
        "staff": requester.staff,
        "profile_count": len(alignment.profiles),
        "agree_count": firsts.count(consensus),
        "consensus": dataset.label(consensus),
        "win_win": dataset.label(alignment.win_win),
        "worst_case": f"{alignment.worst_case[alignment.win_win]:.0%}",
        "pareto": ", ".join(dataset.label(o) for o in alignment.pareto),
        "patients_first": dataset.label(patients[0]) if patients else "(no such profile)",
        "patients_rank_of_recommended": (
            f"{patients.index(recommended) + 1} of {len(patients)}" if recommended in patients else "(no such profile)"
        ),
    }


def entry(case: Case, index: int) -> dict[str, Any]:
    """fairness.yaml's answers to the report's open questions for one requester, and the status of each
    fairness recommendation for the option it is recommended."""
    from ..model.conditions import facts_for, fill_reason

    dataset, request = case.dataset, case.request
    values = context(case, index)
    facts = facts_for(request, request.requester(index), dataset.derived_facts)
    questions = []
    for theme in dataset.fairness.themes:
        found = theme.answer(facts)
        text = fill_reason(found.text, values) if found else "No answer in fairness.yaml for this case."
        questions.append(
            {
                "question": theme.question,
                "section": theme.section,
                "answer": text,
                "source": "this framework's reading",
            }
        )
    recommendations = []
    winner = values["recommended_id"]
    for rec in dataset.fairness.recommendations:
        if rec.guidance is not None:
            check = next(c for c in case.guidance(index) if c.option == winner and c.item == rec.guidance)
            status, text = _RECOMMENDATION_STATUS[check.status], check.reason or check.principle
        else:
            status, text = "statement", fill_reason(rec.statement or "", values)
        recommendations.append({"recommendation": rec.text, "status": status, "how": text, "source": rec.source})
    return {
        **requester_entry(request, index),
        "recommended": winner,
        "questions": questions,
        "recommendations": recommendations,
    }


def answer(case: Case) -> dict:
    """Every requester's fairness entry."""
    return {"request": case.request.id, "results": [entry(case, i) for i in case.requesters]}


def section(view: View) -> str:
    """Per requester: the open questions with this framework's answers, and the recommendations' statuses."""
    from ..core.wording import count_word
    from ..present.templates import render_section

    blocks = []
    for index in view.requesters:
        found = entry(view.case, index)
        blocks.append(
            {
                "heading": view.label(index),
                "questions": [
                    {
                        "the report's open question": q["question"],
                        "this framework's answer": q["answer"],
                        "source": q["source"],
                    }
                    for q in found["questions"]
                ],
                "recommendations": [{**r, "css": _STATUS_CSS.get(r["status"], "")} for r in found["recommendations"]],
                "count": count_word(len(found["recommendations"])),
            }
        )
    return render_section(NAME, blocks=blocks)


CAPABILITY = Capability(
    NAME,
    "Fairness questions",
    computed(NAME, answer),
    order=90,
    weighted=True,
    data_files=core_files("fairness.yaml"),
    section=section,
    in_explorer=False,
)
