"""One agreement as the register holds it: its versions, terms, sites and shares, obligations on a date,
payments, events and royalty reports, and where the money went. What ``register show`` prints and the
register notebook shows."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, select

from .money import pounds
from .queries import ObligationState, agreement_row, sites_of, states
from .schema import agreements, events, ledger, payments, royalty_reports

__all__ = ["AgreementView", "agreement_view"]


@dataclass(frozen=True)
class AgreementView:
    """An agreement's record, read in one transaction."""

    row: dict[str, Any]
    versions: tuple[dict[str, Any], ...]
    sites: tuple[dict[str, Any], ...]
    obligations: tuple[ObligationState, ...]
    payments: tuple[dict[str, Any], ...]
    events: tuple[dict[str, Any], ...]
    royalties: tuple[dict[str, Any], ...]
    allotted: dict[str, int]  # payee -> pence distributed to it from this agreement
    received_pence: int
    held_pence: int
    as_of: date

    @property
    def terms(self) -> list[dict[str, Any]]:
        """The terms as signed (each term's value, unit, rules, rationale and source)."""
        return json.loads(self.row["terms"])["terms"]

    @property
    def valuation(self) -> dict[str, Any]:
        """The valuation at signing (rNPV, the cash expected by year, draws and seed)."""
        return json.loads(self.row["valuation"])

    def to_dict(self) -> dict[str, Any]:
        """The agreement as ``register show --json`` prints it."""
        r = self.row
        return {
            "agreement": r["agreement"],
            "version": r["version"],
            "versions": [{**v, "signed_on": v["signed_on"].isoformat()} for v in self.versions],
            "request": r["request"],
            "requester_index": r["requester_index"],
            "partner": r["partner"],
            "partner_kind": r["partner_kind"],
            "purpose": r["purpose"],
            "option": r["option"],
            "recommended": r["recommended"],
            "assumed": json.loads(r["assumed"]),
            "signed_on": r["signed_on"].isoformat(),
            "starts_on": r["starts_on"].isoformat(),
            "minute": r["minute"],
            "signed_by": r["signed_by"],
            "terms": self.terms,
            "compliance": json.loads(r["compliance"]),
            "valuation": self.valuation,
            "split_rule": r["split_rule"],
            "broker": {"name": r["broker"], "share": r["broker_share_ppb"] / 1e9},
            "sites_assumed": bool(r["sites_assumed"]),
            "sites": [
                {"site": s["site"], "kind": s["kind"], "images": s["images"], "share": s["share_ppb"] / 1e9}
                for s in self.sites
            ],
            "digests": json.loads(r["digests"]),
            "package_version": r["package_version"],
            "as_of": self.as_of.isoformat(),
            "obligations": [s.to_dict() for s in self.obligations],
            "payments": [
                {**p, "received_on": p["received_on"].isoformat(), "amount_gbp": pounds(p["amount_pence"])}
                for p in self.payments
            ],
            "events": [{**e, "occurred_on": e["occurred_on"].isoformat()} for e in self.events],
            "royalty_reports": [{**x, "reported_on": x["reported_on"].isoformat()} for x in self.royalties],
            "received_gbp": pounds(self.received_pence),
            "held_gbp": pounds(self.held_pence),
            "allotted_gbp": {payee: pounds(p) for payee, p in sorted(self.allotted.items())},
        }

    def text(self) -> str:
        """The agreement as ``register show`` prints it."""
        r = self.row
        lines = [
            f"{r['agreement']} version {r['version']}: {r['option_label']} with {r['partner']} ({r['partner_kind']})",
            f"  signed {r['starts_on'].isoformat()}"
            + (f", varied {r['signed_on'].isoformat()}" if r["version"] > 1 else "")
            + f" (minute {r['minute']}, recorded by {r['signed_by']}); request {r['request']}, requester {r['requester_index']}",
            f"  received GBP {pounds(self.received_pence)}, held GBP {pounds(self.held_pence)}; split: {r['split_rule']}, "
            f"{r['broker']} {r['broker_share_ppb'] / 1e7:.1f}% first",
            "Obligations as of " + self.as_of.isoformat() + ":",
        ]
        for s in self.obligations:
            amount = pounds(s.amount_pence) if s.amount_pence is not None else ""
            lines.append(
                f"  {s.obligation:28} {s.state:9} {s.due_on.isoformat() if s.due_on else '':10} {amount:>14}  {s.label}"
            )
        if self.payments:
            lines.append("Payments:")
            lines += [
                f"  payment:{p['id']:<6} {p['received_on'].isoformat()} {p['obligation']:28} {pounds(p['amount_pence']):>14}  {p['reference']}"
                for p in self.payments
            ]
        if self.events:
            lines.append("Events:")
            lines += [
                f"  event:{e['id']:<8} {e['occurred_on'].isoformat()} {e['event']}  {e['note']}" for e in self.events
            ]
        if self.royalties:
            lines.append("Royalty reports:")
            lines += [
                f"  royalty:{x['id']:<6} {x['period']} net revenue {pounds(x['net_revenue_pence'])}: royalty {pounds(x['royalty_pence'])}"
                + (" (capped)" if x["capped"] else "")
                for x in self.royalties
            ]
        if self.allotted:
            lines.append("Distributed:")
            lines += [f"  {payee:60} {pounds(p):>14}" for payee, p in sorted(self.allotted.items())]
        return "\n".join(lines)


def agreement_view(connection: Connection, agreement: str, as_of: date, *, version: int | None = None) -> AgreementView:
    """The agreement (its latest version, or ``version``), its obligations as they stood on ``as_of``."""
    row = agreement_row(connection, agreement, version)
    versions = tuple(
        dict(v)
        for v in connection.execute(
            select(agreements.c.version, agreements.c.signed_on, agreements.c.minute, agreements.c.option)
            .where(agreements.c.agreement == agreement)
            .order_by(agreements.c.version)
        ).mappings()
    )
    paid = tuple(
        dict(p)
        for p in connection.execute(
            select(payments).where(payments.c.agreement == agreement).order_by(payments.c.id)
        ).mappings()
    )
    happened = tuple(
        dict(e)
        for e in connection.execute(
            select(events).where(events.c.agreement == agreement).order_by(events.c.id)
        ).mappings()
    )
    reports = tuple(
        dict(x)
        for x in connection.execute(
            select(royalty_reports).where(royalty_reports.c.agreement == agreement).order_by(royalty_reports.c.id)
        ).mappings()
    )
    allotted: dict[str, int] = defaultdict(int)
    held = 0
    for account, payee, amount in connection.execute(
        select(ledger.c.account, ledger.c.payee, ledger.c.amount_pence).where(ledger.c.agreement == agreement)
    ):
        if account in ("trust", "broker"):
            allotted[payee] += int(amount)
        elif account == "held":
            held += int(amount)
    owed = tuple(states(connection, as_of, only=[agreement])) if version is None else ()
    return AgreementView(
        row,
        versions,
        tuple(sites_of(connection, row["id"])),
        owed,
        paid,
        happened,
        reports,
        dict(allotted),
        sum(int(p["amount_pence"]) for p in paid),
        held,
        as_of,
    )
