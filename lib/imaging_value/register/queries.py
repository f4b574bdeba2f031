"""Reading the register: agreements, what each obligation's state is on a date, what is due, what each
trust is owed, and every table for export.

An obligation's state as of a date counts only the events, payments and reports dated on or before it
(reversed entries and their reversals cancel out), so the register can be read as it stood on any day.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, and_, func, or_, select

from ..core.errors import ParameterError
from .obligations import DATE_KINDS, DELIVERABLE_KINDS, Obligation
from .periods import add_months, quarter_end
from .schema import agreement_sites, agreements, events, ledger, obligations, payments, royalty_reports

__all__ = [
    "ObligationState",
    "STATES",
    "current_rows",
    "agreement_row",
    "unknown_agreement",
    "effective_events",
    "effective_reports",
    "paid_by_obligation",
    "settled_obligations",
    "states",
    "due",
    "sites_of",
    "trust_statements",
    "received_by_agreement",
    "default_until",
]

STATES = ("overdue", "due", "upcoming", "awaiting", "settled", "ends", "ended", "open", "not_owed")


@dataclass(frozen=True)
class ObligationState:
    """One obligation as it stood on a date: what is owed, what was paid, when it is due and its state."""

    agreement: str
    partner: str
    obligation: str
    kind: str
    label: str
    amount_pence: int | None
    paid_pence: int
    outstanding_pence: int | None
    due_on: date | None
    state: str  # one of STATES
    detail: str

    def to_dict(self) -> dict[str, Any]:
        """The state as the commands' JSON gives it (the due date as ISO text)."""
        out = asdict(self)
        out["due_on"] = None if self.due_on is None else self.due_on.isoformat()
        return out


def default_until(as_of: date) -> date:
    """The end of the quarter ``as_of`` is in: ``due`` looks that far ahead unless told otherwise."""
    return quarter_end(as_of)


def _current_ids() -> Any:
    return select(func.max(agreements.c.id)).group_by(agreements.c.agreement)


def current_rows(connection: Connection, only: Iterable[str] | None = None) -> dict[str, dict[str, Any]]:
    """The latest version of each agreement (or of those named), by agreement id."""
    query = select(agreements).where(agreements.c.id.in_(_current_ids()))
    if only is not None:
        query = query.where(agreements.c.agreement.in_(list(only)))
    return {r["agreement"]: dict(r) for r in connection.execute(query.order_by(agreements.c.agreement)).mappings()}


def unknown_agreement(connection: Connection, agreement: str) -> ParameterError:
    """The error for an agreement id the register does not hold (naming some it does)."""
    known = list(
        connection.execute(
            select(agreements.c.agreement).distinct().order_by(agreements.c.agreement).limit(8)
        ).scalars()
    )
    more = ", ..." if len(known) == 8 else ""
    return ParameterError(
        "AGREEMENT",
        f"an agreement in the register ({', '.join(known) + more if known else 'none signed yet'})",
        agreement,
    )


def agreement_row(connection: Connection, agreement: str, version: int | None = None) -> dict[str, Any]:
    """An agreement's latest version (or the one asked for); an unknown id is a ParameterError."""
    query = select(agreements).where(agreements.c.agreement == agreement)
    query = query.where(agreements.c.version == version) if version is not None else query
    row = connection.execute(query.order_by(agreements.c.version.desc()).limit(1)).mappings().first()
    if row is None:
        if (
            version is not None
            and connection.execute(select(agreements.c.id).where(agreements.c.agreement == agreement)).first()
        ):
            raise ParameterError("version", f"a version of {agreement} in the register", version)
        raise unknown_agreement(connection, agreement)
    return dict(row)


def _live(table: Any) -> Any:
    """Rows of an entry table that are neither reversals nor reversed."""
    reversed_ids = select(table.c.reverses).where(table.c.reverses.is_not(None))
    return and_(table.c.reverses.is_(None), table.c.id.not_in(reversed_ids))


def effective_events(
    connection: Connection, only: Iterable[str] | None = None, as_of: date | None = None
) -> dict[tuple[str, str], date]:
    """{(agreement, event): the date it happened} for every event not reversed (dated on or before ``as_of``)."""
    query = select(events.c.agreement, events.c.event, events.c.occurred_on).where(_live(events))
    if only is not None:
        query = query.where(events.c.agreement.in_(list(only)))
    if as_of is not None:
        query = query.where(events.c.occurred_on <= as_of)
    return {(a, e): d for a, e, d in connection.execute(query)}


def effective_reports(
    connection: Connection, only: Iterable[str] | None = None, as_of: date | None = None
) -> dict[tuple[str, str], dict[str, Any]]:
    """{(agreement, period): its royalty report} for every report not reversed (reported on or before ``as_of``)."""
    query = select(royalty_reports).where(_live(royalty_reports))
    if only is not None:
        query = query.where(royalty_reports.c.agreement.in_(list(only)))
    if as_of is not None:
        query = query.where(royalty_reports.c.reported_on <= as_of)
    return {(r["agreement"], r["period"]): dict(r) for r in connection.execute(query).mappings()}


def paid_by_obligation(
    connection: Connection, only: Iterable[str] | None = None, as_of: date | None = None
) -> dict[tuple[str, str], int]:
    """{(agreement, obligation): pence received} (reversals subtract), received on or before ``as_of``."""
    query = select(payments.c.agreement, payments.c.obligation, func.sum(payments.c.amount_pence)).group_by(
        payments.c.agreement, payments.c.obligation
    )
    if only is not None:
        query = query.where(payments.c.agreement.in_(list(only)))
    if as_of is not None:
        query = query.where(payments.c.received_on <= as_of)
    return {(a, o): int(total) for a, o, total in connection.execute(query)}


def settled_obligations(connection: Connection, agreement: str) -> set[str]:
    """The obligations of an agreement something has been paid, reported or delivered against."""
    done = {o for (_a, o), total in paid_by_obligation(connection, [agreement]).items() if total > 0}
    done |= {f"royalty:{p}" for (_a, p) in effective_reports(connection, [agreement])}
    done |= {e.split(":", 1)[1] for (_a, e) in effective_events(connection, [agreement]) if e.startswith("delivered:")}
    return done


def _first(awaits: tuple[str, ...], happened: Mapping[str, date]) -> date | None:
    dates = [happened[e] for e in awaits if e in happened]
    return min(dates) if dates else None


def _state(
    o: Obligation,
    agreement: str,
    partner: str,
    as_of: date,
    until: date,
    happened: Mapping[str, date],
    paid: int,
    report: Mapping[str, Any] | None,
    cap_reached: bool,
) -> ObligationState:
    def make(
        amount: int | None, outstanding: int | None, due_on: date | None, state: str, detail: str
    ) -> ObligationState:
        return ObligationState(
            agreement, partner, o.obligation, o.kind, o.label, amount, paid, outstanding, due_on, state, detail
        )

    def by_date(due_on: date | None) -> str:
        if due_on is None:
            return "awaiting"
        return "overdue" if due_on < as_of else "due" if due_on <= until else "upcoming"

    started = _first(o.awaits, happened)
    if o.kind in DATE_KINDS:
        if o.kind == "window":
            if started is None:
                return make(None, None, None, "awaiting", "starts at " + " or ".join(o.awaits))
            ends = add_months(started, o.window_months or 0)
            state = "ended" if ends < as_of else "ends" if ends <= until else "open"
            return make(None, None, ends, state, f"from {started.isoformat()}")
        ends = o.due_on
        state = (
            "ended"
            if ends is not None and ends < as_of
            else "ends"
            if ends is not None and ends <= until
            else "upcoming"
        )
        return make(None, None, ends, state, "")
    due_on = (
        o.due_on if o.due_on is not None else (None if started is None else started + timedelta(days=o.after_days or 0))
    )
    awaited = "" if o.due_on is not None or started is not None else "awaits " + " or ".join(o.awaits)
    if o.kind in DELIVERABLE_KINDS:
        delivered = happened.get(f"delivered:{o.obligation}")
        if delivered is not None:
            detail = f"delivered {delivered.isoformat()}"
            return make(o.amount_pence, None, due_on, "settled", detail)
        return make(o.amount_pence, None, due_on, by_date(due_on), awaited or "not yet delivered")
    if o.kind == "royalty":
        if report is None:
            if cap_reached:
                return make(None, None, o.due_on, "not_owed", "the royalty cap has been reached")
            return make(None, None, o.due_on, by_date(o.due_on), "report not yet received")
        amount = int(report["royalty_pence"]) + int(report["profit_share_pence"])
        outstanding = amount - paid
        detail = f"reported {report['reported_on'].isoformat()}" + (" (capped)" if report["capped"] else "")
        return make(amount, outstanding, o.due_on, "settled" if outstanding <= 0 else by_date(o.due_on), detail)
    amount = o.amount_pence or 0
    outstanding = amount - paid
    if outstanding <= 0:
        return make(amount, outstanding, due_on, "settled", "")
    return make(amount, outstanding, due_on, by_date(due_on), awaited)


def states(
    connection: Connection,
    as_of: date,
    until: date | None = None,
    only: Iterable[str] | None = None,
    *,
    due_by: date | None = None,
) -> list[ObligationState]:
    """Every obligation of the current versions (of the agreements named), as it stood on ``as_of``.

    ``until`` (default: the end of ``as_of``'s quarter) separates "due" from "upcoming". ``due_by``
    leaves out obligations due after it (those waiting for an event are kept), for a quicker ``due``.
    """
    until = until or default_until(as_of)
    names = None if only is None else list(only)
    o = obligations.c
    query = (
        select(
            agreements.c.agreement,
            agreements.c.partner,
            o.obligation,
            o.kind,
            o.label,
            o.amount_pence,
            o.due_on,
            o.awaits,
            o.after_days,
            o.window_months,
            o.period_start,
            o.period_end,
            o.carried,
        )
        .join(agreements, o.agreement_row == agreements.c.id)
        .where(o.agreement_row.in_(_current_ids()))
    )
    if names is not None:
        query = query.where(agreements.c.agreement.in_(names))
    if due_by is not None:
        query = query.where(or_(o.due_on.is_(None), o.due_on <= due_by, o.kind == "date"))
    happened: dict[str, dict[str, date]] = defaultdict(dict)
    for (a, e), d in effective_events(connection, names, as_of).items():
        happened[a][e] = d
    paid = paid_by_obligation(connection, names, as_of)
    reports = effective_reports(connection, names, as_of)
    capped = _caps_reached(reports)
    found = []
    for a, partner, *fields in connection.execute(query.order_by(agreements.c.agreement, o.id)):
        ob = Obligation(
            fields[0],
            fields[1],
            fields[2],
            fields[3],
            fields[4],
            tuple(fields[5].split("|")) if fields[5] else (),
            *fields[6:10],
            bool(fields[10]),
        )
        royalty = ob.kind == "royalty"
        found.append(
            _state(
                ob,
                a,
                partner,
                as_of,
                until,
                happened[a],
                paid.get((a, ob.obligation), 0),
                reports.get((a, ob.obligation[8:])) if royalty else None,
                royalty and a in capped,
            )
        )
    return found


def _caps_reached(reports: Mapping[tuple[str, str], Mapping[str, Any]]) -> set[str]:
    """Agreements whose royalty has reached its cap (as its latest report applied it) and that owe no
    profit share: no more reports are owed."""
    totals: dict[str, int] = defaultdict(int)
    latest: dict[str, Mapping[str, Any]] = {}
    for (a, _p), r in reports.items():
        totals[a] += int(r["royalty_pence"])
        if a not in latest or r["id"] > latest[a]["id"]:
            latest[a] = r
    return {
        a
        for a, total in totals.items()
        if latest[a]["cap_pence"] is not None
        and total >= int(latest[a]["cap_pence"])
        and not latest[a]["profit_share_rate"]
    }


def _due_order(s: ObligationState) -> tuple[date, str, str]:
    return (s.due_on or date.max, s.agreement, s.obligation)


def due(
    connection: Connection, as_of: date, until: date | None = None, *, awaiting: bool = False
) -> dict[str, list[ObligationState]]:
    """What is overdue on ``as_of``, what falls due by ``until`` (default: the quarter's end), which dates
    end by then, and (``awaiting``) what waits for an event."""
    until = until or default_until(as_of)
    if until < as_of:
        raise ParameterError("until", f"a date on or after --as-of ({as_of.isoformat()})", until.isoformat())
    found = states(connection, as_of, until, due_by=until)
    groups: dict[str, list[ObligationState]] = {"overdue": [], "due": [], "ends": []}
    if awaiting:
        groups["awaiting"] = []
    for s in found:
        if s.state in groups:
            groups[s.state].append(s)
    for items in groups.values():
        items.sort(key=_due_order)
    return groups


def sites_of(connection: Connection, row_id: int) -> list[dict[str, Any]]:
    """An agreement version's contributing sites and their shares, in order."""
    query = (
        select(agreement_sites).where(agreement_sites.c.agreement_row == row_id).order_by(agreement_sites.c.position)
    )
    return [dict(r) for r in connection.execute(query).mappings()]


def received_by_agreement(connection: Connection, as_of: date | None = None) -> dict[str, int]:
    """{agreement: pence received} (reversals subtract), on or before ``as_of``."""
    query = select(payments.c.agreement, func.sum(payments.c.amount_pence)).group_by(payments.c.agreement)
    if as_of is not None:
        query = query.where(payments.c.received_on <= as_of)
    return {a: int(total) for a, total in connection.execute(query)}


def trust_statements(connection: Connection) -> dict[str, list[dict[str, Any]]]:
    """{trust: [{agreement, partner, distribution, as_of, amount_pence}]}: what each trust has been allotted,
    from which agreements, by each distribution."""
    from .schema import distributions

    partners = {a: r["partner"] for a, r in current_rows(connection).items()}
    query = (
        select(ledger.c.payee, ledger.c.agreement, ledger.c.distribution, distributions.c.as_of, ledger.c.amount_pence)
        .join(distributions, ledger.c.distribution == distributions.c.id)
        .where(ledger.c.account == "trust")
        .order_by(ledger.c.payee, distributions.c.as_of, ledger.c.agreement)
    )
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for payee, agreement, distribution, as_of, amount in connection.execute(query):
        found[payee].append(
            {
                "agreement": agreement,
                "partner": partners.get(agreement, ""),
                "distribution": distribution,
                "as_of": as_of,
                "amount_pence": int(amount),
            }
        )
    return dict(found)
