"""Recording what happens after signing: events (milestones reached, deliverables delivered), payments
received, royalty reports, and reversing entries that correct any of them.

Each function checks everything first and raises one error naming the field, what was expected and what
was found (the caller's transaction then writes nothing): an unknown agreement, an amount below zero, a
date before signing, a payment for an obligation the agreement does not have, a period reported twice.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, func, select

from ..core.errors import DataValidationError, ParameterError, Problem
from .money import percent_of, pounds
from .obligations import DELIVERABLE_KINDS, MONEY_KINDS, Timing, event_names
from .periods import Period
from .queries import agreement_row, current_rows, effective_events, effective_reports, paid_by_obligation
from .records import content
from .schema import events, ledger, obligations, payments, royalty_reports
from .store import Writer, now

__all__ = [
    "PaymentInput",
    "RoyaltyOutcome",
    "record_event",
    "record_payments",
    "record_royalty",
    "reverse",
    "ENTRY_KINDS",
]

ENTRY_KINDS = {"payment": payments, "event": events, "royalty": royalty_reports}


def _not_before_signing(row: dict[str, Any], on: date, field: str) -> None:
    if on < row["starts_on"]:
        raise ParameterError(
            field, f"a date on or after the agreement was signed ({row['starts_on'].isoformat()})", on.isoformat()
        )


def _current_obligations(connection: Connection, row_id: int) -> dict[str, dict[str, Any]]:
    query = select(obligations).where(obligations.c.agreement_row == row_id)
    return {r["obligation"]: dict(r) for r in connection.execute(query).mappings()}


def record_event(writer: Writer, agreement: str, event: str, on: date, timing: Timing, note: str = "") -> int:
    """Record that ``event`` happened on ``on``: ``milestone:<stage>`` (a milestone reached) or
    ``delivered:<obligation>`` (an in-kind service, shares or a golden share delivered)."""
    connection = writer.connection
    row = agreement_row(connection, agreement)
    owed = _current_obligations(connection, row["id"])
    deliverables = sorted(o for o, r in owed.items() if r["kind"] in DELIVERABLE_KINDS)
    known = list(event_names(timing)) + [f"delivered:{o}" for o in deliverables]
    if event not in known:
        raise ParameterError("EVENT", "one of " + ", ".join(known), event)
    _not_before_signing(row, on, "on")
    earlier = effective_events(connection, [agreement]).get((agreement, event))
    if earlier is not None:
        raise ParameterError(
            "EVENT",
            f"an event not recorded yet ({event} was recorded on {earlier.isoformat()}; to correct it, reverse that entry)",
            event,
        )
    entry = writer.insert(
        events,
        {
            "agreement": agreement,
            "event": event,
            "occurred_on": on,
            "note": note,
            "reverses": None,
            "recorded_at": now(),
        },
    )
    writer.audit("event", "event", entry, content(connection, "event", entry) or {}, agreement=agreement, event=event)
    return entry


@dataclass(frozen=True)
class PaymentInput:
    """One payment received: for which agreement and obligation, how much (pence), when, and a reference."""

    agreement: str
    obligation: str
    amount_pence: int
    received_on: date
    reference: str = ""


def record_payments(writer: Writer, items: Sequence[PaymentInput], *, source: str = "register payment") -> list[int]:
    """Record payments received (all of them, or none: one error lists every problem). Each posts its amount
    to the ledger's ``in`` and ``held`` accounts. A payment may not exceed what is outstanding on an
    obligation whose amount is known; a royalty is paid once its period has been reported."""
    connection = writer.connection
    names = sorted({p.agreement for p in items})
    current = current_rows(connection, names)
    owed: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    if current:
        query = select(obligations).where(obligations.c.agreement_row.in_([r["id"] for r in current.values()]))
        rows_by_id = {r["id"]: a for a, r in current.items()}
        for r in connection.execute(query).mappings():
            owed[rows_by_id[r["agreement_row"]]][r["obligation"]] = dict(r)
    paid = paid_by_obligation(connection, names)
    reports = effective_reports(connection, names)
    problems: list[Problem] = []
    accepted: list[PaymentInput] = []
    for n, p in enumerate(items):
        where = f"payment {n + 1}" if len(items) > 1 else f"{p.agreement} {p.obligation}"

        def problem(field: str, expected: str, found: object, where: str = where) -> None:
            problems.append(Problem(source, where, field, expected, str(found)))

        row = current.get(p.agreement)
        if row is None:
            known = ", ".join(list(current_rows(connection))[:8]) or "none signed yet"
            problem("AGREEMENT", f"an agreement in the register ({known})", p.agreement)
            continue
        if p.amount_pence <= 0:
            problem(
                "amount", "an amount above 0 (a correction is a reversal: register reverse)", pounds(p.amount_pence)
            )
            continue
        if p.received_on < row["starts_on"]:
            problem(
                "on", f"a date on or after the agreement was signed ({row['starts_on'].isoformat()})", p.received_on
            )
            continue
        o = owed[p.agreement].get(p.obligation)
        if o is None or o["kind"] not in MONEY_KINDS:
            payable = ", ".join(
                k for k, v in owed[p.agreement].items() if v["kind"] in MONEY_KINDS and not k.startswith("royalty:")
            )
            periods = [k for k, v in owed[p.agreement].items() if v["kind"] == "royalty"]
            if periods:
                payable += f", royalty:{periods[0].split(':')[1]}..{periods[-1].split(':')[1]}"
            problem("for", f"an obligation of {p.agreement} that is paid in money ({payable or 'none'})", p.obligation)
            continue
        key = (p.agreement, p.obligation)
        if o["kind"] == "royalty":
            report = reports.get((p.agreement, p.obligation.split(":", 1)[1]))
            if report is None:
                problem("for", f"a reported period (report {p.obligation} first: register royalty)", p.obligation)
                continue
            amount: int | None = int(report["royalty_pence"]) + int(report["profit_share_pence"])
        else:
            amount = o["amount_pence"]
        if amount is not None and paid.get(key, 0) + p.amount_pence > amount:
            left = amount - paid.get(key, 0)
            problem(
                "amount", f"at most {pounds(max(left, 0))} GBP (outstanding on {p.obligation})", pounds(p.amount_pence)
            )
            continue
        paid[key] = paid.get(key, 0) + p.amount_pence
        accepted.append(p)
    if problems:
        raise DataValidationError(problems)
    return _insert_payments(writer, accepted, reverses=None)


def _insert_payments(writer: Writer, items: Sequence[PaymentInput], reverses: Sequence[int] | None) -> list[int]:
    """Insert payments and their ledger postings, and audit each (content built as ``records`` reads it)."""
    if not items:
        return []
    connection = writer.connection
    stamp = now()
    rows = [
        {
            "agreement": p.agreement,
            "obligation": p.obligation,
            "amount_pence": p.amount_pence,
            "received_on": p.received_on,
            "reference": p.reference,
            "reverses": None if reverses is None else reverses[i],
            "recorded_at": stamp,
        }
        for i, p in enumerate(items)
    ]
    ids = [
        int(r[0])
        for r in connection.execute(payments.insert().returning(payments.c.id, sort_by_parameter_order=True), rows)
    ]
    postings = []
    for pid, row in zip(ids, rows):
        for account in ("in", "held"):
            postings.append(
                {
                    "payment": pid,
                    "distribution": None,
                    "agreement": row["agreement"],
                    "agreement_row": None,
                    "account": account,
                    "payee": None,
                    "amount_pence": row["amount_pence"],
                    "posted_on": row["received_on"],
                }
            )
    posted = [
        int(r[0])
        for r in connection.execute(ledger.insert().returning(ledger.c.id, sort_by_parameter_order=True), postings)
    ]
    from .schema import audit
    from .store import canonical_json, row_digest

    audits = []
    for n, (pid, row) in enumerate(zip(ids, rows)):
        lines = [{k: v for k, v in postings[2 * n + j].items()} for j in (0, 1)]
        order = sorted(range(2), key=lambda j: posted[2 * n + j])
        digest = row_digest({"payment": {"id": pid, **row}, "ledger": [lines[j] for j in order]})
        audits.append(
            {
                "at": stamp,
                "who": writer.actor.who,
                "command": writer.actor.command,
                "action": "payment" if reverses is None else "reverse",
                "entity": "payment",
                "entity_id": pid,
                "digest": digest,
                "detail": canonical_json(
                    {
                        "agreement": row["agreement"],
                        "obligation": row["obligation"],
                        "amount_pence": row["amount_pence"],
                    }
                ),
            }
        )
    connection.execute(audit.insert(), audits)
    return ids


@dataclass(frozen=True)
class RoyaltyOutcome:
    """A royalty report as recorded: what the period's revenue (and profit) make due, after the cap."""

    entry: int
    agreement: str
    period: str
    net_revenue_pence: int
    rate: str
    royalty_pence: int
    uncapped_pence: int
    cap_pence: int | None
    capped: bool
    profit_share_pence: int
    due_on: date | None


def _rate(terms: dict[str, Any], term: str) -> Decimal:
    value = terms.get(term)
    return Decimal(repr(value)) if isinstance(value, (int, float)) and not isinstance(value, bool) else Decimal(0)


def record_royalty(
    writer: Writer,
    agreement: str,
    period: Period,
    net_revenue_pence: int,
    reported_on: date,
    profit_pence: int | None = None,
) -> RoyaltyOutcome:
    """Record one period's report: the royalty due is the rate on net revenue, no more than what is left
    under the cap after every earlier report; with a profit share, its rate on the period's profit."""
    connection = writer.connection
    row = agreement_row(connection, agreement)
    terms = {t["term"]: t["value"] for t in json.loads(row["terms"])["terms"]}
    rate, share = _rate(terms, "royalty"), _rate(terms, "profit_share")
    label = period.label
    if rate == 0 and share == 0:
        raise ParameterError(
            "AGREEMENT", "an agreement with a royalty or a profit share", f"{agreement} ({row['option']}: neither)"
        )
    owed = _current_obligations(connection, row["id"])
    ob = owed.get(f"royalty:{label}")
    if ob is None:
        periods = sorted(k.split(":", 1)[1] for k, v in owed.items() if v["kind"] == "royalty")
        raise ParameterError("period", f"a quarter of the royalty term ({periods[0]}..{periods[-1]})", label)
    _not_before_signing(row, reported_on, "on")
    if reported_on <= period.end:
        raise ParameterError(
            "on", f"a report date after the period has ended ({period.end.isoformat()})", reported_on.isoformat()
        )
    reports = effective_reports(connection, [agreement])
    if (agreement, label) in reports:
        raise ParameterError(
            "period",
            f"a period not reported yet ({label} was reported on {reports[(agreement, label)]['reported_on'].isoformat()}; "
            "to correct it, reverse that report first)",
            label,
        )
    if share > 0 and profit_pence is None:
        raise ParameterError(
            "profit", f"the period's profit in GBP ({agreement} has a {share}% profit share)", "none given"
        )
    if share == 0 and profit_pence is not None:
        raise ParameterError("profit", f"no profit ({agreement} has no profit share)", profit_pence)
    uncapped = percent_of(rate, net_revenue_pence)
    cap_value = terms.get("royalty_cap")
    cap = None if not isinstance(cap_value, (int, float)) else int(round(Decimal(repr(cap_value)) * 100))
    so_far = int(
        connection.execute(
            select(func.coalesce(func.sum(royalty_reports.c.royalty_pence), 0)).where(
                royalty_reports.c.agreement == agreement
            )
        ).scalar_one()
    )
    royalty = uncapped if cap is None else max(0, min(uncapped, cap - so_far))
    profit_share = percent_of(share, max(profit_pence or 0, 0))
    values = {
        "agreement": agreement,
        "agreement_row": row["id"],
        "period": label,
        "net_revenue_pence": net_revenue_pence,
        "rate": str(rate),
        "royalty_pence": royalty,
        "cap_pence": cap,
        "capped": royalty < uncapped,
        "profit_pence": profit_pence,
        "profit_share_rate": str(share) if share else None,
        "profit_share_pence": profit_share,
        "reported_on": reported_on,
        "reverses": None,
        "recorded_at": now(),
    }
    entry = writer.insert(royalty_reports, values)
    writer.audit(
        "royalty",
        "royalty_report",
        entry,
        content(connection, "royalty_report", entry) or {},
        agreement=agreement,
        period=label,
    )
    return RoyaltyOutcome(
        entry,
        agreement,
        label,
        net_revenue_pence,
        str(rate),
        royalty,
        uncapped,
        cap,
        royalty < uncapped,
        profit_share,
        ob["due_on"],
    )


def reverse(writer: Writer, entry: str, reason: str, on: date) -> dict[str, Any]:
    """A reversing entry for ``payment:ID``, ``event:ID`` or ``royalty:ID``: the original stays, the
    reversal cancels it (a payment's reversal posts the negative amount to the ledger)."""
    kind, _, number = entry.partition(":")
    if kind not in ENTRY_KINDS or not number.isdigit():
        raise ParameterError("ENTRY", "payment:ID, event:ID or royalty:ID (ids as register show prints them)", entry)
    if not reason.strip():
        raise ParameterError("reason", "why the entry is reversed (kept in the audit trail)", repr(reason))
    table = ENTRY_KINDS[kind]
    connection = writer.connection
    original = connection.execute(select(table).where(table.c.id == int(number))).mappings().first()
    if original is None:
        raise ParameterError("ENTRY", f"an existing {kind} entry", entry)
    if original["reverses"] is not None:
        raise ParameterError(
            "ENTRY",
            f"an original entry (this one reverses {kind}:{original['reverses']}: record the entry again instead)",
            entry,
        )
    again = connection.execute(select(table.c.id).where(table.c.reverses == int(number))).first()
    if again is not None:
        raise ParameterError("ENTRY", f"an entry not reversed yet ({kind}:{again[0]} reverses it)", entry)
    dated = original.get("received_on") or original.get("occurred_on") or original.get("reported_on")
    if on < dated:
        raise ParameterError("on", f"a date on or after the entry it reverses ({dated.isoformat()})", on.isoformat())
    if kind == "payment":
        (new,) = _insert_payments(
            writer,
            [
                PaymentInput(
                    original["agreement"],
                    original["obligation"],
                    -int(original["amount_pence"]),
                    on,
                    f"reverses payment:{number}: {reason}",
                )
            ],
            reverses=[int(number)],
        )
        return {"reversal": f"payment:{new}", "reverses": entry}
    values = {k: v for k, v in dict(original).items() if k != "id"}
    values.update(reverses=int(number), recorded_at=now())
    if kind == "event":
        values.update(occurred_on=on, note=f"reverses event:{number}: {reason}")
        entity = "event"
    else:
        values.update(
            reported_on=on,
            net_revenue_pence=-int(original["net_revenue_pence"]),
            royalty_pence=-int(original["royalty_pence"]),
            profit_pence=None if original["profit_pence"] is None else -int(original["profit_pence"]),
            profit_share_pence=-int(original["profit_share_pence"]),
        )
        entity = "royalty_report"
    new = writer.insert(table, values)
    writer.audit("reverse", entity, new, content(connection, entity, new) or {}, reverses=entry, reason=reason)
    return {"reversal": f"{kind}:{new}", "reverses": entry}
