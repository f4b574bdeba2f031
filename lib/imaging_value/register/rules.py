"""The register's data files: ``register.yaml`` (when obligations fall due, the royalty reports, the broker's
running costs) and ``transparency.yaml`` (what the public transparency register shows of each agreement).

Both live in the data folder beside the framework's other files and are validated when it loads
(:func:`load_register_dataset`): every entry has a rationale and a source, and one error lists every
problem with its file, entry and field.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import Field, model_validator

from ..model.datafile import DataFile
from ..model.schema import Record, Text, duplicated, rule_error
from ..model.terms_schema import SOURCES

if TYPE_CHECKING:
    from ..model.data import Dataset

__all__ = [
    "REGISTER_FILE",
    "TRANSPARENCY_FILE",
    "TRANSPARENCY_FIELDS",
    "PUBLISH",
    "RegisterRules",
    "TransparencySpec",
    "FieldRule",
    "REGISTER_FILES",
    "RegisterData",
    "register_data",
    "load_register_dataset",
]

REGISTER_FILE = "register.yaml"
TRANSPARENCY_FILE = "transparency.yaml"
PUBLISH = ("show", "band", "withhold")

# Every field the transparency register can publish about an agreement: "amount" fields may be banded
TRANSPARENCY_FIELDS: dict[str, str] = {
    "partner": "text",
    "partner_kind": "text",
    "purpose": "text",
    "data": "text",
    "sites": "text",
    "agreement": "text",
    "mechanisms": "text",
    "signed_on": "text",
    "minute": "text",
    "version": "text",
    "compliance": "text",
    "royalty": "text",
    "split": "text",
    "fees": "amount",
    "in_kind": "amount",
    "forecast_value": "amount",
    "value_returned": "amount",
}

Source = Literal[SOURCES]  # type: ignore[valid-type]


class Days(Record):
    """A number of days, with its rationale and source."""

    value: int = Field(ge=0, le=3650)
    rationale: Text
    source: Source


class Years(Record):
    """A number of years, with its rationale and source."""

    value: int = Field(ge=1, le=100)
    rationale: Text
    source: Source


class RunningCost(Record):
    """The broker's running cost for one calendar year (GBP)."""

    year: int = Field(ge=1900, le=2200)
    amount: float = Field(ge=0, le=1e12)  # GBP
    rationale: Text
    source: Source


class RegisterRules(Record):
    """Everything in ``register.yaml``."""

    payment_days: Days
    royalty_report_days: Days
    royalty_term_years: Years
    broker_running_costs: tuple[RunningCost, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _one_cost_a_year(self) -> RegisterRules:
        twice = duplicated(str(c.year) for c in self.broker_running_costs)
        if twice:
            raise rule_error("broker_running_costs", "one entry per year", f"{twice[0]} twice")
        return self

    def running_cost(self, year: int) -> float | None:
        """The broker's running cost for a calendar year (GBP), or None where the file gives none."""
        return next((c.amount for c in self.broker_running_costs if c.year == year), None)


class FieldRule(Record):
    """How the transparency register publishes one field: show, band or withhold, and why."""

    field: Text
    publish: Literal[PUBLISH]  # type: ignore[valid-type]
    rationale: Text
    source: Source

    @model_validator(mode="after")
    def _known(self) -> FieldRule:
        if self.field not in TRANSPARENCY_FIELDS:
            raise rule_error("field", "one of " + ", ".join(TRANSPARENCY_FIELDS), self.field)
        if self.publish == "band" and TRANSPARENCY_FIELDS[self.field] != "amount":
            raise rule_error(
                "publish",
                "show or withhold (only amounts can be banded: "
                + ", ".join(f for f, k in TRANSPARENCY_FIELDS.items() if k == "amount")
                + ")",
                "band",
            )
        return self


class Bands(Record):
    """The bands (GBP edges from 0) a banded amount is shown in."""

    edges: tuple[float, ...] = Field(min_length=2)  # GBP, increasing, from 0
    rationale: Text
    source: Source

    @model_validator(mode="after")
    def _increasing(self) -> Bands:
        if self.edges[0] != 0 or any(b <= a for a, b in zip(self.edges, self.edges[1:])):
            raise rule_error("edges", "amounts increasing from 0", list(self.edges))
        return self


class TransparencySpec(Record):
    """Everything in ``transparency.yaml``: how each field is published, and the bands for amounts."""

    title: Text
    introduction: Text
    bands: Bands
    fields: tuple[FieldRule, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _every_field_once(self) -> TransparencySpec:
        listed = [f.field for f in self.fields]
        twice = duplicated(listed)
        if twice:
            raise rule_error("fields", "each field once", f"{twice[0]} twice")
        missing = [f for f in TRANSPARENCY_FIELDS if f not in listed]
        if missing:
            # a field is never left out silently: the file says, for each, whether it is shown
            raise rule_error(
                "fields", "every field, each shown, banded or withheld", "no entry for " + ", ".join(missing)
            )
        return self

    def rule(self, field: str) -> FieldRule:
        """How one field is published."""
        return next(f for f in self.fields if f.field == field)


REGISTER_FILES = (
    DataFile(REGISTER_FILE, RegisterRules, content="the register's rules (payment_days, royalty_report_days, ...)"),
    DataFile(TRANSPARENCY_FILE, TransparencySpec, content="what the transparency register publishes"),
)


@dataclass(frozen=True)
class RegisterData:
    """The data folder with the register's own files, validated."""

    dataset: Dataset
    rules: RegisterRules
    transparency: TransparencySpec


def load_register_dataset(root: str | Path | None = None) -> Dataset:
    """The data folder validated with every capability's files and the register's own (one error lists every
    problem, a missing register file included). The register needs ``valuation.yaml`` too, which a data folder
    may otherwise go without: signing records the valuation, and obligations fall due by its stages."""
    from ..capabilities import data_files
    from ..core.errors import DataValidationError, Problem
    from ..core.layout import VALUATION_FILE
    from ..model.data import load_data_folder

    dataset = load_data_folder(root, [*(spec for _cap, spec in data_files()), *REGISTER_FILES])
    if dataset.valuation is None:
        expected = "the file to exist in the data folder (the register prices an agreement at signing by it)"
        raise DataValidationError([Problem(VALUATION_FILE, "", "", expected, "no such file")])
    return dataset


def register_data(root: str | Path | None = None) -> RegisterData:
    """:func:`load_register_dataset`, with the register's two files at hand."""
    dataset = load_register_dataset(root)
    return RegisterData(dataset, dataset.data_file(REGISTER_FILE), dataset.data_file(TRANSPARENCY_FILE))
