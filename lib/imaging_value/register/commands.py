"""The ``imaging-value register`` sub-commands: each parses its arguments, runs in one transaction (the
writes audited), and returns its answer with the function that prints it as text.

A bad argument or a change the register refuses is a :class:`~imaging_value.core.errors.ParameterError`
(or a :class:`~imaging_value.core.errors.DataValidationError` listing every problem) raised before the
transaction commits, so nothing is written; the command line prints it as one ``error:`` line and exits 2.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from ..core.errors import ImagingValueError, ParameterError
from .money import parse_pence, pounds
from .periods import parse_date, parse_period

__all__ = ["run_register"]

Answer = tuple[dict[str, Any], Callable[[dict[str, Any]], str]]


def _actor(args: Any, argv: Sequence[str]) -> Any:
    from .store import Actor

    return Actor.current(getattr(args, "by", None), shlex.join(["imaging-value", *argv]))


def _today() -> date:
    return date.today()


def _assume(pairs: Sequence[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise ParameterError("assume", "FACT=VALUE, e.g. profit_stage=pre_profit", pair)
        if key.strip() in found:
            raise ParameterError("assume", "each fact once", pair)
        found[key.strip()] = value.strip()
    return found


def _agreement_id(text: str | None) -> str | None:
    import re

    if text is not None and not re.fullmatch(r"[a-z0-9][a-z0-9_\-]{0,119}", text):
        raise ParameterError(
            "id", "lower-case letters, digits, - and _ (at most 120), starting with a letter or digit", text
        )
    return text


def _shown(register: Any) -> str:
    return register.location.shown


# --- signing --------------------------------------------------------------------------


def _signing(args: Any, request: str, requester: int) -> tuple[Any, Any]:
    from .obligations import timing_for
    from .rules import load_register_dataset
    from .signing import prepare_option

    dataset = load_register_dataset(args.data)
    signing = prepare_option(dataset, request, requester, args.option, _assume(args.assume), split_rule=args.split_rule)
    return signing, timing_for(dataset)


def _signed_answer(register: Any, agreement: str, version: int) -> dict[str, Any]:
    from sqlalchemy import select

    from .queries import agreement_row, sites_of
    from .schema import obligations

    with register.reading() as connection:
        row = agreement_row(connection, agreement, version)
        owed = [
            dict(r)
            for r in connection.execute(
                select(obligations).where(obligations.c.agreement_row == row["id"]).order_by(obligations.c.id)
            ).mappings()
        ]
        sites = sites_of(connection, row["id"])
    valuation = json.loads(row["valuation"])
    return {
        "register": _shown(register),
        "agreement": agreement,
        "version": version,
        "option": row["option"],
        "recommended": row["recommended"],
        "signed_on": row["signed_on"].isoformat(),
        "minute": row["minute"],
        "assumed": json.loads(row["assumed"]),
        "rnpv": valuation["rnpv"],
        "split_rule": row["split_rule"],
        "sites_assumed": bool(row["sites_assumed"]),
        "sites": [{"site": s["site"], "share": s["share_ppb"] / 1e9} for s in sites],
        "obligations": [
            {
                "obligation": o["obligation"],
                "kind": o["kind"],
                "label": o["label"],
                "amount_gbp": pounds(o["amount_pence"]) or None,
                "due_on": o["due_on"].isoformat() if o["due_on"] else None,
                "awaits": o["awaits"],
            }
            for o in owed
        ],
    }


def _text_signed(a: dict[str, Any]) -> str:
    verb = "signed" if a["version"] == 1 else f"varied (version {a['version']})"
    lines = [
        f"{a['agreement']} {verb} on {a['signed_on']} (minute {a['minute']}): {a['option']}"
        + ("" if a["option"] == a["recommended"] else f" (the workbook recommends {a['recommended']})"),
        f"  rNPV at signing GBP {a['rnpv']['mean']:,.0f} (P10 {a['rnpv']['p10']:,.0f}, P90 {a['rnpv']['p90']:,.0f}); "
        f"split: {a['split_rule']} among {len(a['sites'])} site(s)",
    ]
    if a["sites_assumed"]:
        lines.append(
            "  note: the request names no sites, so they are assumed by kind; name the trusts in its contributions"
        )
    lines.append(f"  {len(a['obligations'])} obligations:")
    periods = [o for o in a["obligations"] if o["kind"] == "royalty"]
    for o in a["obligations"]:
        if o["kind"] == "royalty":
            if o is periods[0]:
                first, last = periods[0]["obligation"], periods[-1]["obligation"].split(":", 1)[1]
                lines.append(
                    f"    {first + '..' + last:32} {'':>14}  {len(periods)} quarterly reports, the first due {o['due_on']}"
                )
            continue
        when = o["due_on"] or (f"on {o['awaits']}" if o["awaits"] else "")
        lines.append(f"    {o['obligation']:32} {o['amount_gbp'] or '':>14}  {when}")
    return "\n".join(lines)


def _sign(args: Any, argv: Sequence[str]) -> Answer:
    from ..model.data import load_request
    from .rules import load_register_dataset
    from .signing import record_signing
    from .store import open_register

    signed_on = parse_date(args.signed_on, "signed-on")
    agreement = _agreement_id(args.id)
    request = load_request(args.request, load_register_dataset(args.data))
    requester = args.requester
    if requester is None:
        if len(request.requesters) != 1:
            raise ParameterError(
                "requester",
                f"--requester I, from 0 to {len(request.requesters) - 1} (the request has {len(request.requesters)} requesters)",
                "none given",
            )
        requester = 0
    signing, timing = _signing(args, args.request, requester)
    register = open_register(args.db, create=True)
    with register.writing(_actor(args, argv)) as writer:
        agreement, _row = record_signing(
            writer, signing, timing, signed_on=signed_on, minute=args.minute, agreement=agreement
        )
    return _signed_answer(register, agreement, 1), _text_signed


def _vary(args: Any, argv: Sequence[str]) -> Answer:
    from .queries import agreement_row
    from .signing import record_variation
    from .store import open_register

    signed_on = parse_date(args.signed_on, "signed-on")
    register = open_register(args.db)
    with register.reading() as connection:
        previous = agreement_row(connection, args.agreement)
    signing, timing = _signing(args, previous["request"], int(previous["requester_index"]))
    with register.writing(_actor(args, argv)) as writer:
        version, _row = record_variation(
            writer, args.agreement, signing, timing, signed_on=signed_on, minute=args.minute
        )
    return _signed_answer(register, args.agreement, version), _text_signed


# --- reading ------------------------------------------------------------------------


def _list(args: Any, argv: Sequence[str]) -> Answer:
    from .distribution import held_by_agreement
    from .queries import current_rows, received_by_agreement
    from .store import open_register

    register = open_register(args.db)
    with register.reading() as connection:
        rows = current_rows(connection)
        received = received_by_agreement(connection)
        held = held_by_agreement(connection)
    answer = {
        "register": _shown(register),
        "agreements": [
            {
                "agreement": a,
                "version": r["version"],
                "partner": r["partner"],
                "option": r["option"],
                "signed_on": r["starts_on"].isoformat(),
                "received_gbp": pounds(received.get(a, 0)),
                "held_gbp": pounds(held.get(a, 0)),
            }
            for a, r in rows.items()
        ],
    }

    def text(a: dict[str, Any]) -> str:
        if not a["agreements"]:
            return f"no agreements in {a['register']}"
        lines = [f"{'agreement':24} {'v':>2} {'signed':10} {'option':24} {'received':>14} {'held':>12}  partner"]
        lines += [
            f"{r['agreement']:24} {r['version']:>2} {r['signed_on']:10} {r['option']:24} {r['received_gbp']:>14} {r['held_gbp']:>12}  {r['partner']}"
            for r in a["agreements"]
        ]
        return "\n".join(lines)

    return answer, text


def _show(args: Any, argv: Sequence[str]) -> Answer:
    from .store import open_register
    from .views import agreement_view

    as_of = parse_date(args.as_of, "as-of") if args.as_of else _today()
    register = open_register(args.db)
    with register.reading() as connection:
        view = agreement_view(connection, args.agreement, as_of, version=args.version)
    answer = {"register": _shown(register), **view.to_dict()}
    return answer, lambda a: view.text()


def _due(args: Any, argv: Sequence[str]) -> Answer:
    from .queries import due
    from .store import open_register

    as_of = parse_date(args.as_of, "as-of") if args.as_of else _today()
    until = parse_date(args.until, "until") if args.until else None
    register = open_register(args.db)
    with register.reading() as connection:
        groups = due(connection, as_of, until, awaiting=args.awaiting)
    from .queries import default_until

    answer = {
        "register": _shown(register),
        "as_of": as_of.isoformat(),
        "until": (until or default_until(as_of)).isoformat(),
        **{name: [s.to_dict() for s in items] for name, items in groups.items()},
    }

    def text(a: dict[str, Any]) -> str:
        titles = {
            "overdue": "Overdue",
            "due": f"Due by {a['until']}",
            "ends": f"Ending by {a['until']}",
            "awaiting": "Awaiting an event",
        }
        lines = [f"As of {a['as_of']}:"]
        for name, title in titles.items():
            if name not in a:
                continue
            lines.append(f"{title}: {len(a[name])}")
            for s in a[name]:
                owed = pounds(s["outstanding_pence"]) if s["outstanding_pence"] is not None else ""
                lines.append(
                    f"  {s['due_on'] or '':10} {s['agreement']:24} {s['obligation']:28} {owed:>14}  {s['label']}"
                )
        return "\n".join(lines)

    return answer, text


# --- writing --------------------------------------------------------------------------


def _event(args: Any, argv: Sequence[str]) -> Answer:
    from .entries import record_event
    from .obligations import timing_for
    from .rules import load_register_dataset
    from .store import open_register

    on = parse_date(args.on, "on")
    timing = timing_for(load_register_dataset(args.data))
    register = open_register(args.db)
    with register.writing(_actor(args, argv)) as writer:
        entry = record_event(writer, args.agreement, args.event, on, timing, args.note)
    answer = {
        "register": _shown(register),
        "entry": f"event:{entry}",
        "agreement": args.agreement,
        "event": args.event,
        "on": on.isoformat(),
    }
    return answer, lambda a: f"recorded {a['entry']}: {a['agreement']} {a['event']} on {a['on']}"


def _payment(args: Any, argv: Sequence[str]) -> Answer:
    from .entries import PaymentInput, record_payments
    from .store import open_register

    amount = parse_pence(args.amount, "amount", allow_zero=False)
    on = parse_date(args.on, "on")
    register = open_register(args.db)
    with register.writing(_actor(args, argv)) as writer:
        (entry,) = record_payments(writer, [PaymentInput(args.agreement, args.obligation, amount, on, args.reference)])
    answer = {
        "register": _shown(register),
        "entry": f"payment:{entry}",
        "agreement": args.agreement,
        "obligation": args.obligation,
        "amount_gbp": pounds(amount),
        "on": on.isoformat(),
    }
    return (
        answer,
        lambda a: (
            f"recorded {a['entry']}: GBP {a['amount_gbp']} from {a['agreement']} for {a['obligation']} on {a['on']}"
        ),
    )


def _royalty(args: Any, argv: Sequence[str]) -> Answer:
    from .entries import record_royalty
    from .store import open_register

    period = parse_period(args.period)
    revenue = parse_pence(args.net_revenue, "net-revenue")
    profit = None if args.profit is None else _signed_pence(args.profit, "profit")
    on = parse_date(args.on, "on") if args.on else _today()
    register = open_register(args.db)
    with register.writing(_actor(args, argv)) as writer:
        outcome = record_royalty(writer, args.agreement, period, revenue, on, profit)
    answer = {
        "register": _shown(register),
        "entry": f"royalty:{outcome.entry}",
        "agreement": outcome.agreement,
        "period": outcome.period,
        "net_revenue_gbp": pounds(outcome.net_revenue_pence),
        "rate_percent": outcome.rate,
        "royalty_gbp": pounds(outcome.royalty_pence),
        "before_cap_gbp": pounds(outcome.uncapped_pence),
        "cap_gbp": pounds(outcome.cap_pence) or None,
        "capped": outcome.capped,
        "profit_share_gbp": pounds(outcome.profit_share_pence),
        "due_on": outcome.due_on.isoformat() if outcome.due_on else None,
    }

    def text(a: dict[str, Any]) -> str:
        line = f"recorded {a['entry']}: {a['agreement']} {a['period']}: royalty GBP {a['royalty_gbp']} ({a['rate_percent']}% of {a['net_revenue_gbp']})"
        if a["capped"]:
            line += f", capped (GBP {a['before_cap_gbp']} before the cap of {a['cap_gbp']})"
        if a["profit_share_gbp"] != "0.00":
            line += f"; profit share GBP {a['profit_share_gbp']}"
        return line + (f"; due by {a['due_on']}" if a["due_on"] else "")

    return answer, text


def _signed_pence(text: str, field: str) -> int:
    """A profit may be a loss: a plain amount, negative allowed (a loss owes no profit share)."""
    shown = str(text).strip()
    negative = shown.startswith("-")
    pence = parse_pence(shown[1:] if negative else shown, field)
    return -pence if negative else pence


def _reverse(args: Any, argv: Sequence[str]) -> Answer:
    from .entries import reverse
    from .store import open_register

    on = parse_date(args.on, "on") if args.on else _today()
    register = open_register(args.db)
    with register.writing(_actor(args, argv)) as writer:
        done = reverse(writer, args.entry, args.reason, on)
    answer = {"register": _shown(register), **done, "on": on.isoformat(), "reason": args.reason}
    return answer, lambda a: f"recorded {a['reversal']}, reversing {a['reverses']} on {a['on']}"


def _distribute(args: Any, argv: Sequence[str]) -> Answer:
    from .distribution import distribute
    from .outputs import write_statements
    from .store import open_register

    as_of = parse_date(args.as_of, "as-of")
    register = open_register(args.db)
    with register.writing(_actor(args, argv)) as writer:
        run = distribute(writer, as_of)
    written = []
    if args.statements is not None:
        with register.reading() as connection:
            written = [str(p) for p in write_statements(connection, args.statements, _shown(register))]
    answer = {
        "register": _shown(register),
        "distribution": None if run.entry is None else f"distribution:{run.entry}",
        "as_of": as_of.isoformat(),
        "total_gbp": pounds(run.total_pence),
        "agreements": len({line[0] for line in run.lines}),
        "payees": {payee: pounds(p) for payee, p in run.by_payee.items()},
        "statements": written,
    }

    def text(a: dict[str, Any]) -> str:
        if a["distribution"] is None:
            return f"nothing held on {a['as_of']}: nothing to distribute"
        lines = [f"{a['distribution']}: GBP {a['total_gbp']} from {a['agreements']} agreement(s), as of {a['as_of']}"]
        lines += [f"  {p:60} {amount:>14}" for p, amount in a["payees"].items()]
        lines += [f"wrote {p}" for p in a["statements"]]
        return "\n".join(lines)

    return answer, text


def _statements(args: Any, argv: Sequence[str]) -> Answer:
    from .outputs import write_statements
    from .store import open_register

    register = open_register(args.db)
    with register.reading() as connection:
        written = [str(p) for p in write_statements(connection, args.out, _shown(register))]
    return {
        "register": _shown(register),
        "written": written,
    }, lambda a: "\n".join(f"wrote {p}" for p in a["written"]) or "no trust has been allotted anything yet"


def _export(args: Any, argv: Sequence[str]) -> Answer:
    from .outputs import export_tables
    from .store import open_register

    register = open_register(args.db)
    with register.reading() as connection:
        written = [str(p) for p in export_tables(connection, args.out)]
    return {"register": _shown(register), "written": written}, lambda a: "\n".join(f"wrote {p}" for p in a["written"])


def _check(args: Any, argv: Sequence[str]) -> Answer:
    from .checks import check
    from .store import RegisterError, open_register

    register = open_register(args.db)
    with register.reading() as connection:
        result = check(connection)
    if not result.ok:
        raise RegisterError(
            f"register check: {len(result.problems)} problem(s) in {_shown(register)}: " + "; ".join(result.problems)
        )
    answer = {
        "register": _shown(register),
        **result.to_dict(),
        "totals_gbp": {k: pounds(v) for k, v in result.totals.items()},
    }

    def text(a: dict[str, Any]) -> str:
        t = a["totals_gbp"]
        counts = ", ".join(f"{n} {what}" for what, n in a["counts"].items())
        return (
            f"register {a['register']}: the ledger balances: in {t['in']} = held {t['held']} + trusts {t['trusts']} "
            f"+ broker {t['broker']}; the audit trail is complete ({counts})"
        )

    return answer, text


HANDLERS: dict[str, Callable[[Any, Sequence[str]], Answer]] = {
    "sign": _sign,
    "vary": _vary,
    "list": _list,
    "show": _show,
    "due": _due,
    "event": _event,
    "payment": _payment,
    "royalty": _royalty,
    "reverse": _reverse,
    "distribute": _distribute,
    "statements": _statements,
    "export": _export,
    "check": _check,
}


def run_register(args: Any, argv: Sequence[str]) -> Answer:
    """Run one ``register`` sub-command; database failures become one-line :class:`ImagingValueError` s."""
    from sqlalchemy.exc import SQLAlchemyError

    from .store import RegisterError

    try:
        return HANDLERS[args.register_command](args, argv)
    except ImagingValueError:
        raise
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise RegisterError(f"register: {reason}") from None
