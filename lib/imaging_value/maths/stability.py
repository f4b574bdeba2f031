"""Exact weight-stability intervals for a weighted-sum ranking (one-at-a-time sensitivity).

Utility ``U_i = sum_l w_l s_il`` with weights on the simplex.  For lever ``j`` let its
weight be ``t`` in [0, 1] and let the other levers keep their relative proportions:

    w_l(t) = (1 - t) * w_l / W_j,   W_j = sum_{l != j} w_l   (= 1 - w_j),   l != j.

If ``W_j == 0`` (lever j carries all the weight) the proportions are undefined; the
remaining ``1 - t`` is then split equally among the other levers (documented convention).
Each utility is a straight line in ``t``:

    U_i(t) = t * s_ij + (1 - t) * a_i,   a_i = sum_{l != j} s_il w_l / W_j   (or the plain mean).

The current winner ``b`` (best at ``t = w_j``; equal utilities go to the earlier option)
stays best while, for every other option ``i``,

    g_i(t) = U_b(t) - U_i(t) = c_i + t * e_i >= 0,   c_i = a_b - a_i,
    e_i = (s_bj - a_b) - (s_ij - a_i)

(strictly > 0 for options listed before ``b``, which win ties).  Each constraint is a
half-line bounded at the crossing ``r_i = -c_i / e_i``: a lower bound when ``e_i > 0`` and
an upper bound when ``e_i < 0``.  So, solved in closed form (no grid search),

    lower = max(0, max_{e_i > 0} r_i),   upper = min(1, min_{e_i < 0} r_i).

The option taking over just below ``lower`` is, among the options crossing there, the one
with the largest ``e_i`` (it rises fastest as ``t`` decreases), ties to the earlier option;
just above ``upper`` it is the one with the most negative ``e_i``.  At an end of 0 or 1
there is no taker (None); an option that only ties the winner at an end (equal to 9 decimal
places, as ``rank`` compares) does not take over, so such a crossing is the end itself.  This is the one-way weight sensitivity analysis of e.g.
Triantaphyllou & Sánchez (1997), Decision Sciences 28(1), for the additive model.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .arrays import check_ids, check_scores, check_weight_vector, comparable, plain

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["StabilityResult", "weight_stability"]

_CROSSING_TOLERANCE = 1e-12  # crossings this close to a bound count as the same event


@dataclass(frozen=True)
class StabilityResult:
    """Outcome of :func:`weight_stability`.

    ``table``: one row per lever with columns lever, weight, lower, upper, taker_below,
    taker_above.  ``utilities``: each option's utility at the current weights.
    ``crossings``: options x levers, the weight of the lever at which the option's utility
    line meets the winner's (NaN if it does not within [0, 1] or is parallel; NaN for the
    winner itself) - the working behind the bounds.
    """

    winner: Hashable
    weights: dict[Hashable, float]
    table: pd.DataFrame
    utilities: pd.Series
    crossings: pd.DataFrame

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready plain Python."""
        return {
            "winner": self.winner,
            "weights": {lever: float(w) for lever, w in self.weights.items()},
            "utilities": {option: float(u) for option, u in self.utilities.items()},
            "levers": [
                {
                    "lever": plain(row["lever"]),
                    "weight": float(row["weight"]),
                    "lower": float(row["lower"]),
                    "upper": float(row["upper"]),
                    "taker_below": plain(row["taker_below"]),
                    "taker_above": plain(row["taker_above"]),
                }
                for row in self.table.to_dict("records")
            ],
        }


def _lines(s: np.ndarray, w: np.ndarray, j: int) -> tuple[np.ndarray, np.ndarray]:
    """Intercept ``a`` (utility at t = 0) and slope ``d`` of every option's line for lever j."""
    m, k = s.shape
    others = np.arange(k) != j
    rest = float(w[others].sum())
    if k == 1:
        a = np.zeros(m)
    elif rest > 0:
        a = s[:, others] @ (w[others] / rest)
    else:  # lever j holds all the weight: split 1 - t equally among the others
        a = s[:, others].mean(axis=1)
    return a, s[:, j] - a


def _interval(
    c: np.ndarray, e: np.ndarray, t0: float, b: int
) -> tuple[float, float, int | None, int | None, np.ndarray]:
    """Solve c_i + t e_i >= 0 for all i != b on [0, 1]; returns lower, upper, takers, crossings."""
    m = len(c)
    others = np.arange(m) != b
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(e != 0, -c / e, np.nan)
    r[b] = np.nan
    rising = others & (e > 0)  # b gains as t grows: constraint bounds t from below
    falling = others & (e < 0)  # b loses as t grows: constraint bounds t from above
    # a tie at an end of the range (U_b = U_i at t = 0 or 1, compared as rank compares) is not a
    # takeover: the crossing is the end itself, whichever side of it float noise put it
    r = np.where(rising & (comparable(c) == 0), 0.0, r)
    r = np.where(falling & (comparable(c + e) == 0), 1.0, r)

    lower, taker_below = 0.0, None
    if rising.any():
        bound = float(np.nanmax(np.where(rising, r, np.nan)))
        lower = min(max(0.0, bound), t0)  # min(): guard against rounding past t0
        if lower > 0:
            near = np.flatnonzero(rising & (r >= lower - _CROSSING_TOLERANCE))
            taker_below = int(near[np.argmax(e[near])])  # argmax: earliest option on ties

    upper, taker_above = 1.0, None
    if falling.any():
        bound = float(np.nanmin(np.where(falling, r, np.nan)))
        upper = max(min(1.0, bound), t0)
        if upper < 1:
            near = np.flatnonzero(falling & (r <= upper + _CROSSING_TOLERANCE))
            taker_above = int(near[np.argmin(e[near])])

    crossings = np.where((r >= 0) & (r <= 1), r, np.nan)
    return lower, upper, taker_below, taker_above, crossings


def weight_stability(
    scores: Any,
    options: Iterable[Hashable],
    levers: Iterable[Hashable],
    weights: Any,
) -> StabilityResult:
    """Exact interval of each lever's weight over which the current winner stays best.

    ``weights``: one non-negative weight per lever (a sequence in lever order or a mapping
    lever -> weight) summing to 1.  See the module docstring for the formulae.
    """
    import pandas as pd  # here, not at the top: the command line ranks options without pandas

    option_ids = check_ids(options, "options")
    lever_ids = check_ids(levers, "levers")
    s = check_scores(scores, option_ids, lever_ids)
    w = check_weight_vector(weights, lever_ids, "weights")
    m, k = s.shape

    utilities = s @ w
    b = int(np.argmax(comparable(utilities)))  # first maximum: ties (as rank sees them) go to the earlier option

    rows = []
    crossing_columns = np.full((m, k), np.nan)
    for j, lever in enumerate(lever_ids):
        a, d = _lines(s, w, j)
        c = a[b] - a
        e = d[b] - d
        lower, upper, below, above, crossing_columns[:, j] = _interval(c, e, float(w[j]), b)
        rows.append(
            {
                "lever": lever,
                "weight": float(w[j]),
                "lower": lower,
                "upper": upper,
                "taker_below": None if below is None else option_ids[below],
                "taker_above": None if above is None else option_ids[above],
            }
        )

    table = pd.DataFrame(rows, columns=["lever", "weight", "lower", "upper", "taker_below", "taker_above"]).astype(
        {"taker_below": object, "taker_above": object}
    )
    return StabilityResult(
        winner=option_ids[b],
        weights={lever: float(x) for lever, x in zip(lever_ids, w)},
        table=table,
        utilities=pd.Series(utilities, index=pd.Index(option_ids, name="option"), name="utility"),
        crossings=pd.DataFrame(
            crossing_columns,
            index=pd.Index(option_ids, name="option"),
            columns=pd.Index(lever_ids, name="lever"),
        ),
    )
