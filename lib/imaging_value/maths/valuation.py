"""What an agreement is worth to the NHS: risk-adjusted net present value by Monte Carlo.

Pure maths over numpy arrays; no files.  Years count from signing (year 0) to the
horizon H; a cash flow in year t is discounted by ``(1 + r)**-t``.

:func:`simulate` draws the uncertain world once (which stages are reached and when, the
product's net revenue each year, the company's value at exit); :func:`price` then prices
any number of term mappings ``{term id: value}`` on the same draws (common random numbers,
so options differ only by their terms).  Each mechanism's cash, per draw:

* ``access_fee`` F: paid at signing, or, with ``access_fee_due`` ``first_revenue`` /
  ``first_milestone``, in the year of the first sale / the first of the sheet's milestone
  stages to be reached (never, if that stage is not reached within the horizon);
* ``subscription`` S a year for ``subscription_years`` n, in advance (years 0..n-1);
* ``milestone:<stage>`` M: in the stage's year, if it is reached;
* ``royalty`` rho % of net revenue each year, cumulative payments capped at ``royalty_cap``;
* ``profit_share`` pi % of profit (net revenue x profit margin);
* ``equity`` e % x the company's value at exit x whether it exits, in the exit year;
* ``golden_share``: no cash (listed as control);
* ``in_kind:<service>``: its value at cost, in the in-kind year;
* ``product_access_discount`` d % x the NHS's spend on the product (net revenue x NHS use
  share) from NHS adoption, for ``product_access_months`` (the whole horizon if not given).

The NHS's own cost of providing access is paid in its year.  Net cash = receipts - cost.
With ``uncertain=False`` there is one "draw" in which every stage is reached with weight
equal to its probability (product of the chain), every timing is its likely value and
revenue is its median: the closed forms of rNPV (e.g. a milestone is worth
``p * M / (1 + r)**t``).

Precision: the draws are randomised quasi-Monte Carlo. The uniforms come from scipy's
scrambled Sobol sequences (``scipy.stats.qmc.Sobol``, Owen 1995; Joe and Kuo 2008 direction
numbers), in :data:`REPLICATES` independent scramblings seeded from the one seed, the draws
split evenly among them. Every option is priced on the same draws (common random numbers).
The Monte Carlo standard error of a mean, a quantile, a share or a fair term is the spread of
its estimate across the replicates: ``sd(estimate_r) / sqrt(R)`` (L'Ecuyer and Lemieux 2002,
randomised QMC); a fair term's by the delta method (the error of the expected NPV at the fair
value over its slope there). :func:`due_factor` gives the exact expected discount of a payment
at a stage (no draws), which prices a deferred fee that recovers the cost of access.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np

from ..core.checks import check_seed
from ..core.errors import ParameterError
from .expectation import (
    FEE_DUE,
    SOLVABLE,
    Assumptions,
    Expected,
    Market,
    Stage,
    due_factor,
    exact_fair,
    exact_fee_floor,
    expected_value,
    ordered,
    proportionate_royalty,
    term_number,
    term_number_in,
    triangular_cdf,
)
from .sharing import largest_remainder

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "REPLICATES",
    "due_factor",
    "standard_error",
    "replicate_means",
    "fee_floor",
    "fair_error",
    "share_error",
    "Expected",
    "expected_value",
    "proportionate_royalty",
    "exact_fair",
    "exact_fee_floor",
    "Stage",
    "Market",
    "Assumptions",
    "Draws",
    "StageFlows",
    "Priced",
    "OptionValue",
    "simulate",
    "price",
    "value_option",
    "solve_fair",
    "split_npv",
    "breakeven_year",
    "npv_paths",
]

MECHANISMS = (
    "access_fee",
    "subscription",
    "milestones",
    "royalty",
    "profit_share",
    "equity",
    "in_kind",
    "product_access",
    "access_cost",
)
REPLICATES = 16  # independent scramblings of the Sobol sequence: the standard errors come from their spread
_UNIFORMS_KEPT = 8  # seeded uniforms kept in memory (the same draws, repriced, are not drawn again)
NOTHING_TOLERANCE = 0.005  # GBP: a net present value at or below half a penny is "nothing beyond cost recovery"


@dataclass(frozen=True)
class StageFlows:
    """What a payment of 1 at a stage is worth, per draw and on average (precomputed once)."""

    pv: np.ndarray  # (n,) weight x discount factor of the stage's year (0 beyond the horizon)
    by_year: np.ndarray  # (H+1,) mean payment per year
    before_sale: float  # mean payment made before the first sale (within the horizon)


@dataclass(frozen=True)
class Draws:
    """One simulated world, shared by every option priced on it.

    Revenue is kept compactly: ``peak`` (peak net revenue x whether the first sale happens)
    and ``sale_col`` (the first sale's year, H + 1 beyond the horizon) index the table
    ``ramp[s, t]`` (the share of peak revenue earned in year t after a first sale in year s),
    so every revenue-linked cash flow is a gather and a ``bincount``, never a loop.
    """

    assumptions: Assumptions
    n: int
    seed: int | None
    uncertain: bool
    reached: Mapping[str, np.ndarray]  # stage -> weight per draw (0/1; a probability when not uncertain)
    year: Mapping[str, np.ndarray]  # stage -> year per draw (may lie beyond the horizon)
    stage: Mapping[str, StageFlows]  # stage -> a payment of 1 there
    peak: np.ndarray  # (n,) peak net revenue x first-sale weight
    sale_col: np.ndarray  # (n,) first-sale year, clipped to H + 1
    ramp: np.ndarray  # (H+2, H+1)
    exit_value: np.ndarray  # (n,) company value at exit (paid only if the exit stage is reached)
    exit_flows: StageFlows  # the exit value paid at exit
    discount: np.ndarray  # (H+1,)
    revenue_pv: np.ndarray  # (n,) present value of net revenue
    revenue_by_year: np.ndarray  # (H+1,) mean net revenue per year
    before_sale: np.ndarray  # (H+1,) share of draws whose first sale comes after year t (or never)
    replicate: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64), repr=False)  # (n,) 0..R-1
    replicates: int = 1

    @property
    def years(self) -> int:
        """The years priced: the horizon plus year 0."""
        return self.assumptions.horizon + 1

    @property
    def revenue(self) -> np.ndarray:
        """(n, H+1) net revenue per draw and year (built on demand)."""
        return self.peak[:, None] * self.ramp[self.sale_col]

    def column(self, stage: str) -> np.ndarray:
        """The stage's year per draw, clipped to H + 1 (beyond the horizon)."""
        return np.minimum(self.year[stage], self.assumptions.horizon + 1)


def _flows(
    amount: np.ndarray, col: np.ndarray, discount_ext: np.ndarray, sale_after: np.ndarray, years: int
) -> StageFlows:
    """A payment of ``amount`` (per draw) in year ``col`` (H + 1: beyond the horizon)."""
    n = amount.shape[0]
    return StageFlows(
        pv=amount * discount_ext[col],
        by_year=np.bincount(col, weights=amount, minlength=years + 1)[:years] / n,
        before_sale=float(np.mean(amount * (col < sale_after) * (col < years))),
    )


@dataclass(frozen=True)
class _World:
    """The random part of a simulation, which no horizon changes: stages reached and when, revenue, exit."""

    n: int
    seed: int | None
    uncertain: bool
    reached: dict[str, np.ndarray]
    year: dict[str, np.ndarray]
    peak: np.ndarray  # peak net revenue (before the first-sale weight)
    multiple: np.ndarray  # exit multiple of peak revenue
    replicate: np.ndarray  # (n,) which scrambling each draw comes from
    replicates: int


def _sobol_uniforms(n: int, dims: int, seed: int | None, replicates: int) -> tuple[np.ndarray, np.ndarray]:
    """(dims, n) uniforms in (0, 1) and the (n,) replicate of each draw: ``replicates`` independent
    scramblings of Sobol's sequence (scipy.stats.qmc), seeded from ``seed``, the draws shared out evenly."""
    import warnings

    from scipy.stats import qmc  # here: only a valuation that draws pays for scipy.stats

    sizes = [n // replicates + (r < n % replicates) for r in range(replicates)]
    blocks = []
    for size, child in zip(sizes, np.random.SeedSequence(seed).spawn(replicates)):
        engine = qmc.Sobol(dims, scramble=True, rng=np.random.default_rng(child))
        with warnings.catch_warnings():  # a block whose size is not a power of 2 loses some balance, not accuracy
            warnings.simplefilter("ignore", UserWarning)
            blocks.append(engine.random(size))
    u = np.clip(np.concatenate(blocks), 1e-16, 1 - 1e-16).T.copy()
    u.flags.writeable = False
    labels = np.repeat(np.arange(replicates), sizes)
    labels.flags.writeable = False
    return u, labels


_KEPT: dict[tuple[int, int, int, int], tuple[np.ndarray, np.ndarray]] = {}


def _uniforms(n: int, dims: int, seed: int | None, replicates: int) -> tuple[np.ndarray, np.ndarray]:
    """The seeded uniforms, drawn once and kept (read-only) for the same (n, dims, seed, replicates)."""
    if seed is None:  # an unseeded world is new every time
        return _sobol_uniforms(n, dims, None, replicates)
    key = (n, dims, int(seed), replicates)
    if key not in _KEPT:
        if len(_KEPT) >= _UNIFORMS_KEPT:
            _KEPT.pop(next(iter(_KEPT)))
        _KEPT[key] = _sobol_uniforms(n, dims, int(seed), replicates)
    return _KEPT[key]


def _normal(u: np.ndarray) -> np.ndarray:
    from scipy.special import ndtri  # the inverse of the standard normal CDF

    return ndtri(u)


def _draw_world(assumptions: Assumptions, draws: int, seed: int | None, uncertain: bool) -> _World:
    if not (isinstance(draws, (int, np.integer)) and not isinstance(draws, bool) and draws >= 1):
        raise ParameterError("draws", "a whole number >= 1", draws)
    a = assumptions
    n = int(draws) if uncertain else 1
    seed = check_seed(seed)  # as every seeded analysis checks its seed
    stages = ordered(a.stages)
    reached: dict[str, np.ndarray] = {}
    year: dict[str, np.ndarray] = {}
    m = a.market
    if uncertain:
        replicates = min(REPLICATES, n)
        # dimensions, most important first (Sobol's first coordinates are its most even): revenue, then
        # whether each stage is reached, then each stage's delay, then the exit multiple
        u, labels = _uniforms(n, 2 * len(stages) + 2, seed, replicates)
        hits: dict[str, np.ndarray] = {}
        for k, stage in enumerate(stages):
            hit = u[1 + k] < stage.probability
            hits[stage.id] = hits[stage.after] & hit if stage.after else hit
            reached[stage.id] = hits[stage.id].astype(float)
        z_revenue, z_exit = _normal(u[0]), _normal(u[2 * len(stages) + 1])
        for k, stage in enumerate(stages):
            parent_year = year[stage.after] if stage.after else np.zeros(n, dtype=np.int32)
            low, likely, high = stage.years
            # the triangular delay rounded to whole years: P(k) = F(k + 1/2) - F(k - 1/2), drawn by inversion
            delay = np.full(n, low, dtype=np.int32)
            for edge in triangular_cdf(low, likely, high)[:-1]:
                delay += u[len(stages) + 1 + k] >= edge
            year[stage.id] = parent_year + delay
        peak = m.revenue_median * np.exp(m.revenue_spread * z_revenue)
        multiple = m.exit_multiple_median * np.exp(m.exit_multiple_spread * z_exit)
    else:
        replicates, labels = 1, np.zeros(1, dtype=np.int64)
        for stage in stages:
            parent_year = year[stage.after] if stage.after else np.zeros(n, dtype=np.int32)
            parent_reached = reached[stage.after] if stage.after else np.ones(n)
            reached[stage.id] = parent_reached * stage.probability
            year[stage.id] = parent_year + stage.years[1]
        peak = np.full(n, float(m.revenue_median))
        multiple = np.full(n, float(m.exit_multiple_median))
    return _World(n, seed, uncertain, reached, year, peak, multiple, labels, replicates)


def _over_horizon(a: Assumptions, world: _World) -> Draws:
    """The world's draws seen up to ``a``'s horizon: every cash flow's year, discount and table."""
    H, n, reached, year = a.horizon, world.n, world.reached, world.year
    since = np.arange(H + 1)[None, :] - np.arange(H + 2)[:, None]  # years since a first sale in year s
    ramp = np.clip((since + 1) / max(a.market.ramp_years, 1), 0.0, 1.0)
    ramp[H + 1] = 0.0
    sale_col = np.minimum(year[a.first_revenue_stage], H + 1)
    earned = world.peak * reached[a.first_revenue_stage]
    discount = a.discount()
    discount_ext = np.append(discount, 0.0)
    # the first sale's year for "before revenue": never (beyond the horizon) where it does not happen
    sale_after = np.where(reached[a.first_revenue_stage] > 0, sale_col, H + 1)
    stage = {s: _flows(reached[s], np.minimum(year[s], H + 1), discount_ext, sale_after, H + 1) for s in reached}
    exit_value = world.peak * world.multiple
    exit_flows = _flows(
        exit_value * reached[a.exit_stage], np.minimum(year[a.exit_stage], H + 1), discount_ext, sale_after, H + 1
    )
    revenue_pv = earned * (ramp @ discount)[sale_col]
    revenue_by_year = np.bincount(sale_col, weights=earned, minlength=H + 2) @ ramp / n
    before_sale = np.bincount(sale_after, minlength=H + 2)[::-1].cumsum()[::-1][1:] / n  # P(sale year > t)
    return Draws(
        a,
        n,
        world.seed,
        world.uncertain,
        reached,
        year,
        stage,
        earned,
        sale_col,
        ramp,
        exit_value,
        exit_flows,
        discount,
        revenue_pv,
        revenue_by_year,
        before_sale,
        world.replicate,
        world.replicates,
    )


def simulate(assumptions: Assumptions, draws: int = 10_000, seed: int | None = 0, *, uncertain: bool = True) -> Draws:
    """Draw stages, timings, revenue and exit value (one draw, at central values, if not uncertain).

    The draws are scrambled Sobol points in :data:`REPLICATES` independent replicates (see the module
    docstring); the same seed draws the same world, whatever the assumptions' numbers."""
    return _over_horizon(assumptions, _draw_world(assumptions, draws, seed, uncertain))


# --- pricing -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Priced:
    """One term mapping priced on a set of draws."""

    npv: np.ndarray  # (n,) net present value to the NHS per draw
    receipts_by_year: np.ndarray  # (H+1,) mean net cash per year (receipts - NHS costs)
    pv_by_mechanism: Mapping[str, float]  # mean present value of each mechanism (access_cost negative)
    partner_cash_before_revenue: float  # mean cash and in-kind work (at cost) the partner owes before its first revenue
    control: tuple[str, ...]  # non-cash control rights (golden share)
    discount: np.ndarray  # (H+1,) discount factors

    @property
    def mean(self) -> float:
        """Expected NPV: exactly the discounted sum of the mean receipts per year."""
        return float(self.discount @ self.receipts_by_year)


def _fee_stage(d: Draws, due: object, events: list[str]) -> StageFlows | None:
    """When a deferred access fee falls due; None: at signing."""
    a = d.assumptions
    if due not in FEE_DUE:
        raise ParameterError("terms.access_fee_due", "one of " + ", ".join(FEE_DUE), due)
    if due == "signing":
        return None
    if due == "first_revenue" or not events:
        return d.stage[a.first_revenue_stage]
    if len(events) == 1:
        return d.stage[events[0]]
    # the first of the sheet's milestone stages to be reached (its weight where not uncertain)
    H = a.horizon
    cols = np.stack([np.where(d.reached[e] > 0, d.column(e), H + 1) for e in events])
    first = cols.argmin(axis=0)
    rows = np.arange(d.n)
    weight = np.stack([d.reached[e] for e in events])[first, rows]
    sale_after = np.where(d.reached[a.first_revenue_stage] > 0, d.sale_col, H + 1)
    return _flows(weight, cols[first, rows], np.append(d.discount, 0.0), sale_after, H + 1)


def price(d: Draws, terms: Mapping[str, object]) -> Priced:
    """Price a term mapping ``{term id: value}`` on the draws ``d``.

    Percentages are in per cent (3 means 3%).  Terms that carry no cash (embargo,
    exclusivity, IP, access route, consent to commercialise) are ignored; a golden share is
    reported as control.  An unknown milestone or a bad value raises :class:`ParameterError`.
    """
    a = d.assumptions
    H = a.horizon
    pv: dict[str, np.ndarray | float] = {}  # per draw, or one number for the same in every draw
    by_year: dict[str, np.ndarray] = {}
    before_revenue = 0.0

    def at(mechanism: str, amount: float, flows: StageFlows) -> float:
        pv[mechanism] = pv.get(mechanism, 0.0) + amount * flows.pv
        by_year[mechanism] = by_year.get(mechanism, 0.0) + amount * flows.by_year
        return amount * flows.before_sale

    def fixed(mechanism: str, cash: np.ndarray) -> None:  # the same cash per year in every draw
        pv[mechanism] = pv.get(mechanism, 0.0) + float(cash @ d.discount)
        by_year[mechanism] = by_year.get(mechanism, 0.0) + cash

    def in_year(amount: float, year: int) -> np.ndarray:
        cash = np.zeros(H + 1)
        if year <= H:
            cash[year] = amount
        return cash

    events = []
    for key in sorted(k for k in terms if k.startswith("milestone:")):
        event = key.split(":", 1)[1]
        if event not in d.stage:
            raise ParameterError(f"terms.{key}", "a milestone at a stage: " + ", ".join(sorted(d.stage)), event)
        events.append(event)
        before_revenue += at("milestones", term_number_in(terms, key), d.stage[event])

    fee = term_number(terms, "access_fee")
    if fee:
        flows = _fee_stage(d, terms.get("access_fee_due", "signing"), events)
        if flows is None:
            fixed("access_fee", in_year(fee, 0))
            before_revenue += fee * d.before_sale[0]
        else:
            before_revenue += at("access_fee", fee, flows)

    sub = term_number(terms, "subscription")
    if sub:
        years = term_number(terms, "subscription_years")
        years_paid = float(H + 1) if years is None else years
        cash = sub * np.clip(years_paid - np.arange(H + 1), 0.0, 1.0)  # in advance, part of a last year
        fixed("subscription", cash)
        before_revenue += float(cash @ d.before_sale)

    rate = term_number(terms, "royalty")
    if rate:
        cap = term_number(terms, "royalty_cap")
        pv["royalty"] = rate / 100 * d.revenue_pv
        by_year["royalty"] = rate / 100 * d.revenue_by_year
        if cap is not None:  # recompute the draws where the cap binds
            cumulative = np.cumsum(d.ramp, axis=1)
            x = rate / 100 * d.peak
            binds = np.nonzero(x * cumulative[d.sale_col, H] > cap)[0]
            if binds.size:
                paid = np.minimum(x[binds, None] * cumulative[d.sale_col[binds]], cap)
                cash = np.diff(paid, axis=1, prepend=0.0)
                uncapped = x[binds, None] * d.ramp[d.sale_col[binds]]
                royalty = np.array(pv["royalty"])
                royalty[binds] = cash @ d.discount
                pv["royalty"] = royalty
                by_year["royalty"] = by_year["royalty"] + (cash - uncapped).sum(axis=0) / d.n

    share = term_number(terms, "profit_share")
    if share:
        f = share / 100 * a.market.profit_margin
        pv["profit_share"] = f * d.revenue_pv
        by_year["profit_share"] = f * d.revenue_by_year

    stake = term_number(terms, "equity")
    if stake:
        at("equity", stake / 100, d.exit_flows)

    in_kind = sum(term_number_in(terms, key) for key in terms if key.startswith("in_kind:"))
    if in_kind:
        fixed("in_kind", in_year(in_kind, a.in_kind_year))
        if a.in_kind_year <= H:  # work the partner pays for before its first revenue is a burden on it too
            before_revenue += in_kind * d.before_sale[a.in_kind_year]

    discount = term_number(terms, "product_access_discount")
    if discount:
        months = term_number(terms, "product_access_months")
        span = (H + 1) if months is None else months / 12
        since = np.arange(H + 1)[None, :] - np.arange(H + 2)[:, None]  # years since adoption in year j
        covered = np.clip(span - since, 0.0, 1.0) * (since >= 0)
        covered[H + 1] = 0.0
        # share of peak revenue saved in year t, by (first-sale year, adoption year): a small table
        table = (d.ramp[:, None, :] * covered[None, :, :]).reshape((H + 2) ** 2, H + 1)
        key = d.sale_col * (H + 2) + d.column(a.adoption_stage)
        amount = discount / 100 * a.market.nhs_use_share * d.reached[a.adoption_stage] * d.peak
        pv["product_access"] = amount * (table @ d.discount)[key]
        by_year["product_access"] = np.bincount(key, weights=amount, minlength=(H + 2) ** 2) @ table / d.n

    if a.access_cost:
        fixed("access_cost", in_year(-a.access_cost, a.access_cost_year))

    npv: np.ndarray | float = 0.0
    receipts = np.zeros(H + 1)
    for mechanism in pv:
        npv = npv + pv[mechanism]
        receipts = receipts + by_year[mechanism]
    control = (f"golden share: {terms['golden_share']}",) if "golden_share" in terms else ()
    return Priced(
        npv=np.broadcast_to(np.asarray(npv, dtype=float), (d.n,)),
        receipts_by_year=receipts,
        pv_by_mechanism={m: float(np.mean(pv[m])) for m in MECHANISMS if m in pv},
        partner_cash_before_revenue=float(before_revenue),
        control=control,
        discount=d.discount,
    )


# --- answers -----------------------------------------------------------------------------


def breakeven_year(receipts_by_year: np.ndarray, discount: np.ndarray) -> int | None:
    """First year from which the cumulative discounted mean net cash stays at or above zero."""
    cumulative = np.cumsum(np.asarray(receipts_by_year) * discount)
    if cumulative[-1] < -NOTHING_TOLERANCE:
        return None
    below = np.nonzero(cumulative < -NOTHING_TOLERANCE)[0]
    return 0 if below.size == 0 else int(below[-1] + 1)


@dataclass(frozen=True)
class OptionValue:
    """What one term sheet is worth to the NHS, with its intermediate tables."""

    option: str
    mean: float
    p10: float
    p50: float
    p90: float
    p_nothing: float
    breakeven_year: int | None
    receipts_by_year: tuple[float, ...]
    partner_cash_before_revenue: float
    value_created: float  # expected PV of the product's profit over the horizon
    nhs_share: float | None  # mean NPV / value created (None when nothing is created)
    contribution_share: float
    control: tuple[str, ...]
    mechanisms: pd.DataFrame  # mechanism, pv (mean present value)
    npv: np.ndarray = field(repr=False)  # per draw
    # the Monte Carlo standard error of each estimate (mean, p10, p50, p90, p_nothing, nhs_share); 0 for a
    # closed form (uncertain=False), None where the estimate is not defined
    errors: Mapping[str, float | None] = field(default_factory=dict)


def value_created(d: Draws) -> float:
    """The expected present value of the product's profit over the horizon (net revenue x profit margin)."""
    return float(d.assumptions.market.profit_margin * d.revenue_pv.mean())


def replicate_means(d: Draws, x: np.ndarray) -> np.ndarray:
    """(R,) the mean of ``x`` (one value per draw) within each replicate of the draws."""
    if d.replicates <= 1 or d.replicate.size != d.n:
        return np.array([float(np.mean(x))])
    sizes = np.bincount(d.replicate, minlength=d.replicates)
    return np.bincount(d.replicate, weights=np.asarray(x, dtype=float), minlength=d.replicates) / sizes


def _spread(values: np.ndarray) -> float:
    """The standard error of the mean of R independent replicate estimates: sd / sqrt(R) (0 for one)."""
    values = np.asarray(values, dtype=float)
    if values.size < 2:
        return 0.0
    return float(np.std(values, ddof=1) / math.sqrt(values.size))


def standard_error(d: Draws, x: np.ndarray) -> float:
    """The Monte Carlo standard error of ``mean(x)`` over the draws (from the replicates' spread)."""
    return _spread(replicate_means(d, x))


def _quantile_errors(d: Draws, x: np.ndarray, qs: tuple[float, ...]) -> tuple[float, ...]:
    """Each quantile's standard error: the spread of the replicates' own quantiles."""
    if d.replicates <= 1 or d.replicate.size != d.n:
        return tuple(0.0 for _ in qs)
    bounds = np.concatenate([[0], np.cumsum(np.bincount(d.replicate, minlength=d.replicates))])
    per = np.array([_quantiles(x[bounds[r] : bounds[r + 1]], qs) for r in range(d.replicates)])  # R x q
    return tuple(_spread(per[:, j]) for j in range(len(qs)))


def share_error(d: Draws, npv: np.ndarray) -> float | None:
    """The Monte Carlo standard error of the NHS share (expected NPV over value created) for per-draw ``npv``."""
    return _share_error(d, npv)


def _share_error(d: Draws, npv: np.ndarray) -> float | None:
    """The standard error of the NHS share (expected NPV over value created), a ratio of two means."""
    created = replicate_means(d, d.assumptions.market.profit_margin * d.revenue_pv)
    if not (created > 0).all():
        return None
    return _spread(replicate_means(d, npv) / created)


def _quantiles(x: np.ndarray, qs: tuple[float, ...]) -> tuple[float, ...]:
    """``np.quantile(x, qs)`` (linear interpolation) with one partial sort for all of them."""
    pos = np.asarray(qs) * (x.size - 1)
    lo = np.floor(pos).astype(np.int64)
    hi = np.minimum(lo + 1, x.size - 1)
    part = np.partition(x, np.unique(np.concatenate([lo, hi])))
    return tuple(float(v) for v in part[lo] + (part[hi] - part[lo]) * (pos - lo))


def value_option(d: Draws, option: str, terms: Mapping[str, object], contribution_share: float) -> OptionValue:
    """Price ``terms`` and summarise: mean, P10/P50/P90, p(nothing), breakeven, share vs contribution."""
    import pandas as pd  # here, not at the top: the command line ranks options without pandas

    p = price(d, terms)
    mean = p.mean
    p10, p50, p90 = _quantiles(p.npv, (0.1, 0.5, 0.9))
    created = value_created(d)
    table = pd.DataFrame({"mechanism": list(p.pv_by_mechanism), "pv": list(p.pv_by_mechanism.values())})
    e10, e50, e90 = _quantile_errors(d, p.npv, (0.1, 0.5, 0.9))
    nothing = p.npv <= NOTHING_TOLERANCE
    errors = {
        "mean": standard_error(d, p.npv),
        "p10": e10,
        "p50": e50,
        "p90": e90,
        "p_nothing": standard_error(d, nothing.astype(float)),
        "nhs_share": _share_error(d, p.npv) if created > 0 else None,
    }
    return OptionValue(
        option=option,
        mean=mean,
        p10=p10,
        p50=p50,
        p90=p90,
        p_nothing=float(np.mean(nothing)),
        breakeven_year=breakeven_year(p.receipts_by_year, d.discount),
        receipts_by_year=tuple(float(x) for x in p.receipts_by_year),
        partner_cash_before_revenue=p.partner_cash_before_revenue,
        value_created=created,
        nhs_share=(mean / created) if created > 0 else None,
        contribution_share=float(contribution_share),
        control=p.control,
        mechanisms=table,
        npv=p.npv,
        errors=errors,
    )


def solve_fair(d: Draws, terms: Mapping[str, object], term: str, contribution_share: float) -> float | None:
    """The value of ``term`` that makes the expected NHS share equal ``contribution_share``, others fixed.

    None where no value can (nothing is created, the term moves no money on these draws, or
    the bound is not enough); 0 where the other terms alone already reach the share.
    Expected NPV rises with each solvable term; it is linear in it except for a capped
    royalty, which is solved within its bracket by :func:`_increasing_root`.
    """
    if term not in SOLVABLE:
        raise ParameterError("term", "one of " + ", ".join(SOLVABLE), term)
    created = value_created(d)
    if created <= 0:
        return None
    target = contribution_share * created

    def npv_at(x: float) -> float:
        return price(d, {**terms, term: x}).mean

    base = npv_at(0.0)
    if base >= target:
        return 0.0
    bound = SOLVABLE[term][1]
    probe = 1.0 if bound is not None else max(created, 1.0)
    slope = (npv_at(probe) - base) / probe
    if slope <= 0:
        return None
    x = (target - base) / slope
    if term == "royalty" and "royalty_cap" in terms and bound is not None:
        top = npv_at(bound)
        if top < target:
            return None
        x = _increasing_root(lambda v: npv_at(v) - target, 0.0, base - target, bound, top - target)
    if bound is not None and x > bound:
        return None
    return float(x)


def fee_floor(d: Draws, terms: Mapping[str, object]) -> float | None:
    """The smallest access fee, due as ``terms`` say (``access_fee_due``), whose expected present value
    recovers the NHS's cost of access on these draws: the cost over the expected discount of the due date.
    None where the fee would never fall due (its stage has no chance within the horizon)."""
    cost = d.assumptions.access_cost
    if cost <= 0:
        return 0.0
    timing: dict[str, object] = {k: 0.0 for k in terms if k.startswith("milestone:")}  # first_milestone's events
    timing["access_fee_due"] = terms.get("access_fee_due", "signing")
    factor = price(d, {**timing, "access_fee": 1.0}).pv_by_mechanism.get("access_fee", 0.0)
    return None if factor <= 0 else float(cost / factor)


def fair_error(d: Draws, terms: Mapping[str, object], term: str, contribution_share: float, fair: float) -> float:
    """The Monte Carlo standard error of a fair term (:func:`solve_fair`'s ``fair``), by the delta method:
    the standard error, across the replicates, of the expected NPV at ``fair`` less its target, over the
    slope of the expected NPV there. 0 where the fair term is 0 (the other terms already reach the share)."""
    if fair <= 0:
        return 0.0
    target = contribution_share * d.assumptions.market.profit_margin * d.revenue_pv
    at = price(d, {**terms, term: fair})
    step = max(abs(fair) * 1e-4, 1e-9)
    above = price(d, {**terms, term: fair + step}).mean
    below = price(d, {**terms, term: max(fair - step, 0.0)}).mean
    slope = (above - below) / (fair + step - max(fair - step, 0.0))
    if slope <= 0:
        return 0.0
    return _spread(replicate_means(d, at.npv - target)) / slope


def _increasing_root(
    f: Callable[[float], float], lo: float, f_lo: float, hi: float, f_hi: float, xtol: float = 1e-13
) -> float:
    """Where the increasing function ``f`` crosses 0 in [lo, hi] (``f_lo`` < 0 <= ``f_hi``), to ``xtol`` x hi.

    The Illinois method (regula falsi that halves a stale end's value), with a bisection step
    whenever a step does not at least halve the bracket: as sure as bisection, and about a
    dozen evaluations of ``f`` where bisection takes sixty.
    """
    stale = 0  # -1: lo has stayed twice running, 1: hi has
    while hi - lo > xtol * max(abs(hi), 1.0):
        width = hi - lo
        x = lo - f_lo * (hi - lo) / (f_hi - f_lo) if f_hi != f_lo else (lo + hi) / 2
        if not lo < x < hi:
            x = (lo + hi) / 2
        fx = f(x)
        if fx < 0:
            lo, f_lo = x, fx
            f_hi, stale = (f_hi / 2, 1) if stale == 1 else (f_hi, 1)
        else:
            hi, f_hi = x, fx
            f_lo, stale = (f_lo / 2, -1) if stale == -1 else (f_lo, -1)
        if hi - lo > width / 2:  # a slow step: bisect once
            mid = (lo + hi) / 2
            fm = f(mid)
            if fm < 0:
                lo, f_lo = mid, fm
            else:
                hi, f_hi = mid, fm
            stale = 0
        if f_hi == 0:
            return hi
    return (lo + hi) / 2


def split_npv(
    total: float, broker: str, broker_share: float, sites: tuple[str, ...], site_fractions: np.ndarray
) -> list[tuple[str, float]]:
    """The expected NPV shared among the sites and the broker, to the penny (empty when not positive).

    The broker takes ``broker_share`` of the total (to the penny); the rest goes to the sites
    in proportion to ``site_fractions`` (a sharing rule's shares of 1), by largest remainder.
    """
    total = round(float(total), 2)
    if not total > 0:
        return []
    if not 0 <= broker_share <= 1:
        raise ParameterError("broker_share", "a number from 0 to 1", broker_share)
    fractions = np.asarray(site_fractions, dtype=float)
    fractions = fractions / fractions.sum()
    broker_amount = round(total * broker_share, 2)
    rest = round(total - broker_amount, 2)
    shares = largest_remainder(rest * fractions, rest) if rest > 0 else np.zeros(len(sites))
    return [(site, float(s)) for site, s in zip(sites, shares)] + [(broker, broker_amount)]


def npv_paths(assumptions: Assumptions, terms: Mapping[str, object], draws: int, seed: int | None) -> np.ndarray:
    """(draws, H+1): each draw's NPV counting only the years up to t, for t = 0..H (for a fan chart).

    The same seed draws the same world whatever the horizon (the draws do not depend on it),
    so column t is the option priced with horizon t, and the last column is its NPV. The
    world is drawn once and seen up to each horizon in turn.
    """
    world = _draw_world(assumptions, draws, seed, True)
    return np.stack(
        [
            price(_over_horizon(replace(assumptions, horizon=t), world), terms).npv
            for t in range(assumptions.horizon + 1)
        ],
        axis=1,
    )
