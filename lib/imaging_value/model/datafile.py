"""The declaration of a data file beyond the core ones (kept light: the command line lists capabilities, and
their files, before it loads any data)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..core.errors import Problem
    from .data import Dataset

__all__ = ["DataFile"]


@dataclass(frozen=True)
class DataFile:
    """A data file beyond the core ones, as a capability declares it: its schema and its cross-checks.

    ``model`` (a pydantic model) validates a YAML file's mapping, or with ``key`` each item of the
    list under that key, or each row of a CSV file. ``check(dataset, value)`` returns the
    :class:`~imaging_value.core.errors.Problem` s the file has against the other files. ``core`` files
    are read by the loader's own code and are only listed (so that each capability states what it
    reads); :func:`load_data_folder` reads every other file it is given into ``Dataset.extras``.
    """

    name: str
    model: Any = None
    key: str | None = None
    check: Callable[[Dataset, Any], list[Problem]] | None = None
    core: bool = False
    content: str = ""  # what the file holds, for the error when it is missing
