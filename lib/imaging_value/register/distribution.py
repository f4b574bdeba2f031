"""Money out: sharing what has been received among the contributing trusts and the broker.

``distribute(as_of)`` takes, for each agreement, what the ledger holds for it from payments received on or
before ``as_of`` (less everything distributed before) and shares it by the agreement's split: the broker's
share first (``valuation.yaml``'s broker share, recorded at signing), the rest among the sites by their
shares under the split rule. The shares are exact to the penny (largest remainder, in integer pence),
so the ledger balances: money in = money distributed + money held. A reversal of money already
distributed makes the agreement's holding negative; the next distribution takes it back from the
same payees, by the same split.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Connection, func, select

from ..core.errors import ParameterError
from .money import PPB, share_pence
from .queries import current_rows
from .records import content
from .schema import agreement_sites, distributions, ledger
from .store import Writer, now

__all__ = ["Distribution", "distribute", "split_weights", "held_by_agreement"]


@dataclass(frozen=True)
class Distribution:
    """One distribution run: what each payee got from each agreement (pence)."""

    entry: int | None  # None: nothing was held, so nothing was written
    as_of: date
    total_pence: int
    lines: tuple[tuple[str, str, str, int], ...] = ()  # (agreement, account, payee, pence)
    by_payee: dict[str, int] = field(default_factory=dict)


def split_weights(broker_share_ppb: int, site_shares_ppb: list[int]) -> list[int]:
    """Integer weights, broker first then each site: the broker's share, then the rest by the sites' shares.

    broker: b x PPB; site i: (PPB - b) x s_i; they sum to PPB squared, so the split is exact."""
    return [broker_share_ppb * PPB, *((PPB - broker_share_ppb) * s for s in site_shares_ppb)]


def held_by_agreement(connection: Connection, as_of: date | None = None) -> dict[str, int]:
    """{agreement: pence the ledger holds for it} (payments received, less what was distributed)."""
    query = (
        select(ledger.c.agreement, func.sum(ledger.c.amount_pence))
        .where(ledger.c.account == "held")
        .group_by(ledger.c.agreement)
    )
    if as_of is not None:
        query = query.where(ledger.c.posted_on <= as_of)
    return {a: int(total) for a, total in connection.execute(query)}


def distribute(writer: Writer, as_of: date) -> Distribution:
    """Share everything held for each agreement on ``as_of`` among its trusts and the broker (one run)."""
    connection = writer.connection
    last = connection.execute(select(func.max(distributions.c.as_of))).scalar_one()
    if last is not None and as_of < last:
        raise ParameterError(
            "as-of", f"a date on or after the last distribution's ({last.isoformat()})", as_of.isoformat()
        )
    held = {a: pence for a, pence in held_by_agreement(connection, as_of).items() if pence != 0}
    if not held:
        return Distribution(None, as_of, 0)
    current = current_rows(connection, sorted(held))
    sites: dict[int, list[dict[str, Any]]] = defaultdict(list)
    query = (
        select(agreement_sites.c.agreement_row, agreement_sites.c.site, agreement_sites.c.share_ppb)
        .where(agreement_sites.c.agreement_row.in_([r["id"] for r in current.values()]))
        .order_by(agreement_sites.c.agreement_row, agreement_sites.c.position)
    )
    for row_id, site, share in connection.execute(query):
        sites[row_id].append({"site": site, "share_ppb": int(share)})
    run = writer.insert(
        distributions,
        {"as_of": as_of, "total_pence": sum(held.values()), "agreements": len(held), "recorded_at": now()},
    )
    postings, lines = [], []
    by_payee: dict[str, int] = defaultdict(int)
    for agreement in sorted(held):
        row = current[agreement]
        amount = held[agreement]
        payees = [("broker", row["broker"])] + [("trust", s["site"]) for s in sites[row["id"]]]
        parts = share_pence(
            amount, split_weights(int(row["broker_share_ppb"]), [s["share_ppb"] for s in sites[row["id"]]])
        )
        base = {
            "payment": None,
            "distribution": run,
            "agreement": agreement,
            "agreement_row": row["id"],
            "posted_on": as_of,
        }
        postings.append({**base, "account": "held", "payee": None, "amount_pence": -amount})
        for (account, payee), part in zip(payees, parts):
            if part:
                postings.append({**base, "account": account, "payee": payee, "amount_pence": part})
                lines.append((agreement, account, payee, part))
                by_payee[payee] += part
    connection.execute(ledger.insert(), postings)
    writer.audit(
        "distribute",
        "distribution",
        run,
        content(connection, "distribution", run) or {},
        as_of=as_of,
        agreements=len(held),
        total_pence=sum(held.values()),
    )
    return Distribution(run, as_of, sum(held.values()), tuple(lines), dict(by_payee))
