"""One error hierarchy for the workbook.

Every error the library raises on purpose is an :class:`ImagingValueError`.
Errors about input (data files, request files, parameters) also subclass
:class:`ValueError` and carry every problem found, not just the first.

A command's exit code follows from the class of the error that stopped it
(:func:`exit_code`): 2 for bad input (:data:`INPUT_ERRORS`, or a file that could
not be read), 130 for an interrupt, 1 for anything else that failed (a file that could not be
written among them: :class:`WriteError`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .safetext import brief

__all__ = [
    "ImagingValueError",
    "Problem",
    "DataValidationError",
    "ParameterError",
    "UnknownRequestError",
    "WriteError",
    "InconsistencyWarning",
    "INPUT_ERRORS",
    "EXIT_FAILED",
    "EXIT_INPUT",
    "EXIT_INTERRUPTED",
    "exit_code",
    "error_class",
]

EXIT_FAILED = 1  # the work failed (a notebook, chromium, ...), the input was fine
EXIT_INPUT = 2  # a bad parameter or input file: fix the input and run again
EXIT_INTERRUPTED = 130  # Ctrl-C or SIGTERM (128 + SIGINT, as shells report it)


class InconsistencyWarning(UserWarning):
    """A data folder whose rules contradict each other (the framework's consistency check): each warning names
    the file, the leaf or rule, and the facts; the answers are still given."""


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


class UnknownRequestError(ParameterError):
    """A request reference that is neither a request file's path nor the id of a request in ``requests/``."""

    def __init__(self, ref: object, known: Sequence[str]):
        self.ref = ref
        self.known = tuple(known)
        super().__init__(
            "request", f"a request id ({', '.join(self.known) or 'none'}) or a path to a request file", ref
        )


class WriteError(ImagingValueError):
    """A file or folder could not be written (a full disk, a name too long, no permission, ...).

    ``path``: the file as the user knows it; ``reason``: why, in words (the system's own message).
    Nothing was left half-written: the previous file, if any, is still there as it was.
    """

    def __init__(self, path: object, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"could not write {self.path}: {reason}")

    @classmethod
    def from_os_error(cls, path: object, exc: OSError) -> WriteError:
        """The write error for an :class:`OSError`, in the system's words (e.g. "No space left on device")."""
        return cls(path, exc.strerror or str(exc) or type(exc).__name__)


INPUT_ERRORS: tuple[type[ImagingValueError], ...] = (ParameterError, DataValidationError)


def exit_code(exc: BaseException) -> int:
    """The command line's exit code for the error that stopped it, chosen by the error's class."""
    if isinstance(exc, KeyboardInterrupt):
        return EXIT_INTERRUPTED
    if isinstance(exc, INPUT_ERRORS + (OSError,)):
        return EXIT_INPUT
    return EXIT_FAILED


def error_class(name: str) -> type[BaseException] | None:
    """The workbook's error class called ``name`` (a notebook kernel reports an error by its class name only)."""
    found: list[type[BaseException]] = [ImagingValueError]
    for cls in found:
        if cls.__name__ == name:
            return cls
        found.extend(sub for sub in cls.__subclasses__() if sub not in found)
    return None
