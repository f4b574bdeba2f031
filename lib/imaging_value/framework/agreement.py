"""One agreement to sign per requester: compliance of term sheets, and the reconciliation rule.

For each outcome of the decision tree (one, or one per assumed answer to an
unstated fact) the candidate options' term sheets are checked against every
national principle (meets, departs with the reason a person must accept, or
to_confirm; NHS England's proportionate share on the priced terms, where a valuation is given), and
against what the framework's own judgements rule out for the same facts (an adjustment marked
``rules_out`` that fires, a fairness answer's ``forbids``): an option that fits breaks none of them.
The reconciliation rule in ``reconciliation.yaml`` then chooses between the tree's option, the best
option by weighted value and the win:win option: the tree's option stands unless an override holds
and some other option meets what that override asks (a compliant option where the tree's departs, a
fitting one where it does not fit, an option that beats it under every view where one does).
The dissent (stakeholder views that rank the choice low) is kept.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..maths.alignment import AlignmentResult
from ..model.conditions import all_hold, facts_for, holds
from ..model.data import Dataset
from ..model.schema import Request
from .guidance import GuidanceCheck, check_guidance
from .scoring import Ranking
from .terms import TermSheet, option_facts, term_sheets, with_assumed
from .tree import Recommendation

__all__ = [
    "Reconciliation",
    "explain",
    "assumption_sentence",
    "PrincipleStatus",
    "Dissent",
    "Candidate",
    "Agreement",
    "compliance",
    "agreements",
    "principle_names",
    "unfit_reasons",
    "STATUSES",
]

STATUSES = ("meets", "departs", "to_confirm", "not_applicable")
_STATUS = {"meets": "meets", "not applicable": "not_applicable", "breaks": "departs", "to confirm": "to_confirm"}


@dataclass(frozen=True)
class PrincipleStatus:
    """One national principle on one term sheet: meets, departs (with the reason), to_confirm or not_applicable
    (the principle does not apply to this request and requester)."""

    item: str
    principle: str
    source: str
    status: str  # one of STATUSES
    reason: str
    automatic: bool  # False: decided by a person (the request file cannot decide it)

    def to_dict(self) -> dict[str, str]:
        """The status as JSON: principle, source, status and reason."""
        return {"principle": self.principle, "source": self.source, "status": self.status, "reason": self.reason}


def compliance(dataset: Dataset, checks: list[GuidanceCheck], option: str) -> tuple[PrincipleStatus, ...]:
    """Every principle's status for one option, from its guidance checks (run on its terms after the rules)."""
    manual = {item.id for item in dataset.guidance if item.check == "manual"}
    statuses = []
    for check in checks:
        if check.option != option:
            continue
        reason = check.reason if check.status != "not applicable" else "does not apply to this request and requester"
        statuses.append(
            PrincipleStatus(
                check.item, check.principle, check.source, _STATUS[check.status], reason, check.item not in manual
            )
        )
    return tuple(statuses)


@dataclass(frozen=True)
class Dissent:
    """A stakeholder view that ranks the chosen agreement low, and what it would choose instead."""

    profile: str
    label: str
    rank: int
    of: int
    prefers: str

    def to_dict(self) -> dict[str, Any]:
        """The dissent as JSON."""
        return {"profile": self.profile, "label": self.label, "rank": self.rank, "of": self.of, "prefers": self.prefers}


@dataclass(frozen=True)
class Candidate:
    """One option as the reconciliation saw it (the intermediate table)."""

    option: str
    weighted_value: float
    worst_case: float
    in_pareto: bool
    departs: tuple[str, ...]  # automatic principles (item ids) its terms depart from after the rules
    unfit: tuple[str, ...] = ()  # what rules it out for these facts: adjustment ids, "fairness:<theme>"

    @property
    def compliant(self) -> bool:
        """True where the option's terms depart from no automatic principle."""
        return not self.departs

    @property
    def fits(self) -> bool:
        """Whether the candidate fits the request (no unfit reason)."""
        return not self.unfit

    def to_dict(self) -> dict[str, Any]:
        """The candidate as JSON."""
        return {
            "option": self.option,
            "weighted_value": self.weighted_value,
            "worst_case": self.worst_case,
            "in_pareto": self.in_pareto,
            "departs": list(self.departs),
            "unfit": list(self.unfit),
        }


@dataclass(frozen=True)
class Reconciliation:
    """How the reconciliation rule chose the agreement: the working a report shows, as a record.

    :func:`explain` says it in words (with the rules' ids for the working, without them for a board);
    nothing reads it back from the sentence.
    """

    rule: str  # the rule that decided (reconciliation.yaml id): the default, or the replacement
    tree_option: str
    chosen: str
    override: str | None  # the override that set the tree's option aside; None: it stood
    test: str | None  # what the override tests: "departs", "outside_pareto" or "unfit"
    tree_departs: tuple[str, ...]  # automatic principles (guidance item ids) the tree's option departs from
    tree_in_pareto: bool
    beaters: tuple[str, ...]  # options better than the tree's under every stakeholder view (strictly, under each)
    rank_by: str  # how the replacement was ranked: "weighted_value" or "worst_case"
    required: tuple[str, ...]  # what the chosen option had to be ("compliant", "fits", "in_pareto")
    chosen_departs: tuple[str, ...]  # automatic principles the chosen option still departs from
    tree_unfit: tuple[str, ...] = ()  # what rules the tree's option out for these facts
    chosen_unfit: tuple[str, ...] = ()  # what still rules the chosen option out (only where nothing fits)

    def to_dict(self) -> dict[str, Any]:
        """The record as JSON."""
        return {
            "rule": self.rule,
            "tree_option": self.tree_option,
            "chosen": self.chosen,
            "override": self.override,
            "test": self.test,
            "tree_departs": list(self.tree_departs),
            "tree_in_pareto": self.tree_in_pareto,
            "beaters": list(self.beaters),
            "rank_by": self.rank_by,
            "required": list(self.required),
            "chosen_departs": list(self.chosen_departs),
            "tree_unfit": list(self.tree_unfit),
            "chosen_unfit": list(self.chosen_unfit),
        }


_NEEDS = {
    "compliant": "meet every automatic national principle",
    "fits": "nothing in the framework rules out for these facts",
    "in_pareto": "no other option beats under every view",
}


def _ruled_out(dataset: Dataset, reasons: tuple[str, ...]) -> str:
    """What rules an option out, in words: the adjustments' and fairness answers' own rationale."""
    adjustments = {a.id: a for a in dataset.adjustments}
    themes = {t.id: t for t in dataset.fairness.themes}
    words = []
    for reason in reasons:
        if reason in adjustments:
            words.append(f"{adjustments[reason].rationale.rstrip('.')} ({reason})")
        elif reason.startswith("fairness:") and reason.split(":", 1)[1] in themes:
            words.append(f"the fairness answer to \u201c{themes[reason.split(':', 1)[1]].question}\u201d ({reason})")
        else:
            words.append(reason)
    return "; ".join(words)


_MEASURES = {"weighted_value": "weighted value", "worst_case": "worst case across views"}


def explain(dataset: Dataset, r: Reconciliation, *, rule_ids: bool = True) -> str:
    """The reconciliation in a sentence or three; ``rule_ids`` names each rule's id in brackets (the working),
    without them the sentence reads as a board would."""
    tag = (lambda rule: f" ({rule})") if rule_ids else (lambda rule: "")
    tree = _label(dataset, r.tree_option)
    if r.override is None:
        text = (
            f"The decision tree's option, {tree}, stands{tag(r.rule)}: "
            + (
                "its terms meet every automatic national principle after the term rules"
                if not r.tree_departs
                else f"no other option qualifies either; its terms depart from "
                f"{principle_names(dataset, list(r.tree_departs))}, which a person must accept"
            )
            + (" and no other option beats it under every stakeholder view." if r.tree_in_pareto else ".")
        )
        if not r.tree_in_pareto and r.beaters:
            text += (
                f" {', '.join(_label(dataset, o) for o in r.beaters)} "
                f"{'is' if len(r.beaters) == 1 else 'are'} better under every stakeholder view, but the framework "
                "rules out for these facts every option that beats it."
            )
        if r.tree_unfit:
            text += f" No other option fits either; what rules it out: {_ruled_out(dataset, r.tree_unfit)}."
        return text
    if r.test == "departs":
        reason = f"its terms depart from {principle_names(dataset, list(r.tree_departs))} even after the term rules"
    elif r.test == "unfit":
        reason = f"the framework rules it out for these facts: {_ruled_out(dataset, r.tree_unfit)}"
    else:
        reason = f"{', '.join(_label(dataset, o) for o in r.beaters)} is better under every stakeholder view"
    text = (
        f"The decision tree's option, {tree}, is set aside{tag(r.override)}: {reason}. "
        f"{_label(dataset, r.chosen)} has the best {_MEASURES[r.rank_by]} among the options that "
        + (" and ".join(_NEEDS[need] for need in r.required) if r.required else "remain")
        + f"{tag(r.rule)}."
    )
    if r.chosen_departs:
        text += (
            f" Its terms still depart from {principle_names(dataset, list(r.chosen_departs))}, which a person "
            f"must accept."
        )
    if r.chosen_unfit:
        text += f" No option fits these facts; what rules it out: {_ruled_out(dataset, r.chosen_unfit)}."
    return text


def assumption_sentence(assumed: Mapping[str, Any]) -> str:
    """'This answer assumes curation = raw: confirm before signing.' ('' when nothing was assumed)."""
    if not assumed:
        return ""
    facts = ", ".join(f"{k} = {v if isinstance(v, str) else ' or '.join(v)}" for k, v in assumed.items())
    return f"This answer assumes {facts}: confirm before signing."


@dataclass(frozen=True)
class Agreement:
    """The recommended agreement for one requester (and one tree outcome), with why and the dissent."""

    request_id: str
    requester_index: int
    requester: dict[str, Any]
    assumed: dict[str, Any]
    option: str
    tree_option: str
    best_weighted: str
    win_win: str
    rule: str  # the reconciliation rule that decided (reconciliation.yaml id)
    why: str  # the working in words: explain() with the rules' ids, then what it assumes
    sheet: TermSheet
    compliance: tuple[PrincipleStatus, ...]
    dissent: tuple[Dissent, ...]
    reconciliation: Reconciliation
    candidates: tuple[Candidate, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """The agreement as JSON (the ``terms`` command's result)."""
        return {
            "requester_index": self.requester_index,
            "requester": self.requester,
            "assumed": dict(self.assumed),
            "option": self.option,
            "tree_option": self.tree_option,
            "best_weighted": self.best_weighted,
            "win_win": self.win_win,
            "why": self.why,
            "reconciliation": self.reconciliation.to_dict(),
            "terms": [t.to_dict() for t in self.sheet.terms],
            "compliance": [c.to_dict() for c in self.compliance],
            "dissent": [d.to_dict() for d in self.dissent],
        }


def _label(dataset: Dataset, option: str) -> str:
    return dataset.option(option).label


def principle_names(dataset: Dataset, items: list[str]) -> str:
    """Guidance items named as a reader knows them: 'DHSC 2019 Principle 2; NHS England 2023 ...'."""
    principles = {
        g.id: g.principle.split(":", 1)[0] if g.principle.startswith("Principle") else g.principle
        for g in dataset.guidance
    }
    sources = {g.id: g.source.split(",", 1)[0] for g in dataset.guidance}
    return "; ".join(f"{sources[i]} {principles[i].rstrip('.')}" for i in items)


def unfit_reasons(dataset: Dataset, facts: Mapping[str, Any], sheet: TermSheet) -> tuple[str, ...]:
    """What the framework's own judgements rule out for one option under the facts (with the outcome's assumed
    values): each adjustment marked ``rules_out`` that fires against it (its id), and each fairness answer for
    these facts whose ``forbids`` holds on its terms (``fairness:<theme>``)."""
    reasons = [
        adj.id
        for adj in dataset.adjustments
        if adj.rules_out and adj.option == sheet.option and holds(adj.condition(), facts)
    ]
    terms = {**facts, **option_facts(sheet)}
    for theme in dataset.fairness.themes:
        answer = theme.answer(facts)
        if answer is not None and any(all_hold(conditions, terms) for conditions in answer.forbids):
            reasons.append(f"fairness:{theme.id}")
    return tuple(reasons)


# what each override's test asks of a replacement (beside fitting the facts): another option that has it
_CURES = {"departs": "compliant", "unfit": "fits", "outside_pareto": "fits"}


def _holds(test: str, candidate: Candidate) -> bool:
    return {
        "departs": not candidate.compliant,
        "unfit": not candidate.fits,
        "outside_pareto": not candidate.in_pareto,
    }[test]


def agreements(
    dataset: Dataset,
    request: Request,
    requester_index: int,
    ranking: Ranking,
    aligned: AlignmentResult,
    outcomes: list[Recommendation],
    shares: Callable[[Mapping[str, Any], Mapping[str, TermSheet]], Mapping[str, Any] | None] | None = None,
    views: Callable[[Mapping[str, Any]], tuple[Ranking, AlignmentResult]] | None = None,
) -> list[Agreement]:
    """The recommended agreement for one requester: one per decision-tree outcome.

    ``ranking`` (under the view's weights) decides "best by weighted value", ``aligned`` the win:win and
    the dissent, ``outcomes`` are the decision tree's; ``shares`` prices an outcome's options (its assumed facts and
    term sheets -> ``{option: ShareTest}``) for the principle judged on the valuation (none: "to confirm"); ``views`` gives the
    ranking and the alignment of an outcome that assumed facts (scored with the adjustments that fire for them;
    none: ``ranking`` and ``aligned`` for every outcome). :meth:`imaging_value.engine.case.Case.agreements`
    passes its own.
    """
    requester = request.requester(requester_index)
    spec = dataset.agreement.reconciliation
    results = []
    stated_ranking, stated_aligned = ranking, aligned
    for outcome in outcomes:
        ranking, aligned = (
            views(outcome.assumed) if views is not None and outcome.assumed else (stated_ranking, stated_aligned)
        )
        sheets = term_sheets(dataset, request, requester_index, outcome.assumed)
        priced = shares(outcome.assumed, sheets) if shares is not None else None
        checks = check_guidance(dataset, request, requester_index, outcome.assumed, priced, sheets)
        statuses = {o: compliance(dataset, checks, o) for o in dataset.option_ids}
        shown_request, shown_requester = with_assumed(request, requester, outcome.assumed)
        facts = facts_for(shown_request, shown_requester, dataset.derived_facts, outcome.assumed)
        candidates = {
            o: Candidate(
                o,
                float(ranking.totals[o]),
                aligned.worst_case[o],
                o in aligned.pareto,
                tuple(s.item for s in statuses[o] if s.status == "departs"),
                unfit_reasons(dataset, facts, sheets[o]),
            )
            for o in dataset.option_ids
        }
        tree = outcome.option
        beaten_by = tuple(aligned.beaten_by.get(tree, ()))
        fired, pool, required = None, [], ()
        for override in spec.overrides:
            if not _holds(override.test, candidates[tree]):
                continue
            # a replacement must cure what the override found, and fit the facts; an option outside the
            # Pareto set gives way only to an option that beats it under every view
            mandatory = [_CURES[override.test], "fits"]
            within = beaten_by if override.test == "outside_pareto" else dataset.option_ids
            order = [
                o
                for o in (
                    list(ranking.order)
                    if spec.replacement.rank_by == "weighted_value"
                    else sorted(dataset.option_ids, key=lambda o: -candidates[o].worst_case)
                )
                if o in within and o != tree and all(getattr(candidates[o], need) for need in mandatory)
            ]
            if not order:
                continue
            needs = [need for need in spec.replacement.require if need not in mandatory]
            while True:
                pool = [o for o in order if all(getattr(candidates[o], need) for need in needs)]
                if pool or not needs:
                    break
                needs.pop()
            fired = override
            required = tuple(dict.fromkeys([need for need in spec.replacement.require if need in mandatory] + needs))
            break
        beaters = beaten_by
        if fired is None:
            chosen, rule, required = tree, spec.default.id, ()
        else:
            chosen, rule = pool[0], spec.replacement.id
        reconciliation = Reconciliation(
            rule,
            tree,
            chosen,
            None if fired is None else fired.id,
            None if fired is None else fired.test,
            candidates[tree].departs,
            candidates[tree].in_pareto,
            beaters,
            spec.replacement.rank_by,
            required,
            candidates[chosen].departs if fired is not None else (),
            candidates[tree].unfit,
            candidates[chosen].unfit if fired is not None else (),
        )
        why = " ".join(x for x in (explain(dataset, reconciliation), assumption_sentence(outcome.assumed)) if x)
        of = len(dataset.option_ids)
        dissent = tuple(
            Dissent(name, dataset.label(name), int(aligned.rank_table.loc[chosen, name]), of, aligned.rankings[name][0])
            for name in aligned.profiles
            if int(aligned.rank_table.loc[chosen, name]) >= spec.dissent.rank_at_or_below
        )
        results.append(
            Agreement(
                request.id,
                requester_index,
                requester.summary(),
                dict(outcome.assumed),
                chosen,
                tree,
                ranking.winner,
                aligned.win_win,
                rule,
                why,
                sheets[chosen],
                statuses[chosen],
                dissent,
                reconciliation,
                tuple(candidates.values()),
            )
        )
    return results
