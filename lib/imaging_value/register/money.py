"""Money in the register: whole pence, parsed from text exactly, shared to the penny.

Amounts are stored as integer pence. A command-line amount is parsed with :class:`~decimal.Decimal`
(never a float), so ``0.1 + 0.2`` problems cannot reach the ledger. A sum is shared among payees by
the largest-remainder (Hamilton) method in integer arithmetic: each payee gets the floor of its
exact share, and the pence left over go one each to the largest remainders (ties to the earlier
payee), so the shares add up to the total exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from ..core.errors import ParameterError

__all__ = [
    "PPB",
    "MAX_PENCE",
    "parse_pence",
    "pounds",
    "pence_of",
    "percent_of",
    "share_pence",
    "shares_ppb",
]

PPB = 1_000_000_000  # shares are stored in parts per billion, summing to exactly this
MAX_PENCE = 10**15  # GBP 10 trillion: far beyond any agreement, well inside a 64-bit integer


def parse_pence(text: str | int | Decimal, field: str, *, allow_zero: bool = True) -> int:
    """``"1234.56"`` -> 123456: a plain amount in GBP with at most two decimal places, at least 0.

    A currency sign, a thousands separator, a third decimal place, a negative amount (or zero,
    unless ``allow_zero``) is a :class:`ParameterError` naming ``field``.
    """
    shown = str(text).strip()
    try:
        value = Decimal(shown)
    except InvalidOperation:
        plain = "".join(ch for ch in shown if ch.isdigit() or ch in ".-")
        hint = f" (write {plain}, with no currency sign or thousands separators)" if plain and plain != shown else ""
        raise ParameterError(field, "an amount in GBP such as 1234.56" + hint, shown) from None
    if not value.is_finite():
        raise ParameterError(field, "a finite amount in GBP", shown)
    if value < 0:
        raise ParameterError(field, "an amount of at least 0 (a correction is a reversal: register reverse)", shown)
    if value == 0 and not allow_zero:
        raise ParameterError(field, "an amount above 0", shown)
    pence = value * 100
    if pence != pence.to_integral_value():
        raise ParameterError(field, "an amount in whole pence (at most two decimal places)", shown)
    if pence > MAX_PENCE:
        raise ParameterError(field, f"an amount of at most {MAX_PENCE // 100:,} GBP", shown)
    return int(pence)


def pence_of(pounds_: float | int | Decimal) -> int:
    """An amount in GBP (a number from a term sheet) in whole pence, rounded half up."""
    return int((Decimal(str(pounds_)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def pounds(pence: int | None) -> str:
    """``123456`` -> ``"1,234.56"`` (None -> ``""``); negative amounts keep their sign."""
    if pence is None:
        return ""
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(int(pence)), 100)
    return f"{sign}{whole:,}.{part:02d}"


def percent_of(rate: float | int | Decimal | str, pence: int) -> int:
    """``rate`` per cent of ``pence``, exact, rounded half up to the penny."""
    value = Decimal(str(rate)) * Decimal(pence) / 100
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def share_pence(total: int, weights: Sequence[int]) -> list[int]:
    """Share ``total`` pence among payees in proportion to integer ``weights``, exactly.

    Largest remainder: payee i gets floor(total * w_i / W); the pence left over go one each to the
    largest remainders, ties to the earlier payee. A negative total (money taken back after a
    reversal) is shared as the negative of sharing its size. The shares always sum to ``total``.
    """
    if not weights or any(w < 0 for w in weights) or sum(weights) <= 0:
        raise ParameterError("weights", "one or more weights of at least 0, not all 0", list(weights))
    if total < 0:
        return [-part for part in share_pence(-total, weights)]
    whole = sum(weights)
    floors = [total * w // whole for w in weights]
    remainders = [total * w % whole for w in weights]
    left = total - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
    for i in order[:left]:
        floors[i] += 1
    return floors


def shares_ppb(shares: Sequence[float]) -> list[int]:
    """Shares of one (floats from the split rule) as parts per billion that sum to exactly :data:`PPB`."""
    total = sum(shares)
    if not shares or any(s < 0 for s in shares) or total <= 0:
        raise ParameterError("shares", "shares of at least 0, not all 0", list(shares))
    scaled = [Decimal(repr(float(s))) / Decimal(repr(float(total))) * PPB for s in shares]
    floors = [int(x) for x in scaled]
    left = PPB - sum(floors)
    order = sorted(range(len(shares)), key=lambda i: (-(scaled[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return floors
