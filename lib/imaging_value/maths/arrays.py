"""Checks of the arrays the maths takes (ids, score matrices, vectors, weight vectors), and how values compare.

Shared by :mod:`.smaa`, :mod:`.stability`, :mod:`.alignment`, :mod:`.sharing` and the summit maths: each
check raises :class:`~imaging_value.core.errors.ParameterError` naming the parameter (and the offending id),
what was expected and what was found.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from typing import Any

import numpy as np

from ..core.errors import ParameterError

__all__ = [
    "SCORE_MIN",
    "SCORE_MAX",
    "WEIGHT_SUM_TOLERANCE",
    "TIE_DECIMALS",
    "check_ids",
    "check_scores",
    "check_vector",
    "check_weight_vector",
    "comparable",
    "plain",
]

SCORE_MIN = 0.0
SCORE_MAX = 10.0
WEIGHT_SUM_TOLERANCE = 1e-6


def check_ids(values: Iterable[Hashable], parameter: str) -> tuple[Hashable, ...]:
    """Validate a list of option or lever ids: non-empty, unique, each a non-empty str or an int."""
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise ParameterError(parameter, "a list of ids (strings or integers)", values)
    ids: list[Hashable] = []
    for position, value in enumerate(values):
        if isinstance(value, np.generic):
            value = value.item()
        if isinstance(value, bool) or not isinstance(value, (str, int)) or value == "":
            raise ParameterError(f"{parameter}[{position}]", "a non-empty string or an integer id", value)
        ids.append(value)
    if not ids:
        raise ParameterError(parameter, "at least one id", [])
    seen: set[Hashable] = set()
    duplicates: list[str] = []
    for value in ids:
        if value in seen and str(value) not in duplicates:
            duplicates.append(str(value))
        seen.add(value)
    if duplicates:
        raise ParameterError(parameter, "unique ids", f"duplicated {duplicates}")
    return tuple(ids)


def check_scores(scores: Any, options: tuple[Hashable, ...], levers: tuple[Hashable, ...]) -> np.ndarray:
    """Validate an options x levers score matrix with finite values in [0, 10]."""
    m, k = len(options), len(levers)
    try:
        array = np.array(scores, dtype=float)
    except (TypeError, ValueError):
        raise ParameterError("scores", f"a numeric array of shape ({m}, {k})", type(scores).__name__) from None
    if array.shape != (m, k):
        raise ParameterError("scores", f"an array of shape ({m}, {k}) (options x levers)", f"shape {array.shape}")
    bad = ~np.isfinite(array) | (array < SCORE_MIN) | (array > SCORE_MAX)
    if bad.any():
        i, j = (int(x) for x in np.argwhere(bad)[0])
        raise ParameterError(
            f"scores[{options[i]!r}, {levers[j]!r}]",
            f"a finite number from {SCORE_MIN:g} to {SCORE_MAX:g}",
            float(array[i, j]),
        )
    return array


def check_vector(
    values: Any,
    ids: tuple[Hashable, ...],
    parameter: str,
    *,
    unit: str,
    noun: str = "number",
    positive: bool = False,
    maximum: float | None = None,
) -> np.ndarray:
    """One finite ``noun`` per id (``unit`` names what an id is: lever, site), each >= 0 (> 0 if ``positive``)
    and <= ``maximum`` where given; an error names the offending id."""
    n = len(ids)
    try:
        array = np.array(values, dtype=float)
    except (TypeError, ValueError):
        raise ParameterError(parameter, f"{n} {noun}s, one per {unit}", values) from None
    if array.shape != (n,):
        raise ParameterError(parameter, f"{n} {noun}s, one per {unit}", f"shape {array.shape}")
    bad = ~np.isfinite(array) | ((array <= 0) if positive else (array < 0))
    if maximum is not None:
        bad |= array > maximum
    if bad.any():
        i = int(np.argmax(bad))
        expected = f"a finite {noun} > 0" if positive else f"a finite non-negative {noun} (>= 0)"
        if maximum is not None:
            expected += f" and <= {maximum:g}"
        raise ParameterError(f"{parameter}[{ids[i]!r}]", expected, float(array[i]))
    return array


def check_weight_vector(weights: Any, levers: tuple[Hashable, ...], parameter: str) -> np.ndarray:
    """Validate a weight vector: a sequence (lever order) or a mapping lever -> weight;
    finite, non-negative, summing to 1 within ``WEIGHT_SUM_TOLERANCE``.  Returned as given
    (not renormalised)."""
    if isinstance(weights, Mapping):
        keys = list(weights.keys())
        if set(keys) != set(levers) or len(keys) != len(levers):
            raise ParameterError(parameter, f"one weight for each lever {list(levers)}", sorted(map(str, keys)))
        weights = [weights[lever] for lever in levers]
    array = check_vector(weights, levers, parameter, unit="lever", noun="weight")
    total = float(array.sum())
    if abs(total - 1.0) > WEIGHT_SUM_TOLERANCE:
        raise ParameterError(parameter, "weights summing to 1", f"sum {total!r}")
    return array


TIE_DECIMALS = 9  # values equal to this many decimals are a tie, not a win (float noise decides nothing)


def comparable(values: Any) -> np.ndarray:
    """Values as the workbook compares them: rounded to ``TIE_DECIMALS`` places, so sums that are equal
    on paper but differ in the last bits of a float (0.1 + 0.2 vs 0.3) tie."""
    return np.round(np.asarray(values, dtype=float), TIE_DECIMALS)


def plain(value: Any) -> Any:
    """Convert numpy scalars / NaN to JSON-ready Python (NaN -> None)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
