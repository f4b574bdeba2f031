"""One agreement to sign per requester: compliance of term sheets, and the reconciliation rule.

For each outcome of the decision tree (one, or one per assumed answer to an
unstated fact) the candidate options' term sheets are checked against every
national principle (meets, departs with the reason a person must accept, or
to_confirm), and the reconciliation rule in ``reconciliation.yaml`` chooses
between the tree's option, the best option by weighted value and the win:win
option. The dissent (stakeholder views that rank the choice low) is kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..maths.alignment import AlignmentResult
from ..model.data import Dataset
from ..model.schema import Request
from .guidance import GuidanceCheck, check_guidance
from .scoring import Ranking
from .terms import TermSheet, term_sheets
from .tree import Recommendation

__all__ = [
    "PrincipleStatus",
    "Dissent",
    "Candidate",
    "Agreement",
    "compliance",
    "agreements",
    "principle_names",
    "STATUSES",
]

STATUSES = ("meets", "departs", "to_confirm")
_STATUS = {"meets": "meets", "not applicable": "meets", "breaks": "departs", "to confirm": "to_confirm"}


@dataclass(frozen=True)
class PrincipleStatus:
    """One national principle on one term sheet: meets, departs (with the reason) or to_confirm."""

    item: str
    principle: str
    source: str
    status: str  # one of STATUSES
    reason: str
    automatic: bool  # False: decided by a person (the request file cannot decide it)

    def to_dict(self) -> dict[str, str]:
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
        return {"profile": self.profile, "label": self.label, "rank": self.rank, "of": self.of, "prefers": self.prefers}


@dataclass(frozen=True)
class Candidate:
    """One option as the reconciliation saw it (the intermediate table)."""

    option: str
    weighted_value: float
    worst_case: float
    in_pareto: bool
    departs: tuple[str, ...]  # automatic principles (item ids) its terms depart from after the rules

    @property
    def compliant(self) -> bool:
        return not self.departs

    def to_dict(self) -> dict[str, Any]:
        return {
            "option": self.option,
            "weighted_value": self.weighted_value,
            "worst_case": self.worst_case,
            "in_pareto": self.in_pareto,
            "departs": list(self.departs),
        }


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
    why: str
    sheet: TermSheet
    compliance: tuple[PrincipleStatus, ...]
    dissent: tuple[Dissent, ...]
    candidates: tuple[Candidate, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "requester_index": self.requester_index,
            "requester": self.requester,
            "assumed": dict(self.assumed),
            "option": self.option,
            "tree_option": self.tree_option,
            "best_weighted": self.best_weighted,
            "win_win": self.win_win,
            "why": self.why,
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


def agreements(
    dataset: Dataset,
    request: Request,
    requester_index: int,
    ranking: Ranking,
    aligned: AlignmentResult,
    outcomes: list[Recommendation],
) -> list[Agreement]:
    """The recommended agreement for one requester: one per decision-tree outcome.

    ``ranking`` (under the view's weights) decides "best by weighted value", ``aligned`` the win:win and
    the dissent, ``outcomes`` are the decision tree's; :meth:`imaging_value.engine.case.Case.agreements`
    passes its own.
    """
    requester = request.requester(requester_index)
    spec = dataset.agreement.reconciliation
    labels = {p.name: p.label for p in dataset.profiles}
    results = []
    for outcome in outcomes:
        sheets = term_sheets(dataset, request, requester_index, outcome.assumed)
        checks = check_guidance(dataset, request, requester_index, outcome.assumed)
        statuses = {o: compliance(dataset, checks, o) for o in dataset.option_ids}
        candidates = {
            o: Candidate(
                o,
                float(ranking.totals[o]),
                aligned.worst_case[o],
                o in aligned.pareto,
                tuple(s.item for s in statuses[o] if s.status == "departs"),
            )
            for o in dataset.option_ids
        }
        tree = outcome.option
        fired = next(
            (
                ov
                for ov in spec.overrides
                if ov.test == "departs"
                and not candidates[tree].compliant
                or ov.test == "outside_pareto"
                and not candidates[tree].in_pareto
            ),
            None,
        )
        if fired is None:
            chosen, rule = tree, spec.default.id
            why = (
                f"The decision tree's option, {_label(dataset, tree)}, stands ({spec.default.id}): "
                + (
                    "its terms meet every automatic national principle after the term rules"
                    if candidates[tree].compliant
                    else f"no other option qualifies either; its terms depart from {principle_names(dataset, list(candidates[tree].departs))}, which a person must accept"
                )
                + (" and no other option beats it under every stakeholder view." if candidates[tree].in_pareto else ".")
            )
        else:
            order = (
                list(ranking.order)
                if spec.replacement.rank_by == "weighted_value"
                else sorted(dataset.option_ids, key=lambda o: -candidates[o].worst_case)
            )
            required = list(spec.replacement.require)
            while True:
                pool = [o for o in order if all(getattr(candidates[o], r) for r in required)]
                if pool or not required:
                    break
                required.pop()
            chosen, rule = pool[0], spec.replacement.id
            if fired.test == "departs":
                reason = (
                    f"its terms depart from {principle_names(dataset, list(candidates[tree].departs))} even after "
                    f"the term rules"
                )
            else:
                beaters = [
                    _label(dataset, o)
                    for o in dataset.option_ids
                    if (aligned.utility_table.loc[o] >= aligned.utility_table.loc[tree]).all()
                    and (aligned.utility_table.loc[o] > aligned.utility_table.loc[tree]).any()
                ]
                reason = f"{', '.join(beaters)} is better under every stakeholder view"
            measure = "weighted value" if spec.replacement.rank_by == "weighted_value" else "worst case across views"
            needs = {
                "compliant": "meet every automatic national principle",
                "in_pareto": "no other option beats under every view",
            }
            why = (
                f"The decision tree's option, {_label(dataset, tree)}, is set aside ({fired.id}): {reason}. "
                f"{_label(dataset, chosen)} has the best {measure} among the options that "
                + (" and ".join(needs[r] for r in required) if required else "remain")
                + f" ({rule})."
            )
            if not candidates[chosen].compliant:
                why += (
                    f" Its terms still depart from {principle_names(dataset, list(candidates[chosen].departs))}, "
                    f"which a person must accept."
                )
        if outcome.assumed:
            facts = ", ".join(
                f"{k} = {v if isinstance(v, str) else ' or '.join(v)}" for k, v in outcome.assumed.items()
            )
            why += f" This answer assumes {facts}: confirm before signing."
        of = len(dataset.option_ids)
        dissent = tuple(
            Dissent(
                name, labels.get(name, name), int(aligned.rank_table.loc[chosen, name]), of, aligned.rankings[name][0]
            )
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
                tuple(candidates.values()),
            )
        )
    return results
