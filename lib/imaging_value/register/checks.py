"""``register check``: the ledger balances, every entry is where the journal says, and the audit trail is
complete and matches what it records.

Checked, overall and for each agreement: money in = money held + money distributed to trusts + the
broker's share; every payment posted its amount to ``in`` and ``held``, on the day it was received;
every distribution took from ``held`` exactly what it gave its payees, and each agreement's part was
shared by that agreement's split to the penny (recomputed); every reversal cancels an original entry
of its own kind, once. The audit trail has one row for every agreement version, event, payment,
royalty report and distribution, none for anything else, and each row's digest matches the entry as
it is now.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, func, select

from .distribution import split_weights
from .money import PPB, share_pence
from .records import ENTITIES, contents
from .schema import agreement_sites, agreements, audit, distributions, ledger, payments
from .store import row_digest

__all__ = ["CheckResult", "check"]


@dataclass(frozen=True)
class CheckResult:
    """What was checked, the totals (pence), and every problem found (none: the register is sound)."""

    counts: dict[str, int]
    totals: dict[str, int]
    problems: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        """True when no problem was found."""
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        """The result as ``register check --json`` prints it."""
        return {"ok": self.ok, "counts": self.counts, "totals_pence": self.totals, "problems": list(self.problems)}


def _ledger(connection: Connection, problems: list[str]) -> dict[str, int]:
    by_account: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    query = select(ledger.c.agreement, ledger.c.account, func.sum(ledger.c.amount_pence)).group_by(
        ledger.c.agreement, ledger.c.account
    )
    for agreement, account, total in connection.execute(query):
        by_account[agreement][account] = int(total)
    totals = {"in": 0, "held": 0, "trusts": 0, "broker": 0}
    for agreement, accounts in sorted(by_account.items()):
        unknown = set(accounts) - {"in", "held", "trust", "broker"}
        if unknown:
            problems.append(f"ledger: {agreement}: unknown account(s) {', '.join(sorted(unknown))}")
        money_in, held = accounts.get("in", 0), accounts.get("held", 0)
        out = accounts.get("trust", 0) + accounts.get("broker", 0)
        if money_in != held + out:
            problems.append(
                f"ledger: {agreement}: money in {money_in} p is not held {held} p + distributed {out} p (differs by {money_in - held - out} p)"
            )
        totals["in"] += money_in
        totals["held"] += held
        totals["trusts"] += accounts.get("trust", 0)
        totals["broker"] += accounts.get("broker", 0)
    if totals["in"] != totals["held"] + totals["trusts"] + totals["broker"]:
        problems.append(
            f"ledger: money in {totals['in']} p is not held + distributed {totals['held'] + totals['trusts'] + totals['broker']} p"
        )
    received = int(connection.execute(select(func.coalesce(func.sum(payments.c.amount_pence), 0))).scalar_one())
    if received != totals["in"]:
        problems.append(f"ledger: payments total {received} p but the ledger's money in is {totals['in']} p")
    return totals


def _payments(connection: Connection, problems: list[str]) -> None:
    posted: dict[int, list[tuple[str, int, Any, str]]] = defaultdict(list)
    query = select(
        ledger.c.payment, ledger.c.account, ledger.c.amount_pence, ledger.c.posted_on, ledger.c.agreement
    ).where(ledger.c.payment.is_not(None))
    for pid, account, amount, on, agreement in connection.execute(query):
        posted[int(pid)].append((account, int(amount), on, agreement))
    originals: dict[int, dict[str, Any]] = {}
    for p in connection.execute(select(payments)).mappings():
        lines = sorted(posted.pop(int(p["id"]), []))
        expected = sorted((a, int(p["amount_pence"]), p["received_on"], p["agreement"]) for a in ("in", "held"))
        if lines != expected:
            problems.append(f"payment:{p['id']}: its ledger postings are {lines or 'missing'}, expected in and held")
        originals[int(p["id"])] = dict(p)
    for pid in posted:
        problems.append(f"ledger: postings for payment:{pid}, which does not exist")
    _reversals("payment", originals, problems, amount="amount_pence")


def _reversals(kind: str, rows: dict[int, dict[str, Any]], problems: list[str], amount: str | None = None) -> None:
    seen: dict[int, int] = {}
    for rid, row in rows.items():
        target = row["reverses"]
        if target is None:
            continue
        original = rows.get(int(target))
        if original is None or original["reverses"] is not None or original["agreement"] != row["agreement"]:
            problems.append(
                f"{kind}:{rid} reverses {kind}:{target}, which is not an original entry of {row['agreement']}"
            )
            continue
        if int(target) in seen:
            problems.append(f"{kind}:{target} is reversed twice ({kind}:{seen[int(target)]} and {kind}:{rid})")
        seen[int(target)] = rid
        if amount is not None and int(row[amount]) != -int(original[amount]):
            problems.append(
                f"{kind}:{rid} reverses {kind}:{target} with {row[amount]} p, not {-int(original[amount])} p"
            )


def _distributions(connection: Connection, problems: list[str]) -> None:
    shares: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for row_id, site, share in connection.execute(
        select(agreement_sites.c.agreement_row, agreement_sites.c.site, agreement_sites.c.share_ppb).order_by(
            agreement_sites.c.agreement_row, agreement_sites.c.position
        )
    ):
        shares[int(row_id)].append((site, int(share)))
    for row_id, parts in shares.items():
        if sum(p for _s, p in parts) != PPB:
            problems.append(
                f"agreement row {row_id}: its sites' shares add up to {sum(p for _s, p in parts)} ppb, not {PPB}"
            )
    versions = {
        int(r.id): r
        for r in connection.execute(
            select(agreements.c.id, agreements.c.agreement, agreements.c.broker, agreements.c.broker_share_ppb)
        )
    }
    lines: dict[tuple[int, str], list[dict[str, Any]]] = defaultdict(list)
    for r in connection.execute(
        select(ledger).where(ledger.c.distribution.is_not(None)).order_by(ledger.c.id)
    ).mappings():
        lines[(int(r["distribution"]), r["agreement"])].append(dict(r))
    totals: dict[int, int] = defaultdict(int)
    for (run, agreement), rows in lines.items():
        held = [r for r in rows if r["account"] == "held"]
        given = [r for r in rows if r["account"] != "held"]
        if len(held) != 1:
            problems.append(f"distribution:{run}: {agreement} has {len(held)} postings from held, expected one")
            continue
        moved = -int(held[0]["amount_pence"])
        totals[run] += moved
        version = versions.get(int(held[0]["agreement_row"] or 0))
        if version is None or version.agreement != agreement:
            problems.append(f"distribution:{run}: {agreement} names no version of the agreement whose split it used")
            continue
        payees = [("broker", version.broker)] + [("trust", site) for site, _p in shares[int(held[0]["agreement_row"])]]
        weights = split_weights(int(version.broker_share_ppb), [p for _s, p in shares[int(held[0]["agreement_row"])]])
        expected = sorted((a, payee, part) for (a, payee), part in zip(payees, share_pence(moved, weights)) if part)
        found = sorted((r["account"], r["payee"], int(r["amount_pence"])) for r in given)
        if found != expected:
            problems.append(f"distribution:{run}: {agreement}'s {moved} p was not shared by its split to the penny")
    for run, total in connection.execute(select(distributions.c.id, distributions.c.total_pence)):
        if totals.get(int(run), 0) != int(total):
            problems.append(f"distribution:{run}: records a total of {total} p but moved {totals.get(int(run), 0)} p")


def _entries(connection: Connection, problems: list[str]) -> None:
    from .schema import events, royalty_reports

    for kind, table in (("event", events), ("royalty", royalty_reports)):
        rows = {int(r["id"]): dict(r) for r in connection.execute(select(table)).mappings()}
        _reversals(kind, rows, problems)


def _audit(connection: Connection, problems: list[str], counts: dict[str, int]) -> None:
    audited: dict[tuple[str, int], str] = {}
    for entity, entity_id, digest in connection.execute(select(audit.c.entity, audit.c.entity_id, audit.c.digest)):
        audited[(entity, int(entity_id))] = digest
    counts["audit rows"] = len(audited)
    for entity in ENTITIES:
        found = contents(connection, entity)
        counts[f"{entity} entries"] = len(found)
        for entity_id, value in found.items():
            digest = audited.pop((entity, entity_id), None)
            if digest is None:
                problems.append(f"audit: {entity}:{entity_id} has no audit row")
                continue
            if row_digest(value) != digest:
                problems.append(
                    f"audit: {entity}:{entity_id} does not match its audit row's digest (changed since it was recorded)"
                )
    for entity, entity_id in audited:
        problems.append(f"audit: a row for {entity}:{entity_id}, which does not exist")


def check(connection: Connection) -> CheckResult:
    """Every check above, read in one transaction; the problems listed in full."""
    problems: list[str] = []
    counts: dict[str, int] = {}
    totals = _ledger(connection, problems)
    _payments(connection, problems)
    _distributions(connection, problems)
    _entries(connection, problems)
    _audit(connection, problems, counts)
    return CheckResult(counts, totals, tuple(problems))
