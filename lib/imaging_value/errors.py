"""One error hierarchy for the workbook.

Every error the library raises on purpose is an :class:`ImagingValueError`.
Errors about input (data files, request files, parameters) also subclass
:class:`ValueError` and carry every problem found, not just the first.
"""

from __future__ import annotations

from dataclasses import dataclass

from .safetext import brief

__all__ = ["ImagingValueError", "Problem", "DataValidationError", "ParameterError"]


class ImagingValueError(Exception):
    """Base class of every error the workbook raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is, what was expected, what was found."""

    file: str  # file name (or parameter source) the problem is in
    location: str  # row or key inside the file, e.g. "row 3" or "requesters[1]"
    field: str  # the field (column or key) at fault
    expected: str  # what a valid value looks like
    found: str  # what was actually there

    def __str__(self) -> str:
        parts = [self.file, self.location, f"field '{self.field}'" if self.field else ""]
        where = ": ".join(part for part in parts if part)
        return f"{where}: expected {self.expected}; found {self.found}"


class DataValidationError(ImagingValueError, ValueError):
    """Raised when input fails validation; lists every problem found."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]):
        self.problems: tuple[Problem, ...] = tuple(problems)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} found"
        super().__init__(head + ":\n" + "\n".join(f"  - {p}" for p in self.problems))

    def one_line(self) -> str:
        """All problems on one line, for a command-line error message."""
        return "; ".join(str(p) for p in self.problems)


class ParameterError(ImagingValueError, ValueError):
    """A parameter (command-line option, notebook parameter, function argument) is invalid."""

    def __init__(self, parameter: str, expected: str, found: object):
        self.parameter = parameter
        self.expected = expected
        self.found = found
        super().__init__(f"parameter '{parameter}': expected {expected}; found {brief(found, 400)}")
