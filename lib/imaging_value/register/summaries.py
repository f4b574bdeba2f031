"""The register summed up for reports: one record per signed agreement (what the transparency register
publishes from), and the money by calendar year (forecast at signing, received, the broker's income)."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, func, select

from .distribution import held_by_agreement
from .money import pence_of
from .queries import current_rows, sites_of
from .schema import agreements, ledger, payments

__all__ = ["AgreementSummary", "summaries", "money_by_year", "YearMoney"]

MECHANISM_WORDS = {
    "access_fee": "access fee",
    "subscription": "subscription",
    "milestones": "milestone payments",
    "royalty": "royalty",
    "profit_share": "profit share",
    "equity": "equity stake",
    "golden_share": "golden share",
    "in_kind": "in-kind services",
    "product_access": "discounted product access",
    "consent_to_commercialise": "consent to commercialise",
}


@dataclass(frozen=True)
class AgreementSummary:
    """One agreement's current version, summed up (amounts in pence)."""

    agreement: str
    versions: int
    varied_on: date | None
    partner: str
    partner_kind: str
    purpose: str
    data_types: tuple[str, ...]
    option: str
    option_label: str
    mechanisms: tuple[str, ...]
    signed_on: date
    minute: str
    compliance: dict[str, int]  # status -> how many principles
    departs: tuple[str, ...]  # the principles its terms depart from
    royalty_rate: float | None
    royalty_cap_pence: int | None
    profit_share: float | None
    split_rule: str
    broker: str
    broker_share: float
    sites: tuple[str, ...]
    sites_assumed: bool
    fees_pence: int  # access fee, subscriptions and milestone payments, as signed
    in_kind_pence: int
    forecast_pence: int  # rNPV at signing (mean)
    forecast_cash_by_year: tuple[float, ...]  # GBP expected from the partner, agreement year 0, 1, ...
    received_pence: int
    distributed_pence: int
    held_pence: int


def _mechanisms(terms: dict[str, Any]) -> tuple[str, ...]:
    from ..framework.terms import MECHANISM_OF_TERM

    found = []
    for term, value in terms.items():
        mechanism = MECHANISM_OF_TERM.get(term.split(":", 1)[0])
        if mechanism and not (isinstance(value, (int, float)) and value == 0) and mechanism not in found:
            found.append(mechanism)
    order = list(MECHANISM_WORDS)
    return tuple(sorted(found, key=lambda m: order.index(m) if m in order else len(order)))


def _numbers(terms: dict[str, Any]) -> Any:
    """A term's number (None when the sheet has no such number)."""

    def number(term: str) -> float | None:
        value = terms.get(term)
        return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None

    return number


def summaries(connection: Connection, as_of: date | None = None) -> list[AgreementSummary]:
    """Every agreement's current version, with what it has returned (received on or before ``as_of``)."""
    rows = current_rows(connection)
    received_q = select(payments.c.agreement, func.sum(payments.c.amount_pence)).group_by(payments.c.agreement)
    dist_q = (
        select(ledger.c.agreement, func.sum(ledger.c.amount_pence))
        .where(ledger.c.account.in_(("trust", "broker")))
        .group_by(ledger.c.agreement)
    )
    if as_of is not None:
        received_q = received_q.where(payments.c.received_on <= as_of)
        dist_q = dist_q.where(ledger.c.posted_on <= as_of)
    received = {a: int(t) for a, t in connection.execute(received_q)}
    distributed = {a: int(t) for a, t in connection.execute(dist_q)}
    held = held_by_agreement(connection, as_of)
    counts = dict(
        connection.execute(select(agreements.c.agreement, func.count()).group_by(agreements.c.agreement)).all()
    )
    found = []
    for a, r in rows.items():
        sheet = json.loads(r["terms"])
        terms = {t["term"]: t["value"] for t in sheet["terms"]}
        compliance = json.loads(r["compliance"])
        statuses: dict[str, int] = defaultdict(int)
        for c in compliance:
            statuses[c["status"]] += 1
        number = _numbers(terms)
        fees = pence_of(number("access_fee") or 0)
        years = number("subscription_years") or (1.0 if "subscription" in terms else 0.0)
        fees += pence_of((number("subscription") or 0) * years)
        fees += sum(pence_of(v) for k, v in terms.items() if k.startswith("milestone:") and isinstance(v, (int, float)))
        valuation = json.loads(r["valuation"])
        found.append(
            AgreementSummary(
                agreement=a,
                versions=int(counts.get(a, 1)),
                varied_on=r["signed_on"] if r["version"] > 1 else None,
                partner=r["partner"],
                partner_kind=r["partner_kind"],
                purpose=r["purpose"],
                data_types=tuple(json.loads(r["data_types"])),
                option=r["option"],
                option_label=r["option_label"],
                mechanisms=_mechanisms(terms),
                signed_on=r["starts_on"],
                minute=r["minute"],
                compliance=dict(statuses),
                departs=tuple(c["principle"] for c in compliance if c["status"] == "departs"),
                royalty_rate=number("royalty"),
                royalty_cap_pence=None if number("royalty_cap") is None else pence_of(number("royalty_cap") or 0),
                profit_share=number("profit_share"),
                split_rule=r["split_rule"],
                broker=r["broker"],
                broker_share=int(r["broker_share_ppb"]) / 1e9,
                sites=tuple(s["site"] for s in sites_of(connection, r["id"])),
                sites_assumed=bool(r["sites_assumed"]),
                fees_pence=fees,
                in_kind_pence=sum(
                    pence_of(v) for k, v in terms.items() if k.startswith("in_kind:") and isinstance(v, (int, float))
                ),
                forecast_pence=pence_of(valuation["rnpv"]["mean"]),
                forecast_cash_by_year=tuple(valuation["cash_by_year"]),
                received_pence=received.get(a, 0),
                distributed_pence=distributed.get(a, 0),
                held_pence=held.get(a, 0),
            )
        )
    return found


@dataclass(frozen=True)
class YearMoney:
    """One calendar year's money (pence): forecast at signing, received, and the broker's part of each."""

    year: int
    forecast_pence: int
    received_pence: int
    broker_forecast_pence: int
    broker_income_pence: int


def money_by_year(
    connection: Connection, as_of: date | None = None
) -> tuple[dict[str, dict[int, tuple[int, int]]], list[YearMoney]]:
    """({agreement: {year: (forecast, received)}}, the portfolio's years).

    The forecast of agreement year t (the twelve months from the t-th anniversary of signing) is counted
    in the calendar year that anniversary falls in; received money by the year it was received; the
    broker's income by the year of the distribution that allotted it."""
    by_agreement: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    broker_forecast: dict[int, int] = defaultdict(int)
    for s in summaries(connection, as_of):
        for t, cash in enumerate(s.forecast_cash_by_year):
            year = s.signed_on.year + t
            part = pence_of(cash)
            by_agreement[s.agreement][year][0] += part
            broker_forecast[year] += pence_of(cash * s.broker_share)
    query = select(payments.c.agreement, payments.c.received_on, payments.c.amount_pence)
    if as_of is not None:
        query = query.where(payments.c.received_on <= as_of)
    for a, on, amount in connection.execute(query):
        by_agreement[a][on.year][1] += int(amount)
    income: dict[int, int] = defaultdict(int)
    bq = select(ledger.c.posted_on, ledger.c.amount_pence).where(ledger.c.account == "broker")
    if as_of is not None:
        bq = bq.where(ledger.c.posted_on <= as_of)
    for on, amount in connection.execute(bq):
        income[on.year] += int(amount)
    years = sorted({y for per in by_agreement.values() for y in per} | set(income))
    portfolio = [
        YearMoney(
            y,
            sum(per.get(y, [0, 0])[0] for per in by_agreement.values()),
            sum(per.get(y, [0, 0])[1] for per in by_agreement.values()),
            broker_forecast.get(y, 0),
            income.get(y, 0),
        )
        for y in years
    ]
    return {a: {y: (v[0], v[1]) for y, v in sorted(per.items())} for a, per in by_agreement.items()}, portfolio
