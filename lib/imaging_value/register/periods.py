"""Dates in the register: parsing, adding months, and royalty periods (calendar quarters)."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from ..core.errors import ParameterError

__all__ = ["parse_date", "add_months", "Period", "parse_period", "periods_between", "quarter_end"]

_PERIOD = re.compile(r"(\d{4})Q([1-4])")


def parse_date(text: str | date, field: str) -> date:
    """``2027-03-31`` -> a date (ISO 8601, YYYY-MM-DD); anything else is a ParameterError naming ``field``."""
    if isinstance(text, date):
        return text
    try:
        return date.fromisoformat(str(text).strip())
    except ValueError:
        raise ParameterError(field, "a date as YYYY-MM-DD, e.g. 2027-03-31", text) from None


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day where it is shorter: 31 Jan + 1 -> 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + int(months)
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def quarter_end(day: date) -> date:
    """The last day of the calendar quarter ``day`` is in."""
    month = (day.month - 1) // 3 * 3 + 3
    return date(day.year, month, calendar.monthrange(day.year, month)[1])


class Period:
    """A royalty period: one calendar quarter, written ``2027Q1``."""

    __slots__ = ("year", "quarter")

    def __init__(self, year: int, quarter: int):
        self.year, self.quarter = year, quarter

    @property
    def label(self) -> str:
        """The period as written, e.g. 2027Q1."""
        return f"{self.year}Q{self.quarter}"

    @property
    def start(self) -> date:
        """The first day of the quarter."""
        return date(self.year, 3 * self.quarter - 2, 1)

    @property
    def end(self) -> date:
        """The last day of the quarter."""
        return quarter_end(self.start)

    def next(self) -> Period:
        """The quarter after this one."""
        return Period(self.year + 1, 1) if self.quarter == 4 else Period(self.year, self.quarter + 1)

    @classmethod
    def of(cls, day: date) -> Period:
        """The quarter a day is in."""
        return cls(day.year, (day.month - 1) // 3 + 1)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Period) and (self.year, self.quarter) == (other.year, other.quarter)

    def __hash__(self) -> int:
        return hash((self.year, self.quarter))

    def __repr__(self) -> str:
        return f"Period({self.label})"


def parse_period(text: str, field: str = "period") -> Period:
    """``2027Q1`` -> the first quarter of 2027."""
    found = _PERIOD.fullmatch(str(text).strip())
    if not found:
        raise ParameterError(field, "a calendar quarter written YYYYQn, e.g. 2027Q1", text)
    return Period(int(found.group(1)), int(found.group(2)))


def periods_between(start: date, end: date) -> list[Period]:
    """Every quarter from the one holding ``start`` to the one holding the day before ``end``."""
    last = Period.of(end - timedelta(days=1))
    periods, current = [], Period.of(start)
    while (current.year, current.quarter) <= (last.year, last.quarter):
        periods.append(current)
        current = current.next()
    return periods
