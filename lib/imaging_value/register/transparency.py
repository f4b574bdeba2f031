"""What the public transparency register shows of each agreement: every field as ``transparency.yaml`` says,
shown, banded (an amount as the band it falls in) or withheld (saying so, and why)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .money import pounds
from .rules import TRANSPARENCY_FIELDS, TransparencySpec
from .summaries import MECHANISM_WORDS, AgreementSummary

__all__ = ["Published", "publish", "band", "FIELD_LABELS"]

FIELD_LABELS = {
    "partner": "Partner",
    "partner_kind": "Kind of partner",
    "purpose": "Purpose",
    "data": "Data",
    "sites": "Contributing trusts",
    "agreement": "Kind of agreement",
    "mechanisms": "How value returns to the NHS",
    "signed_on": "Signed",
    "minute": "Board minute",
    "version": "Variations",
    "compliance": "National principles",
    "royalty": "Royalty",
    "split": "How the return is shared",
    "fees": "Fees and milestone payments",
    "in_kind": "In-kind services (at cost)",
    "forecast_value": "Value forecast at signing",
    "value_returned": "Value returned to date",
}


@dataclass(frozen=True)
class Published:
    """One field of one agreement as the page shows it."""

    field: str
    label: str
    value: str
    how: str  # show, band or withhold
    reason: str  # for a band or a withheld field: why (transparency.yaml's rationale)


def band(pence: int, edges: Sequence[float]) -> str:
    """The band an amount falls in: "GBP 50,000 to 100,000" (or "over GBP 10,000,000", "none")."""
    pounds_ = pence / 100
    if pence <= 0:
        return "none"
    for low, high in zip(edges, edges[1:]):
        if pounds_ <= high:
            return f"GBP {low:,.0f} to {high:,.0f}"
    return f"over GBP {edges[-1]:,.0f}"


def _value(field: str, s: AgreementSummary) -> str:
    if field == "partner":
        return s.partner
    if field == "partner_kind":
        return s.partner_kind.replace("_", " ")
    if field == "purpose":
        return s.purpose
    if field == "data":
        return ", ".join(s.data_types)
    if field == "sites":
        return ", ".join(s.sites) + (" (assumed by kind: the request names no trusts)" if s.sites_assumed else "")
    if field == "agreement":
        return s.option_label
    if field == "mechanisms":
        return ", ".join(MECHANISM_WORDS.get(m, m) for m in s.mechanisms) or "none"
    if field == "signed_on":
        return s.signed_on.isoformat()
    if field == "minute":
        return s.minute
    if field == "version":
        return (
            "none"
            if s.versions == 1
            else f"{s.versions - 1}, the latest on {s.varied_on.isoformat() if s.varied_on else ''}"
        )
    if field == "compliance":
        parts = [f"{n} {status.replace('_', ' ')}" for status, n in sorted(s.compliance.items())]
        text = ", ".join(parts)
        return text + (f"; departs from: {'; '.join(s.departs)}" if s.departs else "")
    if field == "royalty":
        if s.royalty_rate is None and s.profit_share is None:
            return "none"
        parts = []
        if s.royalty_rate is not None:
            parts.append(
                f"{s.royalty_rate:g}% of net revenue"
                + (f", capped at GBP {pounds(s.royalty_cap_pence)}" if s.royalty_cap_pence else "")
            )
        if s.profit_share is not None:
            parts.append(f"{s.profit_share:g}% of profit")
        return "; ".join(parts)
    if field == "split":
        return f"{s.broker} {s.broker_share:.0%} first, the rest among the trusts by the {s.split_rule.replace('_', ' ')} rule"
    amounts = {
        "fees": s.fees_pence,
        "in_kind": s.in_kind_pence,
        "forecast_value": s.forecast_pence,
        "value_returned": s.received_pence,
    }
    return f"GBP {pounds(amounts[field])}"


def _amount(field: str, s: AgreementSummary) -> int:
    return {
        "fees": s.fees_pence,
        "in_kind": s.in_kind_pence,
        "forecast_value": s.forecast_pence,
        "value_returned": s.received_pence,
    }[field]


def publish(summary: AgreementSummary, spec: TransparencySpec) -> list[Published]:
    """Every field of the agreement, in ``transparency.yaml``'s order, as the data says it may be shown."""
    shown = []
    for rule in spec.fields:
        label = FIELD_LABELS[rule.field]
        if rule.publish == "show":
            shown.append(Published(rule.field, label, _value(rule.field, summary), "show", ""))
        elif rule.publish == "band" and TRANSPARENCY_FIELDS[rule.field] == "amount":
            shown.append(
                Published(
                    rule.field, label, band(_amount(rule.field, summary), spec.bands.edges), "band", rule.rationale
                )
            )
        else:
            shown.append(Published(rule.field, label, "withheld", "withhold", rule.rationale))
    return shown
