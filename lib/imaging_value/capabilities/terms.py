"""The agreement to sign: per requester (and per tree outcome), the reconciled option's term sheet, each national
principle's status, why it was chosen (the reconciliation rule) and the stakeholder views that dissent."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..engine.capability import Capability, View
from ..present.panel import HtmlPanel, PanelContext
from .common import computed, core_files, joined, labeller, outcome_line

if TYPE_CHECKING:
    from ..engine.case import Case
    from ..framework.agreement import Agreement
    from ..model.data import Dataset

__all__ = ["NAME", "CAPABILITY", "answer", "text", "csv", "results", "rule_source", "section", "panel", "zone_position"]

NAME = "terms"


def answer(case: Case) -> dict:
    """The agreement to sign per requester (one result per decision-tree outcome), with its terms,
    each national principle's status, the reconciliation and the dissent."""
    return {
        "request": case.request.id,
        "results": [a.to_dict() for index in case.requesters for a in case.agreements(index)],
    }


def text(answer: dict) -> str:
    """Each agreement: how it was chosen, its terms with their sources, what departs or is to confirm, dissent."""
    from ..core.wording import status_word, term_label, term_value

    label = labeller(answer)
    lines = []
    for entry in answer["results"]:
        lines.append(outcome_line(entry, label))
        lines.append(
            f"  tree: {label(entry['tree_option'])}; best weighted value: {label(entry['best_weighted'])}; "
            f"win:win: {label(entry['win_win'])}"
        )
        lines.append(f"  why: {entry['why']}")
        for term in entry["terms"]:
            lines.append(
                f"    {term_label(term['term']):42} {term_value(term['value'], term['unit'])}"
                + f"  [{', '.join(term['set_by'])}; {term['source']}]"
            )
        for item in entry["compliance"]:
            if item["status"] not in ("meets", "not_applicable"):
                lines.append(
                    f"  {status_word(item['status'])}: {item['principle']} ({item['source']}): {item['reason']}"
                )
        absent = sum(1 for item in entry["compliance"] if item["status"] == "not_applicable")
        if absent:
            lines.append(f"  not applicable: {absent} principle{'s' if absent != 1 else ''} (see --json)")
        for view in entry["dissent"]:
            lines.append(
                f"  dissent: {view['label']} ranks it {view['rank']} of {view['of']} (prefers {label(view['prefers'])})"
            )
    return "\n".join(lines)


def csv(dataset: Dataset, answer: dict) -> tuple[list[dict[str, Any]], list[str]]:
    """One row per requester, outcome and term."""
    rows = [
        {
            "requester_index": r["requester_index"],
            "requester_kind": r["requester"]["kind"],
            "assumed": joined(r["assumed"]),
            "option": r["option"],
            "term": t["term"],
            "value": t["value"],
            "unit": t["unit"],
            "set_by": ";".join(t["set_by"]),
            "source": t["source"],
            "rationale": t["rationale"],
        }
        for r in answer["results"]
        for t in r["terms"]
    ]
    return rows, [
        "requester_index",
        "requester_kind",
        "assumed",
        "option",
        "term",
        "value",
        "unit",
        "set_by",
        "source",
        "rationale",
    ]


def rule_source(dataset: Dataset, agreement: Agreement) -> str:
    """The source of the reconciliation rule that decided the agreement."""
    spec = dataset.agreement.reconciliation
    rules: dict[str, Any] = {spec.default.id: spec.default, spec.replacement.id: spec.replacement}
    rules.update({o.id: o for o in spec.overrides})
    rule = rules.get(agreement.rule)
    return getattr(rule, "source", None) or "this framework's reading"


def results(dataset: Dataset, agreements: Sequence[Agreement]) -> list[dict[str, Any]]:
    """The section's rows for one requester's agreements (one per decision-tree outcome)."""
    from ..core.wording import status_word, term_value

    css = {"meets": "iv-ok", "departs": "iv-flag", "to_confirm": "iv-ask", "not_applicable": "iv-muted"}
    return [
        {
            "option": a.option,
            "label": dataset.label(a.option),
            "assumed": ", ".join(f"{k} = {v}" for k, v in a.assumed.items()),
            "tree": dataset.label(a.tree_option),
            "best": dataset.label(a.best_weighted),
            "win_win": dataset.label(a.win_win),
            "why": a.why,
            "why_source": rule_source(dataset, a),
            "terms": [
                {
                    "term": t.term,
                    "value": term_value(t.value, t.unit),
                    "unit": "" if t.unit == "text" else t.unit,
                    "set_by": ", ".join(t.set_by),
                    "rationale": t.rationale,
                    "source": t.source,
                }
                for t in a.sheet.terms
            ],
            "removed": ", ".join(f"{term} ({rule})" for term, rule in a.sheet.removed),
            "compliance": [
                {
                    "principle": c.principle,
                    "status": status_word(c.status),
                    "css": css[c.status],
                    "reason": c.reason,
                    "source": c.source,
                }
                for c in a.compliance
            ],
            "dissent": [d.to_dict() | {"prefers": dataset.label(d.prefers)} for d in a.dissent],
        }
        for a in agreements
    ]


_POSITIONS: dict[tuple, str] = {}  # the zone sentence of a term sheet seen before (it does not follow the weights)


def zone_position(case: Case, index: int, agreement: Agreement) -> str:
    """How far the agreement's term sheet, assessed as an offer, sits inside the zone of agreement ('' where the
    data folder has no negotiation assumptions)."""
    from ..framework.negotiation import agreement_position, position_sentence

    request = case.request_or_raise()
    key = (
        id(case.dataset),
        request.model_dump_json(),
        index,
        agreement.option,
        tuple(sorted((k, str(v)) for k, v in agreement.assumed.items())),
        case.seed,
    )
    if key not in _POSITIONS:
        branch = agreement_position(case.dataset, request, index, agreement.sheet, agreement.assumed, seed=case.seed)
        if len(_POSITIONS) > 512:
            _POSITIONS.clear()
        _POSITIONS[key] = "" if branch is None else position_sentence(branch)
    return _POSITIONS[key]


def section(view: View) -> str:
    """The agreement to sign per requester: terms, national principles and dissent (``terms.html.j2``), and how
    far each term sheet sits inside the zone of agreement."""
    from ..present.templates import render_section

    case = view.case
    blocks = []
    for index in view.requesters:
        agreements = case.agreements(index)
        rows = results(case.dataset, agreements)
        for row, agreement in zip(rows, agreements):
            row["zone"] = zone_position(case, index, agreement) if case.dataset.valuation is not None else ""
        blocks.append({"title": view.label(index), "results": rows})
    return render_section(NAME, blocks=blocks, glossary=case.dataset.glossary)


def panel(context: PanelContext) -> HtmlPanel:
    """The agreement to sign under the sliders' weights, as the report's section shows it."""

    def make(case: Case, index: int) -> str:
        view = View(case, (index,), lambda i: case.request.requesters[i].label())
        return section(view)

    return HtmlPanel("iv-agreement", None, make, weighted=True)


CAPABILITY = Capability(
    NAME,
    "The agreement to sign",
    computed(NAME, answer),
    order=10,
    weighted=True,
    data_files=core_files("terms.yaml", "costs.csv", "term_rules.yaml", "reconciliation.yaml", "guidance.yaml"),
    section=section,
    panel=panel,
    command=NAME,
    help="the agreement to sign per requester: terms, national principles, dissent",
    options=("requester", "weights"),
    text=text,
    export=NAME,
    csv=csv,
)
