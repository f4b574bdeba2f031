"""Checks of single input values: command-line options, notebook parameters, function arguments.

Each check returns the value it accepted (converted where it says so) or raises
:class:`ParameterError` naming the parameter, what it allows and what it got. The
checks of whole files live with their schemas (:mod:`.schema`, :mod:`.data`); the
checks of score and weight arrays live with the maths that takes them (:mod:`imaging_value.maths.arrays`).
This module imports nothing heavier than the standard library, so the command line
can check its options before it loads anything else.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

from .errors import ParameterError
from .limits import MAX_DISCOUNT_RATE, MAX_HORIZON, MAX_SAMPLES, MAX_TOTAL

__all__ = [
    "TOTAL_RANGE",
    "check_type",
    "check_count",
    "check_samples",
    "check_seed",
    "check_real",
    "check_total",
    "check_flags",
    "parse_amount",
]

TOTAL_RANGE = f"a finite number >= 0, at most {MAX_TOTAL:,.0f}"


def check_type(parameter: str, value: Any, kinds: tuple[type, ...], expected: str) -> Any:
    """The value, if it is one of ``kinds`` (True and False are not numbers here unless ``bool`` is a kind)."""
    if (isinstance(value, bool) and bool not in kinds) or not isinstance(value, kinds):
        raise ParameterError(parameter, expected, value)
    return value


def check_count(value: Any, parameter: str, minimum: int = 1, maximum: int | None = None) -> int:
    """Validate an integer >= ``minimum`` (and <= ``maximum`` where given; bools rejected)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ParameterError(parameter, f"an integer >= {minimum}" + (f" and <= {maximum:,}" if maximum else ""), value)
    if maximum is not None and int(value) > maximum:
        raise ParameterError(parameter, f"an integer from {minimum} to {maximum:,}", value)
    return int(value)


def check_samples(value: Any, parameter: str = "samples") -> int:
    """A number of samples from 1 to ``MAX_SAMPLES`` (a typo of a few extra zeros must not run for hours)."""
    return check_count(value, parameter, minimum=1, maximum=MAX_SAMPLES)


def check_seed(seed: Any) -> int | None:
    """Validate a seed for ``numpy.random.default_rng``: None or a non-negative integer."""
    if seed is None:
        return None
    return check_count(seed, "seed", minimum=0)


def check_real(value: Any, parameter: str, *, positive: bool = False, maximum: float | None = None) -> float:
    """Validate a finite real number that is >= 0 (or > 0 when ``positive``), and <= ``maximum`` where given."""
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)
    if ok:
        ok = (value > 0 if positive else value >= 0) and (maximum is None or value <= maximum)
    if not ok:
        low = "> 0" if positive else ">= 0"
        raise ParameterError(parameter, f"a finite number {low}" + (f" and <= {maximum:g}" if maximum else ""), value)
    return float(value)


def check_total(total: Any, shown: Any = None) -> float:
    """An amount to share among sites: a finite number from 0 to ``MAX_TOTAL`` (``shown``: the value as typed)."""
    if (
        isinstance(total, bool)
        or not isinstance(total, numbers.Real)
        or not math.isfinite(total)
        or not 0 <= float(total) <= MAX_TOTAL
    ):
        raise ParameterError("total", TOTAL_RANGE, total if shown is None else shown)
    return float(total)


def check_flags(draws: Any = None, horizon: Any = None, discount_rate: Any = None) -> None:
    """The valuation's options: whole draws and horizon within their documented ranges, a finite rate."""
    for name, value, most in (("draws", draws, MAX_SAMPLES), ("horizon", horizon, MAX_HORIZON)):
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, numbers.Integral) or not 1 <= int(value) <= most
        ):
            raise ParameterError(name, f"a whole number from 1 to {most:,}", value)
    if discount_rate is not None and (
        isinstance(discount_rate, bool)
        or not isinstance(discount_rate, numbers.Real)
        or not math.isfinite(discount_rate)
        or not 0 <= float(discount_rate) <= MAX_DISCOUNT_RATE
    ):
        raise ParameterError(
            "discount-rate", f"a finite number from 0 to {MAX_DISCOUNT_RATE:g} (e.g. 0.035)", discount_rate
        )


def parse_amount(text: str) -> float:
    """``--total``: a plain number; a currency sign or thousands separator gets a hint, not a float error."""
    try:
        value = float(text)
    except ValueError:
        plain = "".join(ch for ch in text if ch.isdigit() or ch in ".eE-+")
        hint = f" (write {plain}, with no currency sign or thousands separators)" if plain and plain != text else ""
        raise ParameterError("total", "a plain number such as 250000" + hint, text) from None
    return value
