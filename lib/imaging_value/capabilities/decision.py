"""The decision first: a one-screen summary per requester, in plain English, for a board to sign from.

Built from the case's answers (the agreements with their reconciliation record, the ranking, the
alignment, the split); rendered by ``templates/sections/decision.html.j2``. Labels, never
ids; every judgement carries its source tag; requesters whose answers are
identical are shown once, with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..engine.case import Case
    from ..framework.agreement import Agreement
    from ..model.data import Dataset
    from ..model.schema import Request

from ..core.defaults import DEFAULT_TOTAL
from ..core.wording import join_words, money, order_sentence, requester_groups, source_tag, term_label, term_value
from ..engine.capability import Capability, View
from .common import computed, requester_entry
from .terms import rule_source

__all__ = [
    "NAME",
    "CAPABILITY",
    "answer",
    "text",
    "section",
    "groups",
    "view_name",
    "answer_fingerprint",
    "identical_requesters",
    "value_fingerprint",
    "same_answer_sentence",
    "decision_context",
    "DEFAULT_TOTAL",
    "short_principle",
]

_FACT_WORDS = {
    "profit_stage": "profit stage",
    "curation": "curation",
    "temporality": "temporality",
    "kind": "requester kind",
    "deidentification": "de-identification",
}


def _words(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return " or ".join(_words(v) for v in value)
    return str(value).replace("_", "-" if str(value) in ("pre_profit", "profit_generating") else " ")


def answer_fingerprint(agreements: Sequence[Agreement], matrix: Any, value: Any = None) -> tuple:
    """What a requester's answer is made of: every agreement (option, facts assumed, terms, compliance), the
    score table and what its valuation prices (``value``: :func:`value_fingerprint`). Two requesters with equal
    fingerprints get the same answer, the value included."""
    return (
        value,
        tuple(
            (
                a.option,
                tuple(sorted((k, str(v)) for k, v in a.assumed.items())),
                tuple((t.term, str(t.value)) for t in a.sheet.terms),
                tuple((c.item, c.status) for c in a.compliance),
                tuple(d.profile for d in a.dissent),
            )
            for a in agreements
        ),
        tuple(round(float(x), 9) for x in matrix.ravel()),
    )


def identical_requesters(
    indices: Sequence[int],
    agreements: Mapping[int, Sequence[Agreement]],
    matrices: Mapping[int, Any],
    values: Mapping[int, Any] | None = None,
) -> dict[int, tuple[int, ...]]:
    """{first requester: every requester with the identical answer} (``values``: each one's
    :func:`value_fingerprint`, so requesters whose valuations differ are shown apart)."""
    return requester_groups(
        indices,
        {i: answer_fingerprint(agreements[i], matrices[i], (values or {}).get(i)) for i in indices},
    )


def value_fingerprint(case: Case, index: int) -> Any:
    """What the requester's valuation prices, per agreement to sign (terms, assumptions, contribution share): equal
    for two requesters exactly when every figure of their valuations is equal (None without valuation.yaml)."""
    spec = case.dataset.valuation
    if spec is None:
        return None
    from ..framework.appraisal import pricing_inputs

    return tuple(
        repr(pricing_inputs(case.dataset, spec, case.request, index, assumed=a.assumed).key())
        for a in case.agreements(index)
    )


def _people(indices: Sequence[int]) -> str:
    numbers = [str(i + 1) for i in indices]
    return ("Requester " if len(numbers) == 1 else "Requesters ") + join_words(numbers)


def same_answer_sentence(request: Request, members: Sequence[int]) -> str:
    """'Requesters 2 and 3 get the same answer because ...', naming what they share and what differs."""
    if len(members) < 2:
        return ""
    people = [request.requester(i) for i in members]
    first = people[0]
    shared = [f"{first.kind.replace('_', ' ')}"]
    shared.append(f"profit stage {_words(first.profit_stage)}" if first.profit_stage else "no profit stage")
    differ = [
        name
        for name, get in (("name", lambda q: q.name), ("sector", lambda q: q.sector), ("staff", lambda q: q.staff))
        if len({get(q) for q in people}) > 1
    ]
    return (
        f"{_people(members)} get the same answer because they are the same kind of requester "
        f"({', '.join(shared)}) asking for the same data, and no score, rule, term or value here depends on "
        f"what sets them apart ({join_words(differ) or 'nothing'}); they are reported once."
    )


def short_principle(principle: str, source: str) -> str:
    """'DHSC 2019 principle 2' for a numbered principle; the principle's own sentence otherwise."""
    numbered = re.match(r"Principle (\d+):", principle)
    if numbered:
        return f"{source_tag(source).name} principle {numbered.group(1)}"
    return principle.rstrip(".")


def _condition(assumed: Mapping[str, Any]) -> str:
    return "If " + join_words([f"{_FACT_WORDS.get(k, k.replace('_', ' '))} is {_words(v)}" for k, v in assumed.items()])


def _labels(dataset: Dataset) -> dict[str, str]:
    spec = dataset.agreement
    labels = {}
    for group in ("milestone_events", "in_kind_services"):
        for item in getattr(spec, group, ()):
            labels[item.id] = item.label
    return labels


def _outcome(dataset: Dataset, agreement: Agreement, multiple: bool) -> dict[str, Any]:
    labels = _labels(dataset)
    terms = [
        {"label": term_label(t.term, labels), "value": term_value(t.value, t.unit), "source": t.source}
        for t in agreement.sheet.terms
    ]
    meets = [c for c in agreement.compliance if c.status == "meets"]
    departs = [
        {"principle": short_principle(c.principle, c.source), "reason": c.reason, "source": c.source}
        for c in agreement.compliance
        if c.status == "departs"
    ]
    confirm = [c for c in agreement.compliance if c.status == "to_confirm"]
    sentence = (
        f"meets {len(meets)} of the {len(agreement.compliance)} national principles checked"
        + (f"; departs from {len(departs)} (below), which the board must accept" if departs else "")
        + (f"; {len(confirm)} to confirm before signing (below)" if confirm else "")
        + "."
    )
    return {
        "condition": _condition(agreement.assumed) if multiple and agreement.assumed else "",
        "label": dataset.option(agreement.option).label,
        "why": _explain(dataset, agreement),
        "why_source": rule_source(dataset, agreement),
        "terms": terms,
        "compliance_sentence": sentence,
        "compliance_sources": list(dict.fromkeys(c.source.split(",")[0] for c in agreement.compliance)),
        "departs": departs,
    }


def _merged(outcomes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Outcomes that sign the same terms are shown once, their conditions joined with 'or'."""
    merged: list[dict[str, Any]] = []
    for outcome in outcomes:
        same = next(
            (
                m
                for m in merged
                if m["label"] == outcome["label"]
                and m["terms"] == outcome["terms"]
                and m["departs"] == outcome["departs"]
            ),
            None,
        )
        if same is None:
            merged.append(dict(outcome))
        elif outcome["condition"]:
            same["condition"] += "; or " + outcome["condition"][0].lower() + outcome["condition"][1:]
    return merged


def _matrix(outcomes: list[dict[str, Any]]) -> dict[str, Any]:
    """One term sheet per outcome side by side: a row per term, a column per outcome ('' where a term is absent)."""
    labels: list[str] = []
    for outcome in outcomes:
        labels += [t["label"] for t in outcome["terms"] if t["label"] not in labels]
    rows = []
    for label in labels:
        cells = [next((t for t in o["terms"] if t["label"] == label), None) for o in outcomes]
        rows.append(
            {
                "label": label,
                "values": [c["value"] if c else "" for c in cells],
                "sources": list(dict.fromkeys(c["source"] for c in cells if c)),
            }
        )
    return {"columns": [f"{o['condition']}: {o['label']}" for o in outcomes], "rows": rows}


def decision_context(case: Case, groups: Mapping[int, Sequence[int]]) -> dict[str, Any]:
    """Everything ``decision.html.j2`` shows, per group of requesters with identical answers."""
    dataset, request, total = case.dataset, case.request, case.total
    sites_assumed = case.split()[0].assumed
    profile_given = case.profile is not None or case.raw_weights is not None
    view = view_name(case)
    out = []
    for first, members in groups.items():
        results = list(case.agreements(first))
        ranking, alignment = case.ranking(first), case.alignment(first)
        multiple = len(results) > 1
        requester = request.requester(first)
        title = f"{_people(members)}: " + "; ".join(request.requester(i).label() for i in members)
        unstated = join_words(
            list(dict.fromkeys(_FACT_WORDS.get(k, k.replace("_", " ")) for a in results for k in a.assumed))
        )
        confirm: list[dict[str, str]] = []
        if multiple:
            confirm.append(
                {
                    "text": f"The {unstated}: the agreement to sign changes with it (one answer per value above).",
                    "source": "",
                }
            )
        for a in results:
            for c in a.compliance:
                if c.status == "to_confirm":
                    text = f"{short_principle(c.principle, c.source)}: {c.reason}" if c.reason else c.principle
                    if all(item["text"] != text for item in confirm):
                        confirm.append({"text": text, "source": c.source})
        if any(t.term == "access_fee" for a in results for t in a.sheet.terms) and any(
            a.sheet.cost.items_assumed for a in results
        ):
            confirm.append(
                {
                    "text": "The number of images per site: the access fee assumes typical collections by "
                    "site kind (site_defaults.csv).",
                    "source": "this framework's reading",
                }
            )
        if sites_assumed:
            confirm.append(
                {
                    "text": "Each site's images and curation effort: the split among sites assumes them by site kind.",
                    "source": "this framework's reading",
                }
            )
        if float(total) == DEFAULT_TOTAL:
            confirm.append(
                {
                    "text": f"The total to share among sites: {money(total)} is an illustrative default, "
                    f"not a figure from the request.",
                    "source": "",
                }
            )
        if not profile_given:
            confirm.append(
                {
                    "text": "Whose view ranks the options: no stakeholder profile or weights were given, so "
                    "every lever weighs the same (the default).",
                    "source": "",
                }
            )
        dissent = {}
        for a in results:
            for d in a.dissent:
                dissent.setdefault(d.label, (d.rank, d.of, dataset.option(d.prefers).label))
        if dissent:
            alike: dict[tuple, list[str]] = {}
            for name, key in dissent.items():
                alike.setdefault(key, []).append(name)
            disagree = (
                "; ".join(
                    f"{join_words(names)} rank{'s' if len(names) == 1 else ''} the agreement "
                    f"{rank} of {of} and would choose {prefers}"
                    for (rank, of, prefers), names in alike.items()
                )
                + "."
            )
        else:
            disagree = "No stakeholder view ranks the agreement in its bottom half."
        spread = max(alignment.disagreement.values())
        if spread:
            ranks = alignment.rank_table
            contested = [o for o, s in alignment.disagreement.items() if s == spread]
            disagree += (
                " They disagree most about "
                + join_words(
                    [
                        f"{dataset.option(o).label} (ranked {int(ranks.loc[o].min())} to {int(ranks.loc[o].max())})"
                        for o in contested
                    ]
                )
                + "."
            )
        totals = ranking.totals
        order = order_sentence([(dataset.option(o).label, totals[o]) for o in ranking.order])
        outcomes = _merged([_outcome(dataset, a, multiple) for a in results])
        out.append(
            {
                "title": title,
                "matrix": _matrix(outcomes) if len(outcomes) > 1 else None,
                "guidance": list(
                    dict.fromkeys(
                        (o["label"], o["compliance_sentence"], tuple(o["compliance_sources"])) for o in outcomes
                    )
                ),
                "same": same_answer_sentence(request, members),
                "outcomes": outcomes,
                "unstated": unstated,
                "confirm": confirm,
                "disagree": disagree,
                "disagree_source": "this framework's reading",
                "view": view,
                "order": order,
                "order_source": "this framework's reading",
                "kind": requester.kind,
            }
        )
    intro = ""
    if len(groups) > 1 or any(len(m) > 1 for m in groups.values()):
        intro = (
            f"{sum(len(m) for m in groups.values())} requesters; {len(groups)} distinct answer"
            f"{'s' if len(groups) != 1 else ''} below, one per page when printed."
        )
    return {"groups": out, "intro": intro}


NAME = "decision"


def _explain(dataset: Dataset, agreement: Agreement) -> str:
    """Why the agreement was chosen, as a board reads it (from the reconciliation record, without rule ids)."""
    from ..framework.agreement import explain

    return explain(dataset, agreement.reconciliation, rule_ids=False)


def groups(case: Case) -> dict[int, tuple[int, ...]]:
    """{first requester: every requester of the case with the identical answer} (each group is shown once)."""
    indices = case.requesters
    return identical_requesters(
        indices,
        {i: case.agreements(i) for i in indices},
        {i: case.table(i).matrix for i in indices},
        {i: value_fingerprint(case, i) for i in indices},
    )


def view_name(case: Case) -> str:
    """Whose view ranks the options, in words: a profile's label, the weights given, or the default."""
    if case.profile is not None:
        return case.dataset.profile(case.profile).label + " weights"
    return "the weights given" if case.raw_weights is not None else "equal weights, the default"


def answer(case: Case) -> dict:
    """The decision as a record, per group of requesters with identical answers: each agreement to sign (the
    option, the rule that set it, the facts it assumes, each principle's status), what to confirm, the dissent."""
    out = []
    for first, members in groups(case).items():
        outcomes = []
        for a in case.agreements(first):
            outcomes.append(
                {
                    "option": a.option,
                    "label": case.dataset.label(a.option),
                    "rule": a.rule,
                    "reconciliation": a.reconciliation.to_dict(),
                    "assumed": dict(a.assumed),
                    "why": _explain(case.dataset, a),
                    "departs": [c.item for c in a.compliance if c.status == "departs"],
                    "to_confirm": [c.item for c in a.compliance if c.status == "to_confirm"],
                    "meets": [c.item for c in a.compliance if c.status == "meets"],
                    "dissent": [d.to_dict() for d in a.dissent],
                }
            )
        out.append({**requester_entry(case.request, first), "requesters": list(members), "outcomes": outcomes})
    return {"request": case.request.id, "view": view_name(case), "groups": out}


def text(answer: dict) -> str:
    """The decision in plain words, one paragraph per group of requesters (numbered from 1)."""
    lines = [f"Options ranked by {answer['view']}."]
    for group in answer["groups"]:
        who = ", ".join(str(i + 1) for i in group["requesters"])
        lines.append(f"Requester{'s' if len(group['requesters']) > 1 else ''} {who}:")
        for o in group["outcomes"]:
            condition = ", ".join(f"{k} is {v}" for k, v in o["assumed"].items())
            lines.append(f"  {'If ' + condition + ': ' if condition else ''}sign {o['label']}. {o['why']}")
            lines.append(
                f"    meets {len(o['meets'])} of {len(o['meets']) + len(o['departs']) + len(o['to_confirm'])}"
                f" national principles; departs from {len(o['departs'])}; {len(o['to_confirm'])} to confirm"
            )
            for d in o["dissent"]:
                lines.append(f"    {d['label']} ranks it {d['rank']} of {d['of']}")
    return "\n".join(lines)


def section(view: View) -> str:
    """The decision first: one block per group of requesters (``decision.html.j2``)."""
    from ..present.templates import render_section

    case = view.case
    shown = {first: members for first, members in groups(case).items() if first in view.requesters}
    return render_section(NAME, **decision_context(case, shown))


CAPABILITY = Capability(
    NAME,
    "The decision",
    computed(NAME, answer),
    order=-10,
    weighted=True,
    section=section,
    in_report=False,
    in_explorer=False,
    command=NAME,
    help="the decision per requester in plain words: what to sign, why, what to confirm, who dissents",
    options=("requester", "weights"),
    text=text,
    export=NAME,
)
