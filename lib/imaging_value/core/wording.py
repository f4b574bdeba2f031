"""What a board reads first: plain-English decisions, source tags, numbers as people write them.

Pure helpers for the reports: formatting money and counts, declaring ties
wherever an order is shown, tagging every judgement with where it comes from
(the report, DHSC 2019, NHS England 2023 or this framework's reading), and
grouping requesters whose answers are identical so a report shows them once.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "SourceTag",
    "SOURCE_TAGS",
    "source_tag",
    "money",
    "count",
    "count_word",
    "number",
    "term_value",
    "term_label",
    "ties",
    "order_sentence",
    "join_words",
    "requester_groups",
    "unit_text",
]


@dataclass(frozen=True)
class SourceTag:
    """A short visible tag for where a judgement comes from, and what it means."""

    tag: str
    name: str
    meaning: str
    evidence: bool  # True: evidence or national guidance; False: this framework's own choice


SOURCE_TAGS = (
    SourceTag(
        "Report", "the report", "the value framework report this workbook implements (including what it quotes)", True
    ),
    SourceTag(
        "DHSC 2019",
        "DHSC 2019",
        "national guidance: DHSC (2019), Creating the right framework to realise the "
        "benefits for patients and the NHS where data underpins innovation",
        True,
    ),
    SourceTag(
        "NHSE 2023",
        "NHS England 2023",
        "national guidance: NHS England (2023), value sharing framework for NHS data partnerships",
        True,
    ),
    SourceTag(
        "NHSE guide 2023",
        "NHS England 2023 guide",
        "national guidance: NHS England (2023), A guide to effective NHS data partnerships",
        True,
    ),
    SourceTag(
        "Our reading",
        "this framework's reading",
        "this framework's own choice or assumption: not evidence; the consortium may change it in the data files",
        False,
    ),
)

# what a data file's source text starts with -> the tag (the report quotes Foundations of Fairness)
_PREFIXES = (
    (re.compile(r"^(the )?report\b", re.I), "Report"),
    (re.compile(r"^Understanding Patient Data\b", re.I), "Report"),
    (re.compile(r"^DHSC\b", re.I), "DHSC 2019"),
    (re.compile(r"^NHS England (2023 guide\b|\(2023\), A guide to effective)", re.I), "NHSE guide 2023"),
    (re.compile(r"^NHS England\b", re.I), "NHSE 2023"),
    (re.compile(r"^(this framework|our )", re.I), "Our reading"),
)


def source_tag(source: str) -> SourceTag:
    """The tag for a data file's ``source`` text. Raises ValueError for a source no tag covers."""
    text = str(source).strip()
    for pattern, tag in _PREFIXES:
        if pattern.search(text):
            return next(t for t in SOURCE_TAGS if t.tag == tag)
    raise ValueError(f"source {text!r} is none of: " + ", ".join(t.name for t in SOURCE_TAGS))


# --- numbers ----------------------------------------------------------------------------


def money(value: float, unit: str = "GBP") -> str:
    """£76,923.08; whole pounds without pence (£50,000)."""
    symbol = {"GBP": "£"}.get(unit, "")
    value = float(value)
    body = f"{abs(value):,.0f}" if math.isclose(value, round(value), abs_tol=1e-9) else f"{abs(value):,.2f}"
    return ("-" if value < 0 else "") + (f"{symbol}{body}" if symbol else f"{body} {unit}")


def gbp(value: float | None) -> str:
    """Whole pounds with a true minus sign, for valuations: £4,342,777, \u2212£57,014; '-' for none."""
    if value is None:
        return "-"
    return f"\u2212£{-value:,.0f}" if round(value) < 0 else f"£{value:,.0f}"


def percent(value: float | None, digits: int = 1) -> str:
    """A share as a percentage (14.9%); '-' for none."""
    return "-" if value is None else f"{value:.{digits}%}"


def count(value: float) -> str:
    """A count: thousands separators and no .0 (12,000)."""
    return f"{int(round(float(value))):,}"


_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")


def count_word(value: int) -> str:
    """A small count in words, as text reads it (four; 13 and above in figures): counts in report text
    come from the data (how many recommendations, levers, rules), never written into a sentence."""
    return _WORDS[value] if 0 <= value < len(_WORDS) else count(value)


def number(value: float, digits: int = 2) -> str:
    """A measured value: fixed digits, or none when it is a whole number."""
    value = float(value)
    return count(value) if math.isclose(value, round(value), abs_tol=1e-9) else f"{value:,.{digits}f}"


_UNITS = {"GBP/year": "a year", "years": "years", "months": "months", "%": "%"}
_TERM_LABELS = {
    "access_fee": "Access fee (cost recovery)",
    "access_fee_due": "Access fee due",
    "subscription": "Subscription",
    "subscription_years": "Subscription term",
    "royalty": "Royalty on net revenue",
    "royalty_cap": "Royalty cap",
    "profit_share": "Share of profit",
    "equity": "Equity stake",
    "golden_share": "Golden share",
    "product_access_discount": "NHS discount on the product",
    "product_access_months": "NHS discount for",
    "embargo_months": "Embargo on publishing or sharing results",
    "exclusivity_months": "Exclusivity",
    "exclusivity_field": "Exclusivity field of use",
    "ip_background": "Background IP",
    "ip_foreground": "Foreground IP",
    "consent_to_commercialise": "Consent to commercialise",
    "access_route": "Access route",
}
_VALUE_WORDS = {
    "signing": "at signing",
    "first_revenue": "at first revenue",
    "first_milestone": "at the first milestone",
    "secure_data_environment": "secure data environment",
    "cost_recovery": "cost recovery",
}


def term_label(term: str, labels: Mapping[str, str] | None = None) -> str:
    """A term's name in words; milestone and in-kind terms take their event's or service's label."""
    kind, _, detail = term.partition(":")
    if detail:
        named = (labels or {}).get(detail, detail.replace("_", " "))
        return f"Milestone: {named}" if kind == "milestone" else f"In kind: {named}" if kind == "in_kind" else named
    return _TERM_LABELS.get(term, term.replace("_", " ").capitalize())


def unit_text(unit: str) -> str:
    """A unit in words (``GBP/year`` -> ``a year``); a unit not known is returned as given."""
    return _UNITS.get(unit, unit)


def term_value(value: Any, unit: str) -> str:
    """A term's value with its unit, as a person writes it."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        text = str(value)
        return _VALUE_WORDS.get(text, text.replace("_", " ") if re.fullmatch(r"[a-z_]+", text) else text)
    if unit == "GBP":
        return money(value)
    if unit == "GBP/year":
        return f"{money(value)} a year"
    if unit in ("%",) or unit.startswith("%"):
        return f"{number(value)}%" + (unit[1:] if len(unit) > 1 else "")
    if unit in ("months", "years"):
        amount = number(value)
        return f"{amount} {unit[:-1] if amount == '1' else unit}"
    return f"{number(value)} {unit}".strip()


# --- orders and ties --------------------------------------------------------------------


def join_words(items: Sequence[str]) -> str:
    """a; a and b; a, b and c."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def ties(values: Iterable[tuple[str, float]], digits: int = 2) -> list[tuple[list[str], float]]:
    """Items grouped by their value as shown (rounded to ``digits``), best first; equal values share a group.

    The order within a group is the order given; a group of more than one is a tie.
    """
    groups: dict[float, list[str]] = {}
    for name, value in values:
        groups.setdefault(round(float(value), digits), []).append(name)
    return [(names, value) for value, names in sorted(groups.items(), key=lambda kv: -kv[0])]


def order_sentence(values: Iterable[tuple[str, float]], digits: int = 2, top: int = 3) -> str:
    """'A and B tie at 6.67; then C (6.20); ...': an order with its ties declared, never broken silently."""
    parts = []
    for k, (names, value) in enumerate(ties(values, digits)[:top]):
        shown = f"{value:.{digits}f}"
        if len(names) > 1:
            text = f"{join_words(names)} tie at {shown}"
        else:
            text = f"{names[0]} ({shown})"
        parts.append(text if k == 0 else f"then {text}")
    return "; ".join(parts)


# --- requesters with identical answers -------------------------------------------------


def requester_groups(indices: Sequence[int], fingerprint: Mapping[int, Any]) -> dict[int, tuple[int, ...]]:
    """{first index: every index with the same fingerprint}, in order of first appearance."""
    groups: dict[int, tuple[int, ...]] = {}
    seen: list[tuple[Any, int]] = []
    for index in indices:
        match = next((first for print_, first in seen if print_ == fingerprint[index]), None)
        if match is None:
            seen.append((fingerprint[index], index))
            groups[index] = (index,)
        else:
            groups[match] = groups[match] + (index,)
    return groups
