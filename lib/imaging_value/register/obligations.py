"""What an agreement's terms owe, derived once at signing: fees and when they fall due, subscriptions,
milestones awaited, royalty reports per quarter, in-kind deliverables, the issue of shares, and the
dates an embargo, an exclusivity or a product-access window ends.

Pure: terms (``{term id: value}`` after the term rules) and a start date in, :class:`Obligation` s out.
Timing comes from the data folder (:class:`Timing`, :func:`timing_for`): ``register.yaml``'s payment and
royalty-report days and royalty term, ``valuation.yaml``'s in-kind year and the stages a deferred fee
and the product-access window wait for, ``terms.yaml``'s milestone events.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from .money import pence_of
from .periods import add_months, periods_between

__all__ = [
    "Obligation",
    "Timing",
    "timing_for",
    "derive",
    "MONEY_KINDS",
    "DELIVERABLE_KINDS",
    "DATE_KINDS",
    "KINDS",
    "event_names",
    "carried_over",
]

MONEY_KINDS = ("fee", "subscription", "milestone", "royalty", "equity")  # paid with register payment
DELIVERABLE_KINDS = ("in_kind", "equity", "deliverable")  # settled by the event delivered:<obligation>
DATE_KINDS = ("date", "window")  # dates to watch: nothing is paid or delivered
KINDS = ("fee", "subscription", "milestone", "royalty", "equity", "in_kind", "deliverable", "date", "window")


@dataclass(frozen=True)
class Obligation:
    """One thing a signed agreement owes or a date it sets.

    ``due_on``: when it falls due, where that is known at signing. ``awaits``: the events (``milestone:<stage>``)
    the first of which starts it; it is then due ``after_days`` later (a window then runs ``window_months``).
    ``amount_pence``: the sum owed (in-kind: its value at cost); None until known (a royalty, before its
    report; equity proceeds, whatever a sale brings). A royalty period runs ``period_start``..``period_end``.
    """

    obligation: str
    kind: str
    label: str
    amount_pence: int | None = None
    due_on: date | None = None
    awaits: tuple[str, ...] = ()
    after_days: int | None = None
    window_months: int | None = None
    period_start: date | None = None
    period_end: date | None = None
    carried: bool = False  # carried from the version before (a variation keeps what had already fallen due)

    def row(self) -> dict[str, Any]:
        """The columns of its row in ``obligations``."""
        return {
            "obligation": self.obligation,
            "kind": self.kind,
            "label": self.label,
            "amount_pence": self.amount_pence,
            "due_on": self.due_on,
            "awaits": "|".join(self.awaits) or None,
            "after_days": self.after_days,
            "window_months": self.window_months,
            "period_start": self.period_start,
            "period_end": self.period_end,
            "carried": self.carried,
        }

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Obligation:
        """The obligation a row of ``obligations`` holds."""
        return cls(
            row["obligation"],
            row["kind"],
            row["label"],
            row["amount_pence"],
            row["due_on"],
            tuple(row["awaits"].split("|")) if row["awaits"] else (),
            row["after_days"],
            row["window_months"],
            row["period_start"],
            row["period_end"],
            bool(row["carried"]),
        )


@dataclass(frozen=True)
class Timing:
    """When obligations fall due: from register.yaml, valuation.yaml and terms.yaml."""

    payment_days: int
    royalty_report_days: int
    royalty_term_years: int
    in_kind_year: int
    first_revenue_event: str  # "milestone:<stage>" a fee due at first revenue waits for
    adoption_event: str  # "milestone:<stage>" the product-access window starts at
    stages: tuple[str, ...]  # every stage an event may name
    milestone_labels: Mapping[str, str]  # stage -> label (terms.yaml's milestone events, else the stage's id)
    in_kind_labels: Mapping[str, str]  # service -> label


def event_names(timing: Timing) -> tuple[str, ...]:
    """The events ``register event`` records besides deliveries: ``milestone:<stage>`` for every stage."""
    return tuple(f"milestone:{stage}" for stage in timing.stages)


def timing_for(dataset: Any) -> Timing:
    """The timing of a data folder loaded with the register's files (:func:`.rules.load_register_dataset`)."""
    from .rules import REGISTER_FILE

    rules = dataset.data_file(REGISTER_FILE)
    spec = dataset.valuation
    stages = tuple(s.id for s in spec.stages)
    labels = {e.id: e.label for e in dataset.agreement.milestone_events}
    return Timing(
        payment_days=rules.payment_days.value,
        royalty_report_days=rules.royalty_report_days.value,
        royalty_term_years=rules.royalty_term_years.value,
        in_kind_year=spec.in_kind_year.value,
        first_revenue_event=f"milestone:{spec.first_revenue_stage}",
        adoption_event=f"milestone:{spec.adoption_stage}",
        stages=stages,
        milestone_labels={s: labels.get(s, s.replace("_", " ").capitalize()) for s in stages},
        in_kind_labels={s.id: s.label for s in dataset.agreement.in_kind_services},
    )


def _number(terms: Mapping[str, Any], term: str) -> float:
    value = terms.get(term)
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0.0


def derive(terms: Mapping[str, Any], starts_on: date, timing: Timing) -> list[Obligation]:
    """Every obligation the terms create for an agreement that starts on ``starts_on``, in a stable order."""
    days = timedelta(days=timing.payment_days)
    found: list[Obligation] = []
    milestones = sorted(k.split(":", 1)[1] for k in terms if k.startswith("milestone:"))

    fee = _number(terms, "access_fee")
    if fee > 0:
        when = terms.get("access_fee_due", "signing")
        label = f"Access fee (cost recovery), due at {str(when).replace('_', ' ')}"
        if when == "signing":
            found.append(Obligation("access_fee", "fee", label, pence_of(fee), due_on=starts_on + days))
        else:
            awaits = (
                (timing.first_revenue_event,)
                if when == "first_revenue"
                else tuple(f"milestone:{m}" for m in (milestones or timing.stages))
            )
            found.append(
                Obligation("access_fee", "fee", label, pence_of(fee), awaits=awaits, after_days=timing.payment_days)
            )

    subscription = _number(terms, "subscription")
    if subscription > 0:
        years = _number(terms, "subscription_years") or 1.0
        for k in range(math.ceil(years)):
            part = min(1.0, years - k)
            found.append(
                Obligation(
                    f"subscription:{k + 1}",
                    "subscription",
                    f"Subscription, year {k + 1} (in advance)" + (f", {part:g} of a year" if part < 1 else ""),
                    pence_of(subscription * part),
                    due_on=add_months(starts_on, 12 * k) + days,
                )
            )

    for stage in milestones:
        found.append(
            Obligation(
                f"milestone:{stage}",
                "milestone",
                f"Milestone payment: {timing.milestone_labels.get(stage, stage)}",
                pence_of(_number(terms, f"milestone:{stage}")),
                awaits=(f"milestone:{stage}",),
                after_days=timing.payment_days,
            )
        )

    if _number(terms, "royalty") > 0 or _number(terms, "profit_share") > 0:
        end = add_months(starts_on, 12 * timing.royalty_term_years)
        what = " and ".join(
            part
            for part, term in (("royalty", "royalty"), ("profit share", "profit_share"))
            if _number(terms, term) > 0
        )
        for period in periods_between(starts_on, end):
            found.append(
                Obligation(
                    f"royalty:{period.label}",
                    "royalty",
                    f"Report of {period.label} net revenue, and the {what} due on it",
                    None,
                    due_on=period.end + timedelta(days=timing.royalty_report_days),
                    period_start=max(period.start, starts_on),
                    period_end=min(period.end, end - timedelta(days=1)),
                )
            )

    for key in sorted(k for k in terms if k.startswith("in_kind:")):
        service = key.split(":", 1)[1]
        found.append(
            Obligation(
                key,
                "in_kind",
                f"In-kind: {timing.in_kind_labels.get(service, service)} (valued at cost)",
                pence_of(_number(terms, key)),
                due_on=add_months(starts_on, 12 * timing.in_kind_year),
            )
        )

    stake = _number(terms, "equity")
    if stake > 0:
        found.append(
            Obligation(
                "equity",
                "equity",
                f"Issue of a {stake:g}% stake (its sale proceeds are paid against this obligation)",
                None,
                due_on=starts_on + days,
            )
        )
    if isinstance(terms.get("golden_share"), str):
        found.append(
            Obligation(
                "golden_share",
                "deliverable",
                f"Issue of a golden share ({terms['golden_share']})",
                None,
                due_on=starts_on + days,
            )
        )

    for term, ident, label in (
        ("embargo_months", "embargo_end", "Embargo on publishing results ends"),
        ("exclusivity_months", "exclusivity_end", "Exclusivity ends"),
    ):
        months = _number(terms, term)
        if months > 0:
            found.append(Obligation(ident, "date", label, due_on=add_months(starts_on, int(round(months)))))

    discount = _number(terms, "product_access_discount")
    if discount > 0:
        months = int(round(_number(terms, "product_access_months"))) or 12 * timing.royalty_term_years
        found.append(
            Obligation(
                "product_access",
                "window",
                f"{discount:g}% discount on products for {months} months from "
                f"{timing.milestone_labels.get(timing.adoption_event.split(':', 1)[1], 'adoption').lower()}",
                awaits=(timing.adoption_event,),
                after_days=0,
                window_months=months,
            )
        )
    return found


def carried_over(
    previous: Sequence[Obligation], new: Sequence[Obligation], settled: set[str], on: date
) -> list[Obligation]:
    """A variation's obligations: the new terms' own, plus each earlier one the new terms drop that had
    already fallen due by ``on`` or was settled (what was owed before the variation stays owed)."""
    ids = {o.obligation for o in new}
    kept = [
        Obligation(**{**o.__dict__, "carried": True})
        for o in previous
        if o.obligation not in ids and (o.obligation in settled or (o.due_on is not None and o.due_on <= on))
    ]
    return [*new, *kept]
