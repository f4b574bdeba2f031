"""The decision in one row per requester, as every report and the board paper open with it: for one case (a
request report), or for every valid request of the data folder with the pack's total (the comparison, the
portfolio and the board paper)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..capabilities.decision import pack_total, summary_html, summary_rows
from ..engine.case import Case

__all__ = ["pack_rows", "pack_decisions", "case_decisions", "report_links"]


def pack_rows(cases: Iterable[Case]) -> list[dict[str, Any]]:
    """Every requester of every case, one row each, in the order given."""
    return [row for case in cases for row in summary_rows(case)]


def report_links(cases: Iterable[Case]) -> dict[str, str]:
    """Each request's full report in the pack, by request id (``request-<id>.html``, beside this one)."""
    return {case.request_or_raise().id: f"request-{case.request_or_raise().id}.html" for case in cases}


def pack_decisions(
    cases: Iterable[Case],
    *,
    heading: str = "The decisions to take",
    links: Mapping[str, str] | None = None,
    note: str = "",
) -> str:
    """The pack's decisions: one row per requester of every request, and what they are worth together."""
    rows = pack_rows(cases)
    return summary_html(rows, heading=heading, request_column=True, total=pack_total(rows), links=links, note=note)


def case_decisions(case: Case, heading: str = "The decision in brief") -> str:
    """One request's decision in one row per requester (the request report opens with it)."""
    return summary_html(summary_rows(case), heading=heading)
