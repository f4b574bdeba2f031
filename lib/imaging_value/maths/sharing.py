"""Sharing a sum of money among sites that pool images.

Rules (``total`` T, site images ``x_i``, curation-effort multipliers ``e_i``, n sites):

* ``equal``:    T / n
* ``pro_rata``: T * x_i / sum_k x_k
* ``curation``: T * x_i e_i / sum_k x_k e_k
* ``shapley``:  T * phi_i / v(N), the Shapley value (Shapley 1953, "A value for n-person
  games", Contributions to the Theory of Games II, 307-317) of the pooling game
  ``v(S) = f(sum_{i in S} x_i)`` for a worth curve ``f`` (:class:`WorthCurve`):

      phi_i = sum_{S not containing i} |S|! (n - |S| - 1)! / n! * (v(S + i) - v(S)).

  Exact for n <= 20: all 2^n coalition sums are built by doubling (bit i of a coalition's
  index = site i), the worth of every coalition is evaluated once, and for each site the
  marginal contributions of the 2^(n-1) coalitions without it are weighted by
  ``1 / (n * C(n-1, |S|))``.  For n > 20 (or ``method="sampled"``) it is estimated by
  permutation sampling (Castro, Gómez & Tejada 2009, "Polynomial calculation of the
  Shapley value based on sampling", Computers & Operations Research 36(5), 1726-1730):
  ``phi_i ~ mean over random orderings of v(P_i + i) - v(P_i)``, P_i = sites before i, with
  standard error ``sd / sqrt(samples)``.  Orderings are processed as a batch: a matrix of
  random permutations, cumulative sums of images in permutation order, worths, marginal
  contributions by differencing, scattered back to the sites.

Money is rounded to ``decimals`` places by the largest-remainder (Hamilton) method so that
the rounded shares add up to the total exactly: every share is floored to a whole number of
units of 10**-decimals and the units left over go, one each, to the largest remainders
(ties to the earlier site).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

import numpy as np

from ..core.checks import TOTAL_RANGE, check_count, check_samples, check_seed
from ..core.errors import ParameterError
from ..core.limits import MAX_CURATION_EFFORT, MAX_IMAGES, MAX_TOTAL
from .arrays import check_ids, check_vector, plain

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CURVE_KINDS",
    "METHODS",
    "RULES",
    "SplitResult",
    "WorthCurve",
    "largest_remainder",
    "shapley_exact",
    "shapley_sampled",
    "split_all",
    "split_value",
]

RULES = ("equal", "pro_rata", "curation", "shapley")
METHODS = ("auto", "exact", "sampled")
CURVE_KINDS = ("power", "log", "saturating")
MAX_EXACT_SITES = 20
DEFAULT_SAMPLES = 20_000
_BATCH_CELLS = 1_000_000  # permutation-matrix cells per batch (bounds memory to ~40 MB)
_SNAP = 1e-7  # amounts within this many units of a whole unit are taken as that unit


@dataclass(frozen=True)
class WorthCurve:
    """Worth ``f(x)`` of a pool of ``x`` images: strictly concave, increasing, ``f(0) = 0``.

    * ``power``:      f(x) = x**a, 0 < a < 1 (parameter ``a``)
    * ``log``:        f(x) = log(1 + x / scale), scale > 0
    * ``saturating``: f(x) = 1 - exp(-x / scale), scale > 0

    The parameter a kind does not use may be passed (e.g. from a spec that carries both)
    and is ignored: it is stored as None.
    """

    kind: str
    a: float | None = None
    scale: float | None = None

    def __post_init__(self) -> None:
        if self.kind not in CURVE_KINDS:
            raise ParameterError("curve.kind", f"one of {list(CURVE_KINDS)}", self.kind)
        if self.kind == "power":
            a = _finite(self.a)
            if a is None or not 0 < a < 1:
                raise ParameterError("curve.a", "a number strictly between 0 and 1 for a power curve", self.a)
            object.__setattr__(self, "a", a)
            object.__setattr__(self, "scale", None)  # not used by a power curve
        else:
            scale = _finite(self.scale)
            if scale is None or not scale > 0:
                raise ParameterError("curve.scale", f"a finite number > 0 for a {self.kind} curve", self.scale)
            object.__setattr__(self, "scale", scale)
            object.__setattr__(self, "a", None)  # not used by a log or saturating curve

    @classmethod
    def power(cls, a: float) -> WorthCurve:
        """A power curve, ``f(x) = x**a``."""
        return cls("power", a=a)

    @classmethod
    def log(cls, scale: float) -> WorthCurve:
        """A log curve, ``f(x) = log(1 + x / scale)``."""
        return cls("log", scale=scale)

    @classmethod
    def saturating(cls, scale: float) -> WorthCurve:
        """A saturating curve, ``f(x) = 1 - exp(-x / scale)``."""
        return cls("saturating", scale=scale)

    def __call__(self, x: Any) -> np.ndarray:
        """The worth of pools of ``x`` images, element by element."""
        x = np.asarray(x, dtype=float)
        parameter = self._parameter()
        if self.kind == "power":
            return np.power(x, parameter)
        if self.kind == "log":
            return np.log1p(x / parameter)
        return -np.expm1(-x / parameter)

    def _parameter(self) -> float:
        """The curve's one parameter: ``a`` for a power curve, ``scale`` for the others."""
        name = "a" if self.kind == "power" else "scale"
        value = self.a if self.kind == "power" else self.scale
        if value is None:  # only when a field was forced past the checks of __post_init__
            raise ParameterError(f"curve.{name}", f"a number for a {self.kind} curve", None)
        return value

    @property
    def formula(self) -> str:
        """The curve as a formula with its parameter (``v(x) = x**0.5``)."""
        if self.kind == "power":
            return f"v(x) = x**{self.a:g}"
        if self.kind == "log":
            return f"v(x) = log(1 + x/{self.scale:g})"
        return f"v(x) = 1 - exp(-x/{self.scale:g})"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready plain Python."""
        return {"kind": self.kind, "a": self.a, "scale": self.scale, "formula": self.formula}


@dataclass(frozen=True)
class SplitResult:
    """Outcome of :func:`split_value`.

    ``table`` columns: site, images, effort, basis (what shares are proportional to: 1,
    images, images x effort, or the Shapley value in worth units), raw_share (unrounded),
    share (rounded, summing exactly to ``total``), stderr (standard error of the share,
    None unless sampled).
    """

    rule: str
    total: float
    decimals: int
    method: str  # "closed form", "exact" or "sampled"
    curve: WorthCurve | None
    samples: int | None
    seed: int | None
    worth_total: float | None  # v(N) for the shapley rule
    table: pd.DataFrame

    @property
    def shares(self) -> dict[Hashable, float]:
        """Each site's rounded share."""
        return dict(zip(self.table["site"], self.table["share"]))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready plain Python."""
        return {
            "rule": self.rule,
            "total": self.total,
            "method": self.method,
            "shares": [
                {"site": plain(r["site"]), "share": float(r["share"]), "stderr": plain(r["stderr"])}
                for r in self.table.to_dict("records")
            ],
        }


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------


def _is_real(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)


def _finite(value: Any) -> float | None:
    """``value`` as a float if it is a finite real number (not True or False), else None."""
    return float(value) if _is_real(value) else None


def _check_total(total: Any, decimals: int) -> tuple[float, int]:
    """Validate the total; return it as float and as whole units of 10**-decimals."""
    if isinstance(total, Decimal):
        exact = total
    elif _is_real(total):
        exact = Decimal(int(total)) if isinstance(total, numbers.Integral) else Decimal(repr(float(total)))
    else:
        raise ParameterError("total", TOTAL_RANGE, total)
    if not exact.is_finite() or exact < 0 or exact > MAX_TOTAL:
        raise ParameterError("total", TOTAL_RANGE, total)
    try:
        units = exact.scaleb(decimals)
        whole = units == units.to_integral_value()
    except InvalidOperation:
        whole = False
    if not whole:
        raise ParameterError("total", f"an amount with at most {decimals} decimal places", total)
    return float(exact), int(units)


def largest_remainder(amounts: Sequence[float] | np.ndarray, total: Any, decimals: int = 2) -> np.ndarray:
    """Round non-negative ``amounts`` (summing to ``total``) to ``decimals`` places so that
    the rounded amounts sum to ``total`` exactly (largest-remainder / Hamilton method).

    In units of 10**-decimals: floor each amount, then give one unit to each of the
    ``total - sum(floors)`` largest remainders (ties to the earlier entry).  Amounts within
    1e-7 units of a whole unit are taken as that unit first, so float noise cannot move a unit.
    """
    decimals = check_count(decimals, "decimals", minimum=0)
    total_float, total_units = _check_total(total, decimals)
    q = np.array(amounts, dtype=float)
    if q.ndim != 1 or q.size == 0 or not np.isfinite(q).all() or (q < 0).any():
        raise ParameterError("amounts", "a non-empty list of finite numbers >= 0", amounts)
    if abs(q.sum() - total_float) > 1e-6 * max(1.0, total_float):
        raise ParameterError("amounts", f"amounts summing to the total {total_float!r}", f"sum {q.sum()!r}")
    q = q * 10.0**decimals
    nearest = np.round(q)
    q = np.where(np.abs(q - nearest) <= _SNAP, nearest, q)
    floors = np.floor(q)
    remainders = np.round(q - floors, 9)
    units = floors.astype(np.int64)
    missing = total_units - int(units.sum())
    if not 0 <= missing <= len(units):
        raise ParameterError("amounts", f"amounts summing to the total {total_float!r}", f"sum {q.sum()!r} units")
    order = np.argsort(-remainders, kind="stable")
    units[order[:missing]] += 1
    return units / 10.0**decimals


# ---------------------------------------------------------------------------
# Shapley value of the pooling game
# ---------------------------------------------------------------------------


def shapley_exact(images: np.ndarray, curve: WorthCurve) -> np.ndarray:
    """Exact Shapley values (worth units) of ``v(S) = curve(sum_{i in S} images_i)``.

    Enumerates all 2^n coalitions (n <= ``MAX_EXACT_SITES``); see the module docstring.
    """
    x = np.asarray(images, dtype=float)
    n = x.size
    if n > MAX_EXACT_SITES:
        raise ParameterError("images", f"at most {MAX_EXACT_SITES} sites for exact Shapley values", n)
    sums = np.zeros(1)
    sizes = np.zeros(1, dtype=np.int8)
    for value in x:  # doubling: coalitions without site i, then the same with site i added
        sums = np.concatenate((sums, sums + value))
        sizes = np.concatenate((sizes, sizes + 1))
    worth = curve(sums)
    weight = np.array([1.0 / (n * math.comb(n - 1, s)) for s in range(n)])  # |S|!(n-|S|-1)!/n!
    phi = np.empty(n)
    for i in range(n):
        half = 1 << i
        v = worth.reshape(-1, 2, half)  # [:, 0, :] coalitions without i, [:, 1, :] the same plus i
        size = sizes.reshape(-1, 2, half)[:, 0, :]
        phi[i] = np.sum((v[:, 1, :] - v[:, 0, :]) * weight[size])
    return phi


def shapley_sampled(
    images: np.ndarray, curve: WorthCurve, samples: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Permutation-sampling estimate of the Shapley values and their standard errors
    (Castro, Gómez & Tejada 2009), vectorised over batches of permutations."""
    x = np.asarray(images, dtype=float)
    n = x.size
    batch = max(1, _BATCH_CELLS // n)
    count = 0
    mean = np.zeros(n)
    m2 = np.zeros(n)  # sum of squared deviations (Chan et al. pairwise update across batches)
    base = np.arange(n)
    for start in range(0, samples, batch):  # loop over memory batches, not permutations
        size = min(batch, samples - start)
        perm = rng.permuted(np.broadcast_to(base, (size, n)), axis=1)  # each row a random ordering
        worth = curve(np.cumsum(x[perm], axis=1))
        marginal = np.diff(worth, axis=1, prepend=0.0)
        contrib = np.empty_like(marginal)
        np.put_along_axis(contrib, perm, marginal, axis=1)  # back to site order
        b_mean = contrib.mean(axis=0)
        b_m2 = ((contrib - b_mean) ** 2).sum(axis=0)
        delta = b_mean - mean
        new_count = count + size
        mean = mean + delta * (size / new_count)
        m2 = m2 + b_m2 + delta**2 * (count * size / new_count)
        count = new_count
    if samples > 1:
        stderr = np.sqrt(m2 / (samples - 1)) / math.sqrt(samples)
    else:
        stderr = np.full(n, np.nan)
    return mean, stderr


# ---------------------------------------------------------------------------
# public API
# ---------------------------------------------------------------------------


def split_value(
    total: Any,
    sites: Iterable[Hashable],
    images: Any,
    effort: Any,
    rule: str,
    *,
    curve: WorthCurve | None = None,
    samples: int = DEFAULT_SAMPLES,
    seed: int | None = 0,
    decimals: int = 2,
    method: str = "auto",
) -> SplitResult:
    """Split ``total`` among ``sites`` by ``rule`` (see the module docstring for the formulae).

    ``images``: non-negative numbers (a site may contribute 0).  ``effort``: positive
    curation-effort multipliers (None = all 1; used by ``curation``).  ``curve``: worth
    curve, required for ``shapley``.  ``method`` (``shapley`` only): "auto" (exact for at
    most 20 sites, else sampled), "exact" or "sampled"; ``samples`` permutations and
    ``seed`` are used when sampling.  Shares are rounded to ``decimals`` places by the
    largest-remainder method and add up to ``total`` exactly.
    """
    import pandas as pd  # here, not at the top: the command line ranks options without pandas

    if rule not in RULES:
        raise ParameterError("rule", f"one of {list(RULES)}", rule)
    if method not in METHODS:
        raise ParameterError("method", f"one of {list(METHODS)}", method)
    decimals = check_count(decimals, "decimals", minimum=0)
    total_float, _ = _check_total(total, decimals)
    site_ids = check_ids(sites, "sites")
    x = check_vector(images, site_ids, "images", unit="site", maximum=MAX_IMAGES)
    e = (
        np.ones(len(site_ids))
        if effort is None
        else check_vector(effort, site_ids, "effort", unit="site", positive=True, maximum=MAX_CURATION_EFFORT)
    )
    samples = check_samples(samples)
    seed = check_seed(seed)
    if curve is not None and not isinstance(curve, WorthCurve):
        raise ParameterError("curve", "a WorthCurve", curve)
    if rule != "equal" and not x.sum() > 0:
        raise ParameterError("images", f"at least one site with images > 0 for rule {rule!r}", "all zero")
    n = len(site_ids)

    stderr: np.ndarray | None = None
    worth_total: float | None = None
    used = "closed form"
    if rule == "equal":
        basis = np.ones(n)
    elif rule == "pro_rata":
        basis = x
    elif rule == "curation":
        basis = x * e
    else:
        if curve is None:
            raise ParameterError("curve", "a WorthCurve (required for rule 'shapley')", None)
        if method == "exact" and n > MAX_EXACT_SITES:
            raise ParameterError(
                "method", f"'exact' only for at most {MAX_EXACT_SITES} sites", f"'exact' with {n} sites"
            )
        used = "exact" if method == "exact" or (method == "auto" and n <= MAX_EXACT_SITES) else "sampled"
        worth = float(curve(x.sum()))
        worth_total = worth
        if used == "exact":
            basis = shapley_exact(x, curve)
        else:
            basis, se = shapley_sampled(x, curve, samples, np.random.default_rng(seed))
            stderr = total_float * se / worth
    denominator = worth_total if worth_total is not None else float(basis.sum())
    raw = total_float * basis / denominator
    rounded = largest_remainder(raw, total, decimals)

    table = pd.DataFrame(
        {
            "site": pd.Series(site_ids, dtype=object),
            "images": x,
            "effort": e,
            "basis": basis,
            "raw_share": raw,
            "share": rounded,
            "stderr": pd.Series([None] * n if stderr is None else [plain(v) for v in stderr], dtype=object),
        }
    )
    return SplitResult(
        rule=rule,
        total=total_float,
        decimals=decimals,
        method=used,
        curve=curve,
        samples=samples if used == "sampled" else None,
        seed=seed if used == "sampled" else None,
        worth_total=worth_total,
        table=table,
    )


def split_all(
    total: Any,
    sites: Iterable[Hashable],
    images: Any,
    effort: Any,
    curve: WorthCurve | None,
    *,
    samples: int = DEFAULT_SAMPLES,
    seed: int | None = 0,
    decimals: int = 2,
    method: str = "auto",
) -> dict[str, SplitResult]:
    """:func:`split_value` under every rule, keyed by rule name (in ``RULES`` order)."""
    site_list = list(sites) if not isinstance(sites, (str, bytes)) else sites
    return {
        rule: split_value(
            total,
            site_list,
            images,
            effort,
            rule,
            curve=curve,
            samples=samples,
            seed=seed,
            decimals=decimals,
            method=method,
        )
        for rule in RULES
    }
