"""The national-guidance checklist evaluated for every option on a (request, requester)."""

from __future__ import annotations

from dataclasses import dataclass

from .conditions import all_hold, facts_for, fill_reason
from .data import Dataset
from .schema import Request
from .scoring import requester_at

__all__ = ["Flag", "GuidanceCheck", "check_guidance", "flags_by_option"]


@dataclass(frozen=True)
class Flag:
    """An option breaks a principle: which, whose, and why."""

    item: str
    principle: str
    source: str
    reason: str

    def to_dict(self) -> dict[str, str]:
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


def check_guidance(dataset: Dataset, request: Request, requester_index: int = 0) -> list[GuidanceCheck]:
    """Every checklist item against every option, in file order."""
    requester = requester_at(request, requester_index)
    results: list[GuidanceCheck] = []
    for option in dataset.options:
        facts = facts_for(request, requester, option)
        for item in dataset.guidance:
            if not all_hold(item.applies_when, facts):
                status, reason = "not applicable", ""
            elif item.check == "manual":
                status, reason = "to confirm", fill_reason(item.reason, facts)
            elif all_hold(item.breaks_when, facts):
                status, reason = "breaks", fill_reason(item.reason, facts)
            else:
                status, reason = "meets", ""
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
