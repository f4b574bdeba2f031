"""The national-guidance checklist evaluated for every option on a (request, requester).

An option is checked on its terms after the term rules have run (:mod:`terms`),
so the decision tree's answer and the guidance table cannot disagree silently. An item with
``check: valuation`` (NHS England's proportionate share) is judged on the priced share of each option
(:class:`~imaging_value.framework.appraisal.ShareTest`): where no valuation is given (``rank``, which
prices nothing), it is "to confirm" with a reason that says where it is priced.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..model.conditions import all_hold, facts_for, fill_reason
from ..model.data import Dataset
from ..model.schema import GuidanceItem, Request

__all__ = ["Flag", "GuidanceCheck", "check_guidance", "flags_by_option", "evaluate_item", "UNPRICED"]

# the reason a check on the valuation gives where nothing was priced
UNPRICED = "judged on the priced NHS share of the value created: see the agreement to sign (terms) or value"


@dataclass(frozen=True)
class Flag:
    """An option breaks a principle: which, whose, and why."""

    item: str
    principle: str
    source: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        """The flag as JSON: principle, source and reason."""
        return {"principle": self.principle, "source": self.source, "reason": self.reason}


@dataclass(frozen=True)
class GuidanceCheck:
    """One checklist item's result for one option: 'breaks', 'meets', 'not applicable' or 'to confirm'."""

    item: str
    principle: str
    source: str
    option: str
    status: str
    reason: str


def evaluate_item(item: GuidanceItem, facts: Mapping[str, Any], share: Any = None) -> tuple[str, str]:
    """One checklist item on one option's facts: (status, reason). ``share``: the option's priced
    :class:`~imaging_value.framework.appraisal.ShareTest`, for an item checked on the valuation."""
    if not all_hold(item.applies_when, facts):
        return "not applicable", ""
    if item.check == "manual":
        return "to confirm", fill_reason(item.reason, facts)
    if item.check == "valuation":
        if share is None:
            return "to confirm", UNPRICED
        verdict = share.meets(item.standard_errors)
        if verdict is None:
            return "not applicable", ""
        values = {**facts, **share.facts()}
        if verdict:
            return "meets", fill_reason(
                "an expected {valuation_nhs_share} of the value created against a contribution share of "
                "{valuation_contribution_share}",
                values,
            )
        return "breaks", fill_reason(item.reason, values)
    if all_hold(item.breaks_when, facts):
        return "breaks", fill_reason(item.reason, facts)
    return "meets", ""


def check_guidance(
    dataset: Dataset,
    request: Request,
    requester_index: int = 0,
    assumed: Mapping[str, Any] | None = None,
    shares: Mapping[str, Any] | None = None,
    sheets: Mapping[str, Any] | None = None,
) -> list[GuidanceCheck]:
    """Every checklist item against every option's term sheet (after the term rules), in file order.

    ``assumed``: a decision-tree outcome's assumed answers to unstated facts, as in :func:`terms.term_sheets`.
    ``shares``: each option's priced share test under the same facts (``{option: ShareTest}``), for the items
    checked on the valuation; without it they are "to confirm". ``sheets``: the term sheets for these same
    arguments, if the caller has them.
    """
    from .terms import option_facts, term_sheets, with_assumed

    requester = request.requester(requester_index)
    if sheets is None:
        sheets = term_sheets(dataset, request, requester_index, assumed)
    facts_request, facts_requester = with_assumed(request, requester, assumed)
    base = facts_for(facts_request, facts_requester, dataset.derived_facts, assumed)
    results: list[GuidanceCheck] = []
    for option in dataset.options:
        facts = {**base, **option_facts(sheets[option.id])}
        for item in dataset.guidance:
            status, reason = evaluate_item(item, facts, None if shares is None else shares.get(option.id))
            results.append(GuidanceCheck(item.id, item.principle, item.source, option.id, status, reason))
    return results


def flags_by_option(checks: list[GuidanceCheck]) -> dict[str, list[Flag]]:
    """The broken principles of each option (options with none map to an empty list)."""
    flags: dict[str, list[Flag]] = {}
    for check in checks:
        flags.setdefault(check.option, [])
        if check.status == "breaks":
            flags[check.option].append(Flag(check.item, check.principle, check.source, check.reason))
    return flags
