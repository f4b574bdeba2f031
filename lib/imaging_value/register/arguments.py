"""The ``imaging-value register`` command group's arguments (argparse only: ``--help`` loads no database code)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["add_register_commands", "WRITES"]

# the sub-commands that write (each one transaction, audited); the others only read
WRITES = ("sign", "vary", "event", "payment", "royalty", "reverse", "distribute")


def _common(p: argparse.ArgumentParser, writes: bool) -> None:
    p.add_argument(
        "--db",
        default=None,
        metavar="URL",
        help="the register: a SQLite file (path or sqlite:///path) or postgresql://user@host/dbname "
        "(default: $IMAGING_VALUE_DB, else register.sqlite3 in $XDG_DATA_HOME/imaging-value, "
        "~/.local/share/imaging-value by default)",
    )
    if writes:
        p.add_argument("--by", default=None, metavar="NAME", help="who is making the change (default: your user name)")


def _json(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print JSON instead of text")


def _terms(p: argparse.ArgumentParser) -> None:
    # where the signed terms come from: one source; an offer file (--offer FILE) is the other, when offers exist
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--option", metavar="ID", help="the option whose term sheet is signed (options.yaml), for the requester"
    )
    p.add_argument(
        "--assume",
        action="append",
        default=[],
        metavar="FACT=VALUE",
        help="a value for a fact the request leaves unstated (e.g. profit_stage=pre_profit), selecting one "
        "branch of the decision tree; may be given more than once",
    )
    p.add_argument("--signed-on", required=True, metavar="DATE", help="the date it was signed (YYYY-MM-DD)")
    p.add_argument("--minute", required=True, metavar="REF", help="the board minute that approved it")
    p.add_argument(
        "--split-rule",
        default=None,
        metavar="RULE",
        help="how what comes back is shared among the sites: equal, pro_rata, curation or shapley "
        "(default: valuation.yaml's site_rule)",
    )


def add_register_commands(sub: Any, add_data: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add ``register`` and its sub-commands to the command line's sub-parsers."""
    register = sub.add_parser(
        "register",
        help="the agreements register: what was signed, what is owed, what came back, and who gets it",
        description="The agreements register. Every command that writes is one transaction and leaves a row "
        "in the audit trail; nothing is ever edited or deleted (corrections are reversing entries).",
    )
    commands = register.add_subparsers(dest="register_command", required=True, parser_class=type(register))

    p = commands.add_parser("sign", help="record a signed agreement: its terms, obligations, value and split")
    p.add_argument("request", metavar="REQUEST", help="request id in the data folder's requests/, or a path")
    p.add_argument(
        "--requester",
        type=int,
        default=None,
        metavar="I",
        help="the requester at position I, from 0 (default: 0 when there is one)",
    )
    p.add_argument("--id", default=None, metavar="ID", help="the agreement's id (default: REQUEST-rI)")
    _terms(p)
    _common(p, True)
    add_data(p)

    p = commands.add_parser(
        "vary", help="record a variation: a new version of a signed agreement, referring to the one before"
    )
    p.add_argument("agreement", metavar="AGREEMENT", help="the agreement's id")
    _terms(p)
    _common(p, True)
    add_data(p)

    p = commands.add_parser("list", help="every agreement: its partner, terms, version, received and held")
    _common(p, False)
    _json(p)

    p = commands.add_parser("show", help="one agreement: terms, sites and shares, obligations, payments and events")
    p.add_argument("agreement", metavar="AGREEMENT", help="the agreement's id")
    p.add_argument("--version", type=int, default=None, metavar="N", help="a version (default: the latest)")
    p.add_argument(
        "--as-of", default=None, metavar="DATE", help="the obligations as they stood on DATE (default: today)"
    )
    _common(p, False)
    _json(p)

    p = commands.add_parser("due", help="what is overdue, what falls due by a date, and which dates end by then")
    p.add_argument("--as-of", default=None, metavar="DATE", help="today's date for the question (default: today)")
    p.add_argument("--until", default=None, metavar="DATE", help="how far ahead (default: the end of the quarter)")
    p.add_argument(
        "--awaiting", action="store_true", help="also list what waits for an event (a milestone, first revenue)"
    )
    _common(p, False)
    _json(p)

    p = commands.add_parser("event", help="record an event: milestone:<stage> reached, or delivered:<obligation>")
    p.add_argument("agreement", metavar="AGREEMENT", help="the agreement's id")
    p.add_argument(
        "event", metavar="EVENT", help="e.g. milestone:regulatory_clearance or delivered:in_kind:validation_study"
    )
    p.add_argument("--on", required=True, metavar="DATE", help="when it happened (YYYY-MM-DD)")
    p.add_argument("--note", default="", metavar="TEXT", help="a note kept with it")
    _common(p, True)
    add_data(p)

    p = commands.add_parser("payment", help="record money received against one of an agreement's obligations")
    p.add_argument("agreement", metavar="AGREEMENT", help="the agreement's id")
    p.add_argument("--amount", required=True, metavar="GBP", help="the amount received, e.g. 12500.00")
    p.add_argument("--on", required=True, metavar="DATE", help="when it was received (YYYY-MM-DD)")
    p.add_argument(
        "--for",
        required=True,
        dest="obligation",
        metavar="OBLIGATION",
        help="the obligation it pays, e.g. access_fee or royalty:2027Q1",
    )
    p.add_argument("--reference", default="", metavar="TEXT", help="the remittance or invoice reference")
    _common(p, True)
    _json(p)

    p = commands.add_parser("royalty", help="record a quarter's net revenue: the royalty due, within the cap")
    p.add_argument("agreement", metavar="AGREEMENT", help="the agreement's id")
    p.add_argument("--period", required=True, metavar="YYYYQn", help="the quarter reported, e.g. 2027Q1")
    p.add_argument("--net-revenue", required=True, metavar="GBP", help="the period's net revenue from the product")
    p.add_argument(
        "--profit", default=None, metavar="GBP", help="the period's profit (for an agreement with a profit share)"
    )
    p.add_argument("--on", default=None, metavar="DATE", help="when the report was received (default: today)")
    _common(p, True)
    _json(p)

    p = commands.add_parser("reverse", help="a reversing entry that cancels a payment, event or royalty report")
    p.add_argument("entry", metavar="ENTRY", help="payment:ID, event:ID or royalty:ID (as register show lists them)")
    p.add_argument("--reason", required=True, metavar="TEXT", help="why (kept in the audit trail)")
    p.add_argument("--on", default=None, metavar="DATE", help="the reversal's date (default: today)")
    _common(p, True)
    _json(p)

    p = commands.add_parser("distribute", help="share what has been received among the trusts and the broker")
    p.add_argument("--as-of", required=True, metavar="DATE", help="payments received on or before DATE")
    p.add_argument(
        "--statements",
        type=Path,
        default=None,
        metavar="DIR",
        help="also write each trust's statement (CSV and HTML) into DIR",
    )
    _common(p, True)
    _json(p)

    p = commands.add_parser(
        "statements", help="write each trust's statement (CSV and HTML): what it is owed, from which agreements"
    )
    p.add_argument("--out", type=Path, required=True, metavar="DIR", help="output folder")
    _common(p, False)
    _json(p)

    p = commands.add_parser("export", help="write every table of the register as CSV")
    p.add_argument("--out", type=Path, required=True, metavar="DIR", help="output folder")
    _common(p, False)
    _json(p)

    p = commands.add_parser("check", help="verify that the ledger balances and the audit trail is complete")
    _common(p, False)
    _json(p)
