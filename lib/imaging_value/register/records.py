"""What the audit trail digests for each kind of entry, read back from the database.

A writer digests an entry as it reads it back inside its own transaction, and ``register check`` digests
every entry again later, with the same functions: a row changed behind the register's back (or a
half-written entry) no longer matches its audit row.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, select

from .schema import agreement_sites, agreements, distributions, events, ledger, obligations, payments, royalty_reports

__all__ = ["content", "contents", "ENTITIES"]

Reader = Callable[[Connection, "list[int] | None"], dict[int, dict[str, Any]]]


def _where(query: Any, column: Any, ids: list[int] | None) -> Any:
    return query if ids is None else query.where(column.in_(ids))


def _without_id(row: Any) -> dict[str, Any]:
    return {k: v for k, v in dict(row).items() if k != "id"}


def _rows(connection: Connection, table: Any, ids: list[int] | None) -> dict[int, dict[str, Any]]:
    query = _where(select(table), table.c.id, ids).order_by(table.c.id)
    return {int(r["id"]): dict(r) for r in connection.execute(query).mappings()}


def _children(
    connection: Connection, table: Any, key: Any, ids: list[int] | None, order: Any
) -> dict[int, list[dict[str, Any]]]:
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    query = _where(select(table).where(key.is_not(None)), key, ids).order_by(key, order)
    for r in connection.execute(query).mappings():
        found[int(r[key.name])].append(_without_id(r))
    return found


def _agreements(connection: Connection, ids: list[int] | None) -> dict[int, dict[str, Any]]:
    rows = _rows(connection, agreements, ids)
    sites = _children(connection, agreement_sites, agreement_sites.c.agreement_row, ids, agreement_sites.c.position)
    owed = _children(connection, obligations, obligations.c.agreement_row, ids, obligations.c.obligation)
    return {i: {"agreement": row, "sites": sites.get(i, []), "obligations": owed.get(i, [])} for i, row in rows.items()}


def _payments(connection: Connection, ids: list[int] | None) -> dict[int, dict[str, Any]]:
    rows = _rows(connection, payments, ids)
    posted = _children(connection, ledger, ledger.c.payment, ids, ledger.c.id)
    return {i: {"payment": row, "ledger": posted.get(i, [])} for i, row in rows.items()}


def lines_digest(lines: list[list[Any]]) -> str:
    """The sha256 of a distribution's lines (agreement, version row, account, payee, pence), in order."""
    return hashlib.sha256(json.dumps(lines, separators=(",", ":"), ensure_ascii=False).encode("utf-8")).hexdigest()


def _distributions(connection: Connection, ids: list[int] | None) -> dict[int, dict[str, Any]]:
    rows = _rows(connection, distributions, ids)
    lines: dict[int, list[list[Any]]] = defaultdict(list)
    query = _where(
        select(
            ledger.c.distribution,
            ledger.c.agreement,
            ledger.c.agreement_row,
            ledger.c.account,
            ledger.c.payee,
            ledger.c.amount_pence,
        ).where(ledger.c.distribution.is_not(None)),
        ledger.c.distribution,
        ids,
    ).order_by(ledger.c.distribution, ledger.c.id)
    for run, *line in connection.execute(query):
        lines[int(run)].append([line[0], line[1], line[2], line[3], int(line[4])])
    return {
        i: {"distribution": row, "lines": len(lines.get(i, [])), "lines_sha256": lines_digest(lines.get(i, []))}
        for i, row in rows.items()
    }


def _simple(table: Any) -> Reader:
    return lambda connection, ids: _rows(connection, table, ids)


# entity name (the audit row's ``entity``) -> its table and how to read the content of its entries
ENTITIES: dict[str, tuple[Any, Reader]] = {
    "agreement": (agreements, _agreements),
    "event": (events, _simple(events)),
    "payment": (payments, _payments),
    "royalty_report": (royalty_reports, _simple(royalty_reports)),
    "distribution": (distributions, _distributions),
}


def contents(connection: Connection, entity: str, ids: list[int] | None = None) -> dict[int, dict[str, Any]]:
    """{id: content} of every entry of one kind (or of those ``ids``), as the audit trail digests them."""
    return ENTITIES[entity][1](connection, ids)


def content(connection: Connection, entity: str, entity_id: int) -> dict[str, Any] | None:
    """One entry's content as the audit trail digests it (None: there is no such entry)."""
    return contents(connection, entity, [entity_id]).get(entity_id)
