"""The parameters of a request report: one set of defaults, one check, one way to find the request.

The request notebook's parameter check (:func:`imaging_value.reports.request.request_report`),
the render pipeline (:mod:`imaging_value.render.pack`, ``report`` on the command line)
and the explorer's *Render board report* button all build a :class:`RequestParams`,
so the same weights give the same acceptability figures wherever a report is made.
Its defaults are :mod:`imaging_value.core.defaults`, as are the command line's and the explorer's.

:func:`resolve_request` is the one place that decides whether a request reference
is a path to a request file or the id of a file in the data folder's ``requests/``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from ..core.checks import check_real, check_samples, check_seed, check_total, check_type
from ..core.defaults import (
    DEFAULT_DATA_DIR,
    DEFAULT_REQUEST,
    DEFAULT_REVENUE_SCENARIO,
    DEFAULT_SAMPLES,
    DEFAULT_SEED,
    DEFAULT_TOTAL,
)
from ..core.errors import ParameterError, UnknownRequestError
from ..core.limits import MAX_DISCOUNT_RATE

if TYPE_CHECKING:
    from .data import Dataset
    from .schema import Request

__all__ = ["RequestParams", "RequestRef", "resolve_request"]


class RequestParams(BaseModel):
    """A request report's parameters, each checked as it is given: a bad one raises :class:`ParameterError`."""

    # defer_build: the validator is built when parameters are first checked, not by every command that imports this
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    request: str = DEFAULT_REQUEST  # a request id in the data folder's requests/, or a path to a request file
    requester: int | None = None  # None: every requester; or a position from 0
    profile: str = ""  # a stakeholder profile's name, or "" to use ``weights``
    weights: dict[str, Any] = {}  # lever -> weight when no profile is given; {}: equal weights
    seed: int = DEFAULT_SEED
    samples: int = DEFAULT_SAMPLES
    total: float = DEFAULT_TOTAL
    discount_rate: float | None = None  # the valuation's annual discount rate, e.g. 0.06; None: valuation.yaml's
    revenue_scenario: str = DEFAULT_REVENUE_SCENARIO  # valuation.yaml's revenue scenario the valuation prices
    royalty: float | None = None  # per cent: the recommended agreement's royalty; None: its term sheet's
    data_dir: str = DEFAULT_DATA_DIR  # relative to the notebooks folder when the notebook runs

    def __init__(self, **values: Any):
        """The parameters, validated; the first bad one raises :class:`ParameterError` naming it."""
        try:
            super().__init__(**values)
        except ValidationError as exc:
            raise _parameter_error(exc, values) from None

    @field_validator("request", mode="before")
    @classmethod
    def _request(cls, value: Any) -> Any:
        return check_type("request", value, (str,), "a request id or a path to a request file")

    @field_validator("requester", mode="before")
    @classmethod
    def _requester(cls, value: Any) -> Any:
        return (
            None
            if value is None
            else check_type("requester", value, (int,), "None (every requester) or a whole number")
        )

    @field_validator("profile", mode="before")
    @classmethod
    def _profile(cls, value: Any) -> Any:
        return "" if value is None else check_type("profile", value, (str,), 'a profile name or ""')

    @field_validator("weights", mode="before")
    @classmethod
    def _weights(cls, value: Any) -> Any:
        expected = "a mapping of lever to weight, or {}"
        if value is None:
            return {}
        if not isinstance(value, Mapping) or not all(isinstance(lever, str) for lever in value):
            raise ParameterError("weights", expected, value)
        return dict(value)

    @field_validator("seed", mode="before")
    @classmethod
    def _seed(cls, value: Any) -> Any:
        return check_seed(check_type("seed", value, (int,), "a whole number"))

    @field_validator("samples", mode="before")
    @classmethod
    def _samples(cls, value: Any) -> Any:
        return check_samples(value)

    @field_validator("total", mode="before")
    @classmethod
    def _total(cls, value: Any) -> Any:
        return check_total(value)

    @field_validator("discount_rate", mode="before")
    @classmethod
    def _discount_rate(cls, value: Any) -> Any:
        return None if value is None else check_real(value, "discount_rate", maximum=MAX_DISCOUNT_RATE)

    @field_validator("revenue_scenario", mode="before")
    @classmethod
    def _revenue_scenario(cls, value: Any) -> Any:
        return check_type("revenue_scenario", value, (str,), "a revenue scenario id of valuation.yaml")

    @field_validator("royalty", mode="before")
    @classmethod
    def _royalty(cls, value: Any) -> Any:
        return None if value is None else check_real(value, "royalty", maximum=100.0)

    @field_validator("data_dir", mode="before")
    @classmethod
    def _data_dir(cls, value: Any) -> Any:
        return os.fspath(check_type("data_dir", value, (str, os.PathLike), "a path to a data folder"))

    @model_validator(mode="after")
    def _profile_or_weights(self) -> RequestParams:
        if self.profile and self.weights:
            raise ParameterError("weights", "{} when a profile is given (one or the other)", self.weights)
        return self

    def requester_indices(self, request: Request) -> tuple[int, ...]:
        """The positions of the requesters the report covers (the one asked for must exist in ``request``)."""
        return request.requester_indices(self.requester)

    def notebook_parameters(self, **paths: str) -> dict[str, Any]:
        """The papermill parameters of the request notebook (``paths``: request and data_dir as the notebook
        sees them, relative to the notebooks folder)."""
        return {**self.model_dump(), **paths}


def _parameter_error(exc: ValidationError, values: Mapping[str, Any]) -> ParameterError:
    """The first problem pydantic found, as the :class:`ParameterError` a check raised, or naming the field."""
    for error in exc.errors():
        raised = (error.get("ctx") or {}).get("error")
        if isinstance(raised, ParameterError):
            return raised
    error = exc.errors()[0]
    name = str(error["loc"][0]) if error.get("loc") else "parameters"  # the parameter, not a place inside it
    if error.get("type") == "extra_forbidden":
        return ParameterError(name, "one of the parameters " + ", ".join(RequestParams.model_fields), values.get(name))
    expected = str(error.get("msg", "")).removeprefix("Input should be ").strip() or "a valid value"
    return ParameterError(name, expected, values.get(name, error.get("input")))


# --- request references --------------------------------------------------------------------


@dataclass(frozen=True)
class RequestRef:
    """Where a request reference leads: the file to read, and the request's id when the reference was an id."""

    ref: str  # as given
    path: Path  # the request file
    id: str | None  # the id of a file in the data folder's requests/, when ``ref`` was one; None for a path

    @property
    def shown(self) -> str:
        """The reference as a report may show it: the id, or the file's name (never a local path)."""
        return self.id if self.id is not None else self.path.name


def resolve_request(ref: str | os.PathLike, dataset: Dataset) -> RequestRef:
    """A request reference: a path to a request file (a ``.yaml``/``.yml`` name, or a file that exists), else
    an id in the data folder's ``requests/``; :class:`UnknownRequestError` when it is neither."""
    text = os.fspath(ref)
    path = Path(text)
    if path.suffix in (".yaml", ".yml") or path.exists():
        return RequestRef(text, path, None)
    candidate = dataset.requests_dir / f"{text}.yaml"
    if not candidate.is_file():
        from ..core.errors import DataValidationError
        from .files import misnamed_problem, misnamed_yaml

        misnamed = [p for p in misnamed_yaml(dataset.requests_dir) if p.stem == text]
        if misnamed and path.name == text:  # requests/<id>.yml: say why it is not read
            raise DataValidationError([misnamed_problem(p, f"requests/{p.name}") for p in misnamed])
        raise UnknownRequestError(text, dataset.request_ids())
    return RequestRef(text, candidate, text if path.name == text else None)
