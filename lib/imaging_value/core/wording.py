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
    "MINUS",
    "money",
    "money_column",
    "about_money",
    "percent",
    "count",
    "count_word",
    "number",
    "term_value",
    "term_label",
    "STATUS_WORDS",
    "status_word",
    "parameter_text",
    "AMOUNT",
    "amount_parts",
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


MINUS = "\u2212"  # a true minus sign: never a hyphen that a line may break after


def money(value: float | None, unit: str = "GBP", *, pence: bool | None = None) -> str:
    """An amount as a person writes it: £76,923.08; whole pounds without pence (£50,000); a true minus
    (\u2212£57,014); '-' for none. ``pence`` True always shows pence, False rounds to whole pounds (as a
    valuation does), None shows pence only where the amount has them. Another unit follows the number."""
    if value is None:
        return "-"
    symbol = {"GBP": "£"}.get(unit, "")
    value = float(value)
    with_pence = (not math.isclose(value, round(value), abs_tol=1e-9)) if pence is None else pence
    body = f"{abs(value):,.2f}" if with_pence else f"{abs(value):,.0f}"
    negative = value < 0 and body.strip("0.,") != ""  # -0.001 rounds to £0, not \u2212£0
    return (MINUS if negative else "") + (f"{symbol}{body}" if symbol else f"{body} {unit}")


def money_column(values: Iterable[float | None], unit: str = "GBP") -> list[str]:
    """A column of amounts with one rounding: pence on every amount when any has pence, else whole pounds."""
    values = list(values)
    pence = any(v is not None and not math.isclose(float(v), round(float(v)), abs_tol=1e-9) for v in values)
    return [money(v, unit, pence=pence) for v in values]


def about_money(values: Iterable[float | None]) -> list[str]:
    """Amounts rounded as a sentence gives them, one rounding for all: in millions to one decimal (£4.4m,
    £0.1m) where the largest is a million or more and none would show as £0.0m; else to the nearest thousand
    (£196,000) where none would show as £0; else to the pound."""
    values = list(values)
    sizes = [abs(float(v)) for v in values if v is not None and float(v) != 0]
    largest, smallest = max(sizes, default=0.0), min(sizes, default=0.0)
    millions = largest >= 1e6 and smallest >= 5e4
    thousands = not millions and largest >= 1e4 and smallest >= 500

    def one(v: float | None) -> str:
        if v is None:
            return "-"
        v = float(v)
        if millions:
            return (MINUS if v < 0 else "") + f"£{abs(v) / 1e6:,.1f}m"
        return money(round(v, -3) if thousands else v, pence=False)

    return [one(v) for v in values]


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


# --- statuses and parameters ------------------------------------------------------------

# a national principle's status on a term sheet, as every report and the command line's text say it
STATUS_WORDS = {"meets": "meets", "departs": "departs", "to_confirm": "to confirm", "not_applicable": "not applicable"}


def status_word(status: str) -> str:
    """A principle's status in words: meets, departs, to confirm or not applicable."""
    return STATUS_WORDS.get(status, status.replace("_", " "))


def parameter_text(value: Any) -> str:
    """A parameter as a person would type it in the notebook: 1000000 (not 1000000.0), None, "" for no text,
    a mapping as lever=weight pairs."""
    if value is None:
        return "None"
    if isinstance(value, str) and value == "":
        return '""'
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return f"{value:.0f}" if value.is_integer() and abs(value) < 1e15 else f"{value:g}"
    if isinstance(value, Mapping):
        return ", ".join(f"{k}={parameter_text(v)}" for k, v in value.items()) or "{}"
    if isinstance(value, (list, tuple)):
        return ", ".join(parameter_text(v) for v in value) or "[]"
    return str(value)


# an amount of money as the formatting above writes it: kept on one line wherever it is shown
AMOUNT = re.compile(r"[\u2212-]?£\d[\d,]*(?:\.\d+)?m?")


def amount_parts(text: str) -> list[tuple[bool, str]]:
    """``text`` cut into (is an amount, part) pieces, so a template can keep each amount on one line."""
    parts: list[tuple[bool, str]] = []
    last = 0
    for match in AMOUNT.finditer(str(text)):
        if match.start() > last:
            parts.append((False, text[last : match.start()]))
        parts.append((True, match.group(0)))
        last = match.end()
    if last < len(str(text)):
        parts.append((False, str(text)[last:]))
    return parts


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
