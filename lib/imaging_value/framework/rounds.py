"""A negotiation round by round: each offer assessed, what moved between rounds, and the verdict on the latest
offer (sign, counter with the counter-offer, or walk away), in plain words."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.defaults import DEFAULT_SEED
from ..core.wording import join_words
from ..model.data import Dataset
from ..model.offer_files import Negotiation, load_negotiation, offer_display_name
from .agreement import principle_names
from .counter import CounterOffer, Move, counter_from, move_words, moved_terms
from .negotiation import Assessment, BranchAssessment, assess, prepare

__all__ = ["Verdict", "Round", "History", "verdict", "negotiation_history", "SIGN", "COUNTER", "WALK_AWAY_ACTION"]

SIGN, COUNTER, WALK_AWAY_ACTION = "sign", "counter", "walk_away"


@dataclass(frozen=True)
class Verdict:
    """What to do with an offer: sign it, answer it with the counter-offer, or walk away; said in plain words."""

    action: str  # SIGN, COUNTER or WALK_AWAY_ACTION
    sentence: str
    counter: CounterOffer | None

    def to_dict(self) -> dict[str, Any]:
        """As JSON."""
        return {
            "action": self.action,
            "sentence": self.sentence,
            "counter": None if self.counter is None else self.counter.to_dict(),
        }


def _money(x: float) -> str:
    return f"£{x:,.0f}"


def _where(branch: BranchAssessment, several: bool) -> str:
    if not several or not branch.assumed:
        return ""
    return " if " + ", ".join(f"{k} = {v}" for k, v in branch.assumed.items())


def _short(dataset: Dataset, assessment: Assessment) -> list[str]:
    """What is wrong with an offer, branch by branch, in words."""
    several = len(assessment.branches) > 1
    said: list[str] = []
    for b in assessment.branches:
        where = _where(b, several)
        departs = [s.item for s in b.departs()]
        if departs:
            said.append(f"it departs from {principle_names(dataset, departs)}{where}")
        if b.meets_share is False:
            said.append(
                f"it gives the NHS {_money(b.nhs.mean)} in expectation{where}, {_money(b.shortfall)} short of its "
                f"fair share ({b.contribution_share:.1%} of the value created, {_money(b.fair_value)})"
            )
    return said


def verdict(dataset: Dataset, assessment: Assessment, counter: CounterOffer) -> Verdict:
    """The verdict on an assessed offer, given its counter-offer (:func:`~.counter.counter_from`)."""
    offer = assessment.offer
    several = len(assessment.branches) > 1
    whose = "the partner's" if offer.made_by == "partner" else "the consortium's"
    if assessment.acceptable:
        worst = min(assessment.branches, key=lambda b: b.nhs.mean - b.fair_value)
        shares = (
            f"gives the NHS at least its fair share{' in every branch the request leaves open' if several else ''}"
            + (
                f" ({_money(worst.nhs.mean)} in expectation against {_money(worst.fair_value)})"
                if worst.meets_share is not None
                else ""
            )
        )
        items = [s.item for b in assessment.branches for s in b.compliance if s.status == "to_confirm"]
        confirm = principle_names(dataset, list(dict.fromkeys(items))) if items else ""
        lead = "Sign" if offer.made_by == "partner" else "Sign if the partner accepts"
        text = f"{lead}: round {offer.round}, {whose} offer, meets every automatic national principle and {shares}."
        below = [b for b in assessment.branches if b.above_alternative is False]
        if below:
            text += (
                f" The partner would be {_money(-below[0].partner_surplus.mean)} below its alternative "  # type: ignore[union-attr]
                f"({below[0].alternative.sentence()}){_where(below[0], several)}: expect it to ask for less."
            )
        if confirm:
            text += f" Before signing, a person confirms {confirm}."
        return Verdict(SIGN, text, None)
    wrong = join_words(_short(dataset, assessment))
    if counter.offer is not None:
        moved = join_words([move_words(m) for m in counter.moves])
        text = (
            f"Counter: round {offer.round}, {whose} offer, cannot be signed as it stands ({wrong}). "
            f"Answer with round {counter.offer.round}: {moved}. It then meets every automatic national principle, "
            f"gives the NHS its fair share and keeps the partner within its alternative."
        )
        return Verdict(COUNTER, text, counter)
    text = f"Walk away: round {offer.round}, {whose} offer, cannot be signed ({wrong}), and no counter-offer can fix it. {counter.reason}"
    return Verdict(WALK_AWAY_ACTION, text, counter)


@dataclass(frozen=True)
class Round:
    """One round of a negotiation: its file, its offer assessed, and what moved since the round before."""

    file: str
    assessment: Assessment
    moved: tuple[Move, ...]

    def to_dict(self) -> dict[str, Any]:
        """As JSON."""
        return {"file": self.file, **self.assessment.to_dict(), "moved": [m.to_dict() for m in self.moved]}


@dataclass(frozen=True)
class History:
    """A negotiation's rounds and the verdict on its latest offer."""

    name: str
    folder: Path
    request: str
    requester: int
    rounds: tuple[Round, ...]
    verdict: Verdict

    def to_dict(self) -> dict[str, Any]:
        """As JSON."""
        return {
            "negotiation": self.name,
            "request": self.request,
            "requester_index": self.requester,
            "recommendation": self.verdict.to_dict(),
            "rounds": [r.to_dict() for r in self.rounds],
        }


def negotiation_history(
    dataset: Dataset, folder: str | Path | Negotiation, *, seed: int = DEFAULT_SEED, draws: int | None = None
) -> History:
    """Every round of a negotiation folder assessed, the moves between rounds, and the verdict on the latest."""
    negotiation = folder if isinstance(folder, Negotiation) else load_negotiation(folder, dataset)
    rounds: list[Round] = []
    previous = None
    latest = None
    for path, offer in negotiation.offers:
        prepared = prepare(dataset, offer, seed=seed, draws=draws)
        assessment = assess(prepared)
        moved = () if previous is None else moved_terms(previous.values(), offer.values())
        rounds.append(Round(offer_display_name(path, dataset), assessment, moved))
        previous, latest = offer, prepared
    assert latest is not None
    counter = counter_from(latest)
    last = rounds[-1].assessment
    return History(
        negotiation.name,
        negotiation.folder,
        negotiation.request,
        negotiation.requester,
        tuple(rounds),
        verdict(dataset, last, counter),
    )
