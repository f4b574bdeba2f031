"""The rNPV model's inputs and their exact expectations: no draws, pure maths over numpy arrays.

:class:`Assumptions` (with its :class:`Stage` and :class:`Market`) is what the valuation prices on; the
Monte Carlo engine (:mod:`imaging_value.maths.valuation`) draws an uncertain world from it, and this
module gives what those draws' means converge to, exactly: each stage's chance and the distribution of
its year (its chain's probabilities multiplied, its rounded triangular delays convolved), the lognormal
means of revenue and of the exit multiple, summed over the horizon (:func:`expected_value`). From them:
the exact discount of a payment at a stage (:func:`due_factor`, which prices a deferred fee that recovers
the cost of access), the royalty at which a term sheet returns the NHS's contribution share
(:func:`proportionate_royalty`), and the fair terms solved without Monte Carlo error (:func:`exact_fair`,
:func:`exact_fee_floor`). A capped royalty has no closed form here.

Light on purpose: pricing a term sheet (``rank``, ``terms``) uses it without loading the Monte Carlo engine.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from ..core.errors import ParameterError

__all__ = [
    "Stage",
    "Market",
    "Assumptions",
    "Expected",
    "FEE_DUE",
    "SOLVABLE",
    "ordered",
    "triangular_cdf",
    "term_number",
    "term_number_in",
    "due_factor",
    "expected_value",
    "proportionate_royalty",
    "exact_fair",
    "exact_fee_floor",
]

FEE_DUE = ("signing", "first_revenue", "first_milestone")
# the terms fair terms can be solved for, the unit their value is in, and an upper bound
SOLVABLE = {"royalty": ("% of net revenue", 100.0), "access_fee": ("GBP", None), "equity": ("% stake", 100.0)}


@dataclass(frozen=True)
class Stage:
    """A stage a payment can depend on: reached after ``after`` (None: signing) with ``probability``."""

    id: str
    after: str | None
    probability: float
    years: tuple[int, int, int]  # low, likely, high (years after the stage it follows)


@dataclass(frozen=True)
class Market:
    """The product's net revenue and the company's value at exit, for one requester."""

    revenue_median: float  # GBP a year at maturity; 0 for a requester that sells nothing
    revenue_spread: float  # standard deviation of log revenue
    ramp_years: int
    profit_margin: float
    nhs_use_share: float
    exit_multiple_median: float
    exit_multiple_spread: float


@dataclass(frozen=True)
class Assumptions:
    """What a valuation assumes: discount rate, horizon, stages, market and the NHS's cost of access.

    ``first_revenue_stage``, ``adoption_stage`` and ``exit_stage`` name the stages that mark those events.
    """

    discount_rate: float
    horizon: int
    stages: tuple[Stage, ...]
    market: Market
    access_cost: float = 0.0  # GBP, the NHS's cost of providing access
    access_cost_year: int = 0
    in_kind_year: int = 1
    first_revenue_stage: str = "first_sale"
    adoption_stage: str = "nhs_adoption"
    exit_stage: str = "exit"

    def __post_init__(self) -> None:
        if not (math.isfinite(self.discount_rate) and -1 < self.discount_rate):
            raise ParameterError("discount_rate", "a finite number above -1", self.discount_rate)
        if not (isinstance(self.horizon, int) and self.horizon >= 0):
            raise ParameterError("horizon", "a whole number of years >= 0", self.horizon)
        ids = [s.id for s in self.stages]
        for stage in self.stages:
            if stage.after is not None and stage.after not in ids:
                raise ParameterError(f"stages.{stage.id}.after", "the id of another stage", stage.after)
            if not 0 <= stage.probability <= 1:
                raise ParameterError(f"stages.{stage.id}.probability", "a number from 0 to 1", stage.probability)
        for name in ("first_revenue_stage", "adoption_stage", "exit_stage"):
            if getattr(self, name) not in ids:
                raise ParameterError(name, "the id of a stage", getattr(self, name))

    def discount(self) -> np.ndarray:
        """The discount factor of each year from 0 to the horizon."""
        return (1.0 + self.discount_rate) ** -np.arange(self.horizon + 1, dtype=float)


def ordered(stages: tuple[Stage, ...]) -> list[Stage]:
    """The stages in an order where each follows the stage it comes after (ParameterError for a loop)."""
    done: dict[str, Stage] = {}
    pending = list(stages)
    while pending:
        progressed = [s for s in pending if s.after is None or s.after in done]
        if not progressed:
            raise ParameterError("stages", "stages without a loop of 'after'", ", ".join(s.id for s in pending))
        for stage in progressed:
            done[stage.id] = stage
            pending.remove(stage)
    return list(done.values())


def triangular_cdf(low: int, likely: int, high: int) -> np.ndarray:
    """P(round(T) <= k) for k = low..high, T triangular on [low, high] with mode ``likely`` (read-only, kept)."""
    return _triangular_cdf_kept(int(low), int(likely), int(high))


@functools.lru_cache(maxsize=256)
def _triangular_cdf_kept(low: int, likely: int, high: int) -> np.ndarray:
    cdf = _triangular_cdf_of(low, likely, high)
    cdf.flags.writeable = False
    return cdf


def _triangular_cdf_of(low: int, likely: int, high: int) -> np.ndarray:
    if high == low:
        return np.ones(1)
    x = np.clip(np.arange(low, high + 1) + 0.5, low, high).astype(float)
    cdf = np.where(
        x <= likely,
        (x - low) ** 2 / ((high - low) * max(likely - low, 1e-300)),
        1 - (high - x) ** 2 / ((high - low) * max(high - likely, 1e-300)),
    )
    cdf[-1] = 1.0
    return cdf


def term_number(terms: Mapping[str, object], key: str) -> float | None:
    """The number the term ``key`` holds, or None where the terms do not name it."""
    return term_number_in(terms, key) if key in terms else None


def term_number_in(terms: Mapping[str, object], key: str) -> float:
    """The number the term ``key`` (one of ``terms``) holds: a finite number >= 0, else :class:`ParameterError`."""
    value = terms[key]
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float, np.integer, np.floating))
        or not math.isfinite(float(value))
        or float(value) < 0
    ):
        raise ParameterError(f"terms.{key}", "a finite number >= 0", value)
    return float(value)


def due_factor(a: Assumptions, stage_id: str) -> float:
    """The exact expected discount factor of a payment of 1 due when ``stage_id`` is reached (0 if it is not
    reached within the horizon): ``E[1{reached} (1 + r)**-year]`` over the stage chain's probabilities and
    rounded triangular delays, with no draws. A fee deferred to that stage recovers a cost C in expected
    present value when it is ``C / due_factor``."""
    by_id = {s.id: s for s in a.stages}
    if stage_id not in by_id:
        raise ParameterError("stage", "the id of a stage: " + ", ".join(by_id), stage_id)
    chain = []
    step: str | None = stage_id
    while step is not None:
        chain.append(by_id[step])
        step = by_id[step].after
    probability = 1.0
    pmf = np.ones(1)  # years from signing: P(year = k)
    for stage in reversed(chain):
        probability *= stage.probability
        low, _likely, high = stage.years
        cdf = triangular_cdf(*stage.years)
        delay = np.zeros(high + 1)
        delay[low : high + 1] = np.diff(np.concatenate([[0.0], cdf]))
        pmf = np.convolve(pmf, delay)
    years = np.arange(pmf.size)
    within = years <= a.horizon
    return float(probability * (pmf[within] * (1.0 + a.discount_rate) ** -years[within]).sum())


def _delay_pmf(years: tuple[int, int, int]) -> np.ndarray:
    """P(delay = k) for k = 0..high: the rounded triangular delay of a stage."""
    low, _likely, high = years
    delay = np.zeros(high + 1)
    delay[low : high + 1] = np.diff(np.concatenate([[0.0], triangular_cdf(*years)]))
    return delay


@functools.lru_cache(maxsize=256)
def _stage_years(stages: tuple[Stage, ...]) -> dict[str, tuple[float, np.ndarray]]:
    """Each stage's chance of being reached and the distribution of its year (``pmf[k]`` = P(year = k)), exactly:
    the chain's probabilities multiplied, its rounded triangular delays convolved (kept per set of stages)."""
    out: dict[str, tuple[float, np.ndarray]] = {}
    for stage in ordered(stages):
        delay = _delay_pmf(stage.years)
        if stage.after is None:
            out[stage.id] = (stage.probability, delay)
        else:
            p, pmf = out[stage.after]
            out[stage.id] = (p * stage.probability, np.convolve(pmf, delay))
    return out


def _within(pmf: np.ndarray, horizon: int) -> np.ndarray:
    """The distribution cut to years 0..horizon (the rest is beyond the horizon, worth nothing)."""
    out = np.zeros(horizon + 1)
    k = min(pmf.size, horizon + 1)
    out[:k] = pmf[:k]
    return out


@dataclass(frozen=True)
class Expected:
    """A term mapping's expected present values, exactly (no draws): what :func:`price`'s means converge to."""

    npv: float  # expected NPV to the NHS (receipts less its cost of access)
    value_created: float  # expected present value of the product's profit
    revenue_pv: float  # expected present value of the product's net revenue
    by_mechanism: Mapping[str, float]


def expected_value(a: Assumptions, terms: Mapping[str, object]) -> Expected:
    """The exact expectation of :func:`price`'s NPV for ``terms``: every stage's chance and year distribution, the
    lognormal means of revenue and the exit multiple, summed over the horizon. A capped royalty has no closed form
    here (:class:`ParameterError`); every other term is priced as :func:`price` prices it."""
    if "royalty_cap" in terms and term_number(terms, "royalty"):
        raise ParameterError("terms.royalty_cap", "no cap on a royalty priced in closed form", terms["royalty_cap"])
    H = a.horizon
    d = a.discount()
    m = a.market
    stages = _stage_years(a.stages)

    def factor(stage: str) -> float:
        p, pmf = stages[stage]
        return float(p * (_within(pmf, H) @ d))

    t = np.arange(H + 1)
    since = t[None, :] - t[:, None]  # rows: the first sale's year s = 0..H
    ramp = np.clip((since + 1) / max(m.ramp_years, 1), 0.0, 1.0)
    p_sale, pmf_sale = stages[a.first_revenue_stage]
    sale = _within(pmf_sale, H)
    peak = m.revenue_median * math.exp(m.revenue_spread**2 / 2)
    revenue_pv = peak * p_sale * float(sale @ (ramp @ d))
    pv: dict[str, float] = {}

    events = sorted(k.split(":", 1)[1] for k in terms if k.startswith("milestone:"))
    for event in events:
        if event not in stages:
            raise ParameterError(
                f"terms.milestone:{event}", "a milestone at a stage: " + ", ".join(sorted(stages)), event
            )
        pv["milestones"] = pv.get("milestones", 0.0) + term_number_in(terms, f"milestone:{event}") * factor(event)
    fee = term_number(terms, "access_fee")
    if fee:
        due = terms.get("access_fee_due", "signing")
        if due not in FEE_DUE:
            raise ParameterError("terms.access_fee_due", "one of " + ", ".join(FEE_DUE), due)
        if due == "signing":
            pv["access_fee"] = fee
        elif due == "first_revenue" or not events:
            pv["access_fee"] = fee * factor(a.first_revenue_stage)
        else:  # the first of the milestones reached: the one every other follows, else the likeliest and soonest
            follows = {s.id: s.after for s in a.stages}

            def ancestors(stage: str) -> set[str]:
                out, step = set(), follows.get(stage)
                while step is not None:
                    out.add(step)
                    step = follows.get(step)
                return out

            roots = [e for e in events if all(e == o or e in ancestors(o) for o in events)]
            pv["access_fee"] = fee * (factor(roots[0]) if roots else max(factor(e) for e in events))
    sub = term_number(terms, "subscription")
    if sub:
        years = term_number(terms, "subscription_years")
        paid = float(H + 1) if years is None else years
        pv["subscription"] = float(sub * np.clip(paid - t, 0.0, 1.0) @ d)
    rate = term_number(terms, "royalty")
    if rate:
        pv["royalty"] = rate / 100 * revenue_pv
    share = term_number(terms, "profit_share")
    if share:
        pv["profit_share"] = share / 100 * m.profit_margin * revenue_pv
    stake = term_number(terms, "equity")
    if stake:
        multiple = m.exit_multiple_median * math.exp(m.exit_multiple_spread**2 / 2)
        pv["equity"] = stake / 100 * peak * multiple * factor(a.exit_stage)
    in_kind = sum(term_number_in(terms, key) for key in terms if key.startswith("in_kind:"))
    if in_kind and a.in_kind_year <= H:
        pv["in_kind"] = in_kind * float(d[a.in_kind_year])
    discount = term_number(terms, "product_access_discount")
    if discount:
        months = term_number(terms, "product_access_months")
        span = (H + 1) if months is None else months / 12
        covered = np.clip(span - since, 0.0, 1.0) * (since >= 0)  # rows: the adoption year j = 0..H
        p_adopt, _pmf = stages[a.adoption_stage]
        delay = _delay_pmf(next(s for s in a.stages if s.id == a.adoption_stage).years)
        saved = (ramp[:, None, :] * covered[None, :, :]) @ d  # (s, j): the share of peak revenue saved, discounted
        # P(first sale in year s and adoption in year j = s + k), both within the horizon
        joint = np.zeros((H + 1, H + 1))
        for k, pk in enumerate(delay):
            if pk and k <= H:
                rows = np.arange(H + 1 - k)
                joint[rows, rows + k] = sale[: H + 1 - k] * pk
        pv["product_access"] = discount / 100 * m.nhs_use_share * peak * p_adopt * float((joint * saved).sum())
    if a.access_cost:
        pv["access_cost"] = -a.access_cost * float(d[a.access_cost_year]) if a.access_cost_year <= H else 0.0
    return Expected(float(sum(pv.values())), m.profit_margin * revenue_pv, revenue_pv, pv)


def proportionate_royalty(
    a: Assumptions, terms: Mapping[str, object], contribution_share: float, value: Expected | None = None
) -> float:
    """The royalty (% of net revenue) at which ``terms`` as a whole return the NHS the ``contribution_share`` of the
    product's expected profit, exactly (:func:`expected_value`), rounded up to a hundredth of a per cent; 0 where
    the other terms already return it, or where nothing is sold. ``value``: :func:`expected_value` of the terms
    without their royalty, if the caller has it."""
    if value is None:
        value = expected_value(a, {k: v for k, v in terms.items() if k not in ("royalty", "royalty_cap")})
    if value.revenue_pv <= 0:
        return 0.0
    rate = 100 * (contribution_share * value.value_created - value.npv) / value.revenue_pv
    return max(0.0, math.ceil(rate * 100 - 1e-9) / 100)


def exact_fair(a: Assumptions, terms: Mapping[str, object], term: str, contribution_share: float) -> float | None:
    """:func:`solve_fair` solved on the exact expectations (:func:`expected_value`), with no Monte Carlo error: the
    expected NPV is linear in each solvable term, so the fair value is (target - NPV without it) / its slope.
    None where no value can reach the share (nothing is created, the term moves no money, or the bound is not
    enough); 0 where the other terms already reach it. A capped royalty is not solved here (ParameterError)."""
    if term not in SOLVABLE:
        raise ParameterError("term", "one of " + ", ".join(SOLVABLE), term)
    if term == "royalty" and "royalty_cap" in terms:
        raise ParameterError("terms.royalty_cap", "no cap on a royalty solved in closed form", terms["royalty_cap"])
    base = expected_value(a, {**terms, term: 0.0})
    if base.value_created <= 0:
        return None
    target = contribution_share * base.value_created
    if base.npv >= target:
        return 0.0
    slope = expected_value(a, {**terms, term: 1.0}).npv - base.npv
    if slope <= 0:
        return None
    x = (target - base.npv) / slope
    bound = SOLVABLE[term][1]
    return None if bound is not None and x > bound else float(x)


def exact_fee_floor(a: Assumptions, terms: Mapping[str, object]) -> float | None:
    """:func:`fee_floor` on the exact expectations: the cost of access over the exact expected discount of the fee's
    due date (None where it would never fall due)."""
    if a.access_cost <= 0:
        return 0.0
    timing: dict[str, object] = {k: 0.0 for k in terms if k.startswith("milestone:")}
    timing["access_fee_due"] = terms.get("access_fee_due", "signing")
    factor = expected_value(a, {**timing, "access_fee": 1.0}).by_mechanism.get("access_fee", 0.0)
    return None if factor <= 0 else float(a.access_cost / factor)
