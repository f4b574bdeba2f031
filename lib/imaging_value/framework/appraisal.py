"""What each agreement is worth for a request: term sheets priced with the valuation's assumptions.

Connects the data folder (term sheets from :mod:`.terms`, ``valuation.yaml`` from
:mod:`~imaging_value.model.assumptions`, the sites and sharing rule from :mod:`.site_split`)
to the pure engine in :mod:`~imaging_value.maths.valuation`, and builds the ``value``
command's answer. The agreement to sign is given (:func:`recommended_values`), never worked out here.

Every answer is for one decision-tree outcome: the request's stated facts with the outcome's assumed
answers filled in (``assumed``), so the value of a branch is the same wherever it is shown. What each
option is priced on: its term sheet, the requester's revenue row and stages, moved by the request's
facts (``stage_adjustments``) and its data (``data_value``: the size, curation and type of the data
move the revenue and the NHS's contribution share).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..core.checks import check_flags
from ..core.defaults import DEFAULT_SEED
from ..core.errors import DataValidationError, Problem
from ..core.layout import VALUATION_FILE
from ..core.limits import MAX_TOTAL
from ..model.assumptions import ValuationSpec, assumptions_for, contribution_share, data_factor, revenue_row
from ..model.conditions import facts_for
from ..model.data import Dataset
from ..model.schema import Request
from .site_split import split_among_sites
from .terms import CostBasis, term_sheets, with_assumed

if TYPE_CHECKING:
    from .agreement import Agreement

from ..maths.valuation import (
    SOLVABLE,
    Assumptions,
    Draws,
    OptionValue,
    fair_error,
    fee_floor,
    price,
    simulate,
    solve_fair,
    split_npv,
    value_option,
)

__all__ = [
    "RequesterValue",
    "PricedAgreement",
    "ShareTest",
    "share_tests",
    "priced_shares",
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
    terms, basis = _terms_and_cost(dataset, request, requester_index, assumed)
    return terms, float(basis.amount)


def _terms_and_cost(
    dataset: Dataset, request: Request, requester_index: int, assumed: Mapping[str, Any] | None
) -> tuple[dict[str, dict[str, Any]], CostBasis]:
    sheets = term_sheets(dataset, request, requester_index, assumed)
    basis = next(iter(sheets.values())).cost
    return {option: sheet.values() for option, sheet in sheets.items()}, basis


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
    data_factor: float = 1.0  # the data's factor on revenue and on the components that scale with it
    stage_adjustments: tuple[str, ...] = ()  # ids of valuation.yaml's stage adjustments that moved a stage

    def option(self, option_id: str) -> OptionValue:
        """The priced option of this id."""
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
                    "mean_se": v.errors.get("mean"),
                }
                for v in self.options
            ]
        )


def _fair(
    d: Draws, terms: Mapping[str, Any], share: float, can_exit: bool, exact: bool = True
) -> dict[str, dict[str, Any]]:
    """Each solvable term's fair value with the others fixed, its Monte Carlo standard error (``se``), and for the
    access fee the floor that recovers the cost of access (``floor``; ``floor_binds`` where the share alone
    would ask less: the fee never goes below the cost). With ``exact`` (the default), a term the expected NPV is
    linear in (every one but a capped royalty) is solved on the exact expectations of the model, with no Monte
    Carlo error (``se`` 0, ``exact`` true); otherwise on the draws, with the delta method's standard error."""
    from ..maths.expectation import exact_fair, exact_fee_floor

    a = d.assumptions
    answer = {}
    for term, (unit, _bound) in SOLVABLE.items():
        if term == "equity" and not can_exit:
            continue
        fixed = dict(terms)
        if term == "access_fee":
            fixed.setdefault("access_fee_due", "signing")
        closed = exact and not (term == "royalty" and "royalty_cap" in fixed)
        if closed:
            fair = exact_fair(a, fixed, term, share)
            se: float | None = None if fair is None else 0.0
        else:
            fair = solve_fair(d, fixed, term, share)
            se = None if fair is None else fair_error(d, fixed, term, share, fair)
        entry: dict[str, Any] = {"current": terms.get(term, 0), "fair": fair, "unit": unit, "se": se, "exact": closed}
        if term == "access_fee":
            floor = exact_fee_floor(a, fixed) if closed else fee_floor(d, fixed)
            binds = floor is not None and (fair is None or fair < floor)
            entry["floor"] = floor
            entry["floor_binds"] = binds
            if binds:
                entry["fair"] = floor
                entry["se"] = 0.0 if closed else _floor_error(d, fixed, floor)
        if term == "royalty" and "royalty_cap" in terms:
            # a capped royalty may not reach the share at any rate: say what rate would, without the cap
            uncapped = {k: v for k, v in fixed.items() if k != "royalty_cap"}
            entry["without_cap"] = (
                exact_fair(a, uncapped, term, share) if exact else solve_fair(d, uncapped, term, share)
            )
        answer[term] = entry
    return answer


def _floor_error(d: Draws, terms: Mapping[str, Any], floor: float) -> float:
    """The standard error of the cost-recovering fee (cost over the fee's discount factor): the floor times the
    relative standard error of the factor, a mean over the draws."""
    from ..maths.valuation import standard_error

    timing = {k: 0.0 for k in terms if k.startswith("milestone:")} | {"access_fee_due": terms.get("access_fee_due")}
    priced = price(d, {**timing, "access_fee": 1.0})
    factor = priced.pv_by_mechanism.get("access_fee", 0.0)
    return 0.0 if factor <= 0 else floor * standard_error(d, priced.npv) / factor


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
    data_factor: float = 1.0  # the data's factor on revenue (valuation.yaml's data_value)
    stage_adjustments: tuple[str, ...] = ()  # the stage adjustments that moved a stage

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
    sheets: Mapping[str, Any] | None = None,
) -> PricingInputs:
    """The term sheets, assumptions and contribution share :func:`appraise_requester` prices (no draws).
    ``sheets``: the term sheets for this requester and ``assumed``, if the caller has them."""
    from ..model.assumptions import stage_adjustments_for

    requester = request.requester(requester_index)
    shown_request, shown_requester = with_assumed(request, requester, assumed)
    if sheets is None:
        terms, basis = _terms_and_cost(dataset, request, requester_index, assumed)
    else:
        terms = {option: sheet.values() for option, sheet in sheets.items()}
        basis = next(iter(sheets.values())).cost
    for option, changes in (term_overrides or {}).items():
        terms[option] = {**terms[option], **changes}
    facts = facts_for(shown_request, shown_requester, dataset.derived_facts, assumed)
    factor = data_factor(spec, shown_request, basis.items)
    a = assumptions_for(
        spec,
        shown_requester,
        access_cost=basis.amount,
        discount_rate=discount_rate,
        horizon=horizon,
        scenario=scenario,
        overrides=overrides,
        facts=facts,
        revenue_factor=factor,
    )
    return PricingInputs(
        requester,
        shown_request,
        shown_requester,
        terms,
        float(basis.amount),
        a,
        contribution_share(spec, shown_request, factor),
        factor,
        tuple(adj.id for adj in stage_adjustments_for(spec, facts)),
    )


def _check_shareable(values: tuple[OptionValue, ...], requester_index: int) -> None:
    """Every option's expected NPV within what can be shared among sites to the penny (``MAX_TOTAL``).

    Each amount in valuation.yaml and terms.yaml is bounded when the folder loads; together they could
    still value an agreement beyond any real one, which is then said of the files, not of a parameter."""
    over = [v for v in values if not v.mean <= MAX_TOTAL]  # not <=: a nan is over too
    if over:
        raise DataValidationError(
            [
                Problem(
                    f"{VALUATION_FILE} and terms.yaml",
                    f"requester {requester_index + 1}",
                    "",
                    f"assumptions under which an agreement is worth at most {MAX_TOTAL:,.0f} GBP to the NHS "
                    "(the most that is shared among sites to the penny)",
                    f"option {v.option} worth {v.mean:,.0f} GBP on average: lower the revenue medians, "
                    "spreads or factors, or the amounts of its terms",
                )
                for v in over
            ]
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
    exact: bool = True,
) -> RequesterValue:
    """Price every option's term sheet for one requester (under the decision tree's ``assumed`` facts, if any).

    ``term_overrides`` replaces terms per option (``{option: {term: value}}``, e.g. a royalty
    rate from the explorer); ``overrides`` moves one assumption (see :func:`assumptions_for`).
    ``fair=False`` skips solving for fair terms and ``shares=False`` the split among sites (both empty).
    ``inputs``: what :func:`pricing_inputs` gave for these same arguments, if the caller has it. ``exact``: fair
    terms solved on the model's exact expectations where they can be (see :func:`_fair`); False solves every one
    on the draws (the million-draw reference does, to check the closed form).
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
    fair_terms = {v.option: _fair(d, terms[v.option], share, can_exit, exact) for v in values} if fair else {}
    splits = {}
    if shares:
        sites, parts = fractions if fractions is not None else site_fractions(dataset, spec, shown_request)
        _check_shareable(values, requester_index)
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
        inputs.data_factor,
        inputs.stage_adjustments,
    )


@dataclass(frozen=True)
class ShareTest:
    """One option's NHS share of the value created against the NHS's contribution share, priced: what NHS England
    2023's proportionate-share principle is judged on (the guidance item with ``check: valuation``)."""

    option: str
    nhs_share: float | None  # expected NHS NPV over the expected value created (None: nothing is created)
    error: float | None  # its Monte Carlo standard error
    contribution_share: float
    value_created: float  # GBP, expected present value of the product's profit
    mean: float  # GBP, the option's expected NPV to the NHS

    @property
    def shortfall(self) -> float:
        """GBP: how far the expected NPV falls short of the contribution share of the value created (0: none)."""
        return max(0.0, self.contribution_share * self.value_created - self.mean)

    def meets(self, standard_errors: float) -> bool | None:
        """Whether the share reaches the contribution share within ``standard_errors`` of its Monte Carlo error
        (None: nothing is created, so there is no share to judge)."""
        if self.nhs_share is None:
            return None
        return self.nhs_share + standard_errors * (self.error or 0.0) >= self.contribution_share

    def facts(self) -> dict[str, str]:
        """The placeholders a guidance reason may name: valuation_nhs_share, _contribution_share, _shortfall."""
        share = "-" if self.nhs_share is None else f"{self.nhs_share:.1%}"
        error = "" if not self.error else f" (± {self.error:.1%})"
        return {
            "valuation_nhs_share": share + error,
            "valuation_contribution_share": f"{self.contribution_share:.1%}",
            "valuation_shortfall": f"£{self.shortfall:,.0f}",
        }


def priced_shares(
    dataset: Dataset,
    spec: ValuationSpec,
    request: Request,
    requester_index: int,
    *,
    assumed: Mapping[str, Any] | None = None,
    seed: int | None = DEFAULT_SEED,
    draws: int | None = None,
    sheets: Mapping[str, Any] | None = None,
) -> dict[str, ShareTest]:
    """Every option's share test under an outcome's assumed facts: the NHS's expected share of the value created,
    exactly from the model's expectations (no draws, no error) for terms that have a closed form, and on the
    draws (valuation.yaml's, with ``seed``; the same as :func:`appraise_requester`'s) with its standard error
    for terms that do not (a capped royalty). ``sheets``: the outcome's term sheets, if the caller has them."""
    from ..maths.valuation import expected_value, share_error, value_created

    check_flags(draws, None, None)
    inputs = pricing_inputs(dataset, spec, request, requester_index, assumed=assumed, sheets=sheets)
    a = inputs.assumptions
    tests = {}
    d = None
    for option, terms in inputs.terms.items():
        if "royalty_cap" in terms and terms.get("royalty"):
            if d is None:
                d = simulate(a, spec.draws.value if draws is None else int(draws), seed)
            created = value_created(d)
            p = price(d, terms)
            share = p.mean / created if created > 0 else None
            tests[option] = ShareTest(
                option, share, share_error(d, p.npv) if created > 0 else None, inputs.share, created, p.mean
            )
            continue
        e = expected_value(a, terms)
        share = e.npv / e.value_created if e.value_created > 0 else None
        tests[option] = ShareTest(option, share, 0.0, inputs.share, e.value_created, e.npv)
    return tests


def share_tests(value: RequesterValue) -> dict[str, ShareTest]:
    """Every option's share test, from one requester's valuation (one decision-tree outcome)."""
    return {
        v.option: ShareTest(
            v.option, v.nhs_share, v.errors.get("nhs_share"), v.contribution_share, v.value_created, v.mean
        )
        for v in value.options
    }


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
        """The recommended option as priced."""
        return self.value.option(self.option)

    @property
    def fair_royalty(self) -> float | None:
        """The royalty (%) that gives the NHS its contribution share on this option; None where no rate can."""
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
                f"chance of {stage.id.replace('_', ' ')}",
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


def _fair_answer(entry: Mapping[str, Any]) -> dict[str, Any]:
    return {key: (_num(x) if key in ("fair", "without_cap", "se", "floor") else x) for key, x in entry.items()}


def _option_answer(rv: RequesterValue, v: OptionValue) -> dict[str, Any]:
    return {
        "option": v.option,
        "npv": {"mean": v.mean, "p10": v.p10, "p50": v.p50, "p90": v.p90},
        "errors": {key: _num(x) for key, x in v.errors.items()},
        "p_nothing": v.p_nothing,
        "breakeven_year": v.breakeven_year,
        "receipts_by_year": list(v.receipts_by_year),
        "partner_cash_before_revenue": v.partner_cash_before_revenue,
        "nhs_share": _num(v.nhs_share),
        "contribution_share": v.contribution_share,
        "fair_terms": {term: _fair_answer(f) for term, f in rv.fair_terms.get(v.option, {}).items()},
        "split": [{"site": site, "share": share} for site, share in rv.split[v.option]],
    }


def branch_answer(rv: RequesterValue, agreement: str | None) -> dict[str, Any]:
    """One requester's valuation under one decision-tree outcome, as the ``value`` command gives it."""
    return {
        "requester_index": rv.requester_index,
        "requester": rv.requester,
        "assumed": dict(rv.assumed),
        "agreement": agreement,
        "data_factor": rv.data_factor,
        "stage_adjustments": list(rv.stage_adjustments),
        "options": [_option_answer(rv, v) for v in rv.options],
    }


def value_answer(
    dataset: Dataset,
    spec: ValuationSpec,
    request: Request,
    agreements: Mapping[int, Sequence[Agreement]],
    *,
    draws: int | None = None,
    seed: int = DEFAULT_SEED,
    discount_rate: float | None = None,
    horizon: int | None = None,
) -> dict[str, Any]:
    """The ``value`` command's answer: per requester, one result per decision-tree outcome (the agreements to
    sign, :func:`~.agreement.agreements`), every option priced under the facts that outcome assumed, each result
    carrying its ``assumed`` facts and the option it signs (``agreement``)."""
    check_flags(draws, horizon, discount_rate)
    fractions = site_fractions(dataset, spec, request)  # the sites and their shares: no assumed fact moves them
    results = []
    for index, outcomes in agreements.items():
        for agreement in outcomes:
            rv = appraise_requester(
                dataset,
                spec,
                request,
                index,
                assumed=agreement.assumed,
                draws=draws,
                seed=seed,
                discount_rate=discount_rate,
                horizon=horizon,
                fractions=fractions,
            )
            results.append(branch_answer(rv, agreement.option))
    first = next(iter(agreements.values()))[0] if agreements else None
    a = assumptions_for(
        spec,
        request.requester(first.requester_index if first else 0),
        discount_rate=discount_rate,
        horizon=horizon,
    )
    return {
        "request": request.id,
        "draws": spec.draws.value if draws is None else int(draws),
        "seed": seed,
        "discount_rate": a.discount_rate,
        "horizon": a.horizon,
        "results": results,
    }
