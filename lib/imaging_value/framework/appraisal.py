"""What each agreement is worth for a request: term sheets priced with the valuation's assumptions.

Connects the data folder (term sheets from :mod:`.terms`, ``valuation.yaml`` from
:mod:`~imaging_value.model.assumptions`, the sites and sharing rule from :mod:`.site_split`)
to the pure engine in :mod:`~imaging_value.maths.valuation`, and builds the ``value``
command's answer. The agreement to sign is given (:func:`recommended_values`), never worked out here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..core.checks import check_flags
from ..core.defaults import DEFAULT_SEED
from ..model.assumptions import ValuationSpec, assumptions_for, contribution_share, revenue_row
from ..model.data import Dataset
from ..model.schema import Request
from .site_split import split_among_sites
from .terms import term_sheets, with_assumed

if TYPE_CHECKING:
    from .agreement import Agreement

from ..maths.valuation import (
    SOLVABLE,
    Assumptions,
    Draws,
    OptionValue,
    price,
    simulate,
    solve_fair,
    split_npv,
    value_option,
)

__all__ = [
    "RequesterValue",
    "PricedAgreement",
    "PricingInputs",
    "pricing_inputs",
    "appraise",
    "appraise_requester",
    "recommended_values",
    "option_terms",
    "site_fractions",
    "tornado",
    "value_answer",
    "check_flags",
]


def option_terms(
    dataset: Dataset,
    spec: ValuationSpec,
    request: Request,
    requester_index: int,
    assumed: Mapping[str, Any] | None = None,
) -> tuple[dict[str, dict[str, Any]], float]:
    """Every option's terms ``{option: {term id: value}}`` and the NHS's cost of access (GBP)."""
    sheets = term_sheets(dataset, request, requester_index, assumed)
    cost = next(iter(sheets.values())).cost.amount
    return {option: sheet.values() for option, sheet in sheets.items()}, float(cost)


def site_fractions(dataset: Dataset, spec: ValuationSpec, request: Request) -> tuple[tuple[str, ...], np.ndarray]:
    """The sites and each one's share of 1 under the valuation's sharing rule."""
    sites, results = split_among_sites(dataset, request, 1.0, spec.site_rule.value)
    table = results[spec.site_rule.value].table
    return tuple(sites.sites), table["raw_share"].to_numpy(dtype=float)


@dataclass(frozen=True)
class RequesterValue:
    """Every option priced for one requester, with the inputs that made the numbers."""

    requester_index: int
    requester: dict[str, Any]
    assumed: dict[str, Any]
    assumptions: Assumptions
    revenue_row: str | None  # valuation.yaml revenue row id (None: sells nothing)
    cost: float
    contribution_share: float
    options: tuple[OptionValue, ...]
    terms: dict[str, dict[str, Any]]
    fair_terms: dict[str, dict[str, dict[str, Any]]]  # option -> term -> {current, fair, unit}
    split: dict[str, list[tuple[str, float]]]  # option -> [(site or broker, share)]
    draws: Draws

    def option(self, option_id: str) -> OptionValue:
        return next(v for v in self.options if v.option == option_id)

    def summary(self) -> pd.DataFrame:
        """One row per option: the answers a board reads."""
        return pd.DataFrame(
            [
                {
                    "option": v.option,
                    "mean": v.mean,
                    "p10": v.p10,
                    "p50": v.p50,
                    "p90": v.p90,
                    "p_nothing": v.p_nothing,
                    "breakeven_year": v.breakeven_year,
                    "partner_cash_before_revenue": v.partner_cash_before_revenue,
                    "nhs_share": v.nhs_share,
                    "contribution_share": v.contribution_share,
                    "fair_royalty": (self.fair_terms[v.option].get("royalty") or {}).get("fair"),
                }
                for v in self.options
            ]
        )


def _fair(d: Draws, terms: Mapping[str, Any], share: float, can_exit: bool) -> dict[str, dict[str, Any]]:
    answer = {}
    for term, (unit, _bound) in SOLVABLE.items():
        if term == "equity" and not can_exit:
            continue
        fixed = dict(terms)
        if term == "access_fee":
            fixed.setdefault("access_fee_due", "signing")
        entry = {"current": terms.get(term, 0), "fair": solve_fair(d, fixed, term, share), "unit": unit}
        if term == "royalty" and "royalty_cap" in terms:
            # a capped royalty may not reach the share at any rate: say what rate would, without the cap
            uncapped = {k: v for k, v in fixed.items() if k != "royalty_cap"}
            entry["without_cap"] = solve_fair(d, uncapped, term, share)
        answer[term] = entry
    return answer


@dataclass(frozen=True)
class PricingInputs:
    """Everything a requester's appraisal prices, before any draw: the same inputs price to the same values."""

    requester: Any  # the request's requester (a schema Requester)
    shown_request: Request  # the request with the tree's assumed facts filled in
    shown_requester: Any
    terms: dict[str, dict[str, Any]]  # option -> {term id: value}, overrides applied
    cost: float  # the NHS's cost of access (GBP)
    assumptions: Assumptions
    share: float  # the NHS's contribution share

    def key(self) -> tuple:
        """What the values depend on, comparable with ``==``."""
        return self.terms, self.assumptions, self.share


def pricing_inputs(
    dataset: Dataset,
    spec: ValuationSpec,
    request: Request,
    requester_index: int,
    *,
    assumed: Mapping[str, Any] | None = None,
    discount_rate: float | None = None,
    horizon: int | None = None,
    scenario: str = "central",
    term_overrides: Mapping[str, Mapping[str, Any]] | None = None,
    overrides: Mapping[str, float] | None = None,
) -> PricingInputs:
    """The term sheets, assumptions and contribution share :func:`appraise_requester` prices (no draws)."""
    requester = request.requester(requester_index)
    shown_request, shown_requester = with_assumed(request, requester, assumed)
    terms, cost = option_terms(dataset, spec, request, requester_index, assumed)
    for option, changes in (term_overrides or {}).items():
        terms[option] = {**terms[option], **changes}
    a = assumptions_for(
        spec,
        shown_requester,
        access_cost=cost,
        discount_rate=discount_rate,
        horizon=horizon,
        scenario=scenario,
        overrides=overrides,
    )
    return PricingInputs(
        requester, shown_request, shown_requester, terms, cost, a, contribution_share(spec, shown_request)
    )


def appraise_requester(
    dataset: Dataset,
    spec: ValuationSpec,
    request: Request,
    requester_index: int,
    *,
    assumed: Mapping[str, Any] | None = None,
    draws: int | None = None,
    seed: int | None = DEFAULT_SEED,
    discount_rate: float | None = None,
    horizon: int | None = None,
    scenario: str = "central",
    term_overrides: Mapping[str, Mapping[str, Any]] | None = None,
    fractions: tuple[tuple[str, ...], np.ndarray] | None = None,
    overrides: Mapping[str, float] | None = None,
    fair: bool = True,
    shares: bool = True,
    inputs: PricingInputs | None = None,
) -> RequesterValue:
    """Price every option's term sheet for one requester (under the decision tree's ``assumed`` facts, if any).

    ``term_overrides`` replaces terms per option (``{option: {term: value}}``, e.g. a royalty
    rate from the explorer); ``overrides`` moves one assumption (see :func:`assumptions_for`).
    ``fair=False`` skips solving for fair terms and ``shares=False`` the split among sites (both empty).
    ``inputs``: what :func:`pricing_inputs` gave for these same arguments, if the caller has it.
    """
    check_flags(draws, horizon, discount_rate)
    if inputs is None:
        inputs = pricing_inputs(
            dataset,
            spec,
            request,
            requester_index,
            assumed=assumed,
            discount_rate=discount_rate,
            horizon=horizon,
            scenario=scenario,
            term_overrides=term_overrides,
            overrides=overrides,
        )
    a, terms, share, shown_request = inputs.assumptions, inputs.terms, inputs.share, inputs.shown_request
    d = simulate(a, spec.draws.value if draws is None else int(draws), seed)
    values = tuple(value_option(d, option, option_terms_, share) for option, option_terms_ in terms.items())
    can_exit = any(s.id == a.exit_stage and s.probability > 0 for s in a.stages)
    fair_terms = {v.option: _fair(d, terms[v.option], share, can_exit) for v in values} if fair else {}
    splits = {}
    if shares:
        sites, parts = fractions if fractions is not None else site_fractions(dataset, spec, shown_request)
        splits = {v.option: split_npv(v.mean, spec.broker.name, spec.broker.share, sites, parts) for v in values}
    row = revenue_row(spec, inputs.shown_requester)
    return RequesterValue(
        requester_index,
        inputs.requester.summary(),
        dict(assumed or {}),
        a,
        row.id if row else None,
        inputs.cost,
        share,
        values,
        terms,
        fair_terms,
        splits,
        d,
    )


def appraise(
    dataset: Dataset, spec: ValuationSpec, request: Request, requester: int | None = None, **kwargs: Any
) -> list[RequesterValue]:
    """Every requester (or the one at position ``requester``), with the request's stated facts."""
    indices = range(len(request.requesters)) if requester is None else [requester]
    if requester is not None:
        request.requester(requester)
    fractions = site_fractions(dataset, spec, request)
    return [appraise_requester(dataset, spec, request, i, fractions=fractions, **kwargs) for i in indices]


@dataclass(frozen=True)
class PricedAgreement:
    """The recommended agreement for one decision-tree outcome, priced under its assumed facts."""

    requester_index: int
    assumed: dict[str, Any]
    option: str
    value: RequesterValue

    @property
    def priced(self) -> OptionValue:
        return self.value.option(self.option)

    @property
    def fair_royalty(self) -> float | None:
        return (self.value.fair_terms[self.option].get("royalty") or {}).get("fair")


def recommended_values(
    dataset: Dataset,
    spec: ValuationSpec,
    request: Request,
    requester_index: int,
    agreements: Sequence[Agreement],
    **kwargs: Any,
) -> list[PricedAgreement]:
    """Each agreement to sign (one per tree outcome, :func:`~.agreement.agreements`), priced."""
    return [
        PricedAgreement(
            requester_index,
            dict(a.assumed),
            a.option,
            appraise_requester(dataset, spec, request, requester_index, assumed=a.assumed, **kwargs),
        )
        for a in agreements
    ]


def tornado(
    dataset: Dataset,
    spec: ValuationSpec,
    request: Request,
    requester_index: int,
    option: str,
    *,
    assumed: Mapping[str, Any] | None = None,
    draws: int = 20_000,
    seed: int | None = DEFAULT_SEED,
    discount_rate: float | None = None,
    scenario: str = "central",
    term_overrides: Mapping[str, Mapping[str, Any]] | None = None,
) -> pd.DataFrame:
    """Expected NHS value of ``option`` with each assumption moved to the ends of its range, the rest at the base.

    The base is valuation.yaml's central assumptions, or the ``discount_rate``, revenue ``scenario`` and
    ``term_overrides`` given (as :func:`appraise_requester` takes them). Columns: assumption,
    low_input, high_input, low (value at the low input), high, base, swing; sorted by swing, largest first.
    """
    requester = request.requester(requester_index)
    _shown, shown_requester = with_assumed(request, requester, assumed)
    terms, cost = option_terms(dataset, spec, request, requester_index, assumed)
    sheet = {**terms[option], **(term_overrides or {}).get(option, {})}
    base: dict[str, Any] = {"discount_rate": discount_rate, "scenario": scenario}

    def mean(**kwargs: Any) -> float:
        a = assumptions_for(spec, shown_requester, access_cost=cost, **{**base, **kwargs})
        return price(simulate(a, draws, seed), sheet).mean

    rows = []
    lo, hi = spec.discount_rate.range
    rows.append(("discount rate", f"{lo:.1%}", f"{hi:.1%}", mean(discount_rate=lo), mean(discount_rate=hi)))
    scenarios = sorted(spec.revenue_scenarios, key=lambda s: s.factor)
    rows.append(
        (
            "net revenue",
            f"{scenarios[0].id} (x{scenarios[0].factor:g})",
            f"{scenarios[-1].id} (x{scenarios[-1].factor:g})",
            mean(scenario=scenarios[0].id),
            mean(scenario=scenarios[-1].id),
        )
    )
    for stage in spec.stages:
        if stage.probability_by_kind.get(shown_requester.kind, stage.probability) <= 0 or stage.probability <= 0:
            continue
        lo_p, hi_p = stage.range
        rows.append(
            (
                f"p({stage.id.replace('_', ' ')})",
                f"{lo_p:.0%}",
                f"{hi_p:.0%}",
                mean(overrides={f"probability:{stage.id}": lo_p / stage.probability}),
                mean(overrides={f"probability:{stage.id}": hi_p / stage.probability}),
            )
        )
    lo_c, hi_c = spec.access_cost.range_factor
    rows.append(
        (
            "cost of access",
            f"x{lo_c:g}",
            f"x{hi_c:g}",
            mean(overrides={"access_cost": lo_c}),
            mean(overrides={"access_cost": hi_c}),
        )
    )
    table = pd.DataFrame(rows, columns=["assumption", "low_input", "high_input", "low", "high"])
    table["base"] = mean()
    table["swing"] = (table["high"] - table["low"]).abs()
    return table.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)


# --- the command's answer ----------------------------------------------------------------


def _num(x: float | None) -> float | None:
    return None if x is None else float(x)


def _option_answer(rv: RequesterValue, v: OptionValue) -> dict[str, Any]:
    return {
        "option": v.option,
        "npv": {"mean": v.mean, "p10": v.p10, "p50": v.p50, "p90": v.p90},
        "p_nothing": v.p_nothing,
        "breakeven_year": v.breakeven_year,
        "receipts_by_year": list(v.receipts_by_year),
        "partner_cash_before_revenue": v.partner_cash_before_revenue,
        "nhs_share": _num(v.nhs_share),
        "contribution_share": v.contribution_share,
        "fair_terms": {
            term: {key: (_num(x) if key in ("fair", "without_cap") else x) for key, x in f.items()}
            for term, f in rv.fair_terms.get(v.option, {}).items()
        },
        "split": [{"site": site, "share": share} for site, share in rv.split[v.option]],
    }


def value_answer(
    dataset: Dataset,
    spec: ValuationSpec,
    request: Request,
    requester: int | None = None,
    *,
    draws: int | None = None,
    seed: int = DEFAULT_SEED,
    discount_rate: float | None = None,
    horizon: int | None = None,
) -> dict[str, Any]:
    """The ``value`` command's answer (the issue's JSON shape)."""
    check_flags(draws, horizon, discount_rate)
    values = appraise(
        dataset, spec, request, requester, draws=draws, seed=seed, discount_rate=discount_rate, horizon=horizon
    )
    first = values[0].assumptions
    return {
        "request": request.id,
        "draws": values[0].draws.n,
        "seed": seed,
        "discount_rate": first.discount_rate,
        "horizon": first.horizon,
        "results": [
            {
                "requester_index": rv.requester_index,
                "requester": rv.requester,
                "options": [_option_answer(rv, v) for v in rv.options],
            }
            for rv in values
        ],
    }
