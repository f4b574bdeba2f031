"""The valuation's assumptions (``valuation.yaml``): typed, validated, and turned into model inputs.

:func:`load_assumptions` reads the file of a data folder and either returns a
:class:`ValuationSpec` or raises one :class:`DataValidationError` naming every problem
(file, key, field, what was expected, what was found): a negative rate, a probability
outside 0..1, a stage that follows a missing stage, a number that is not finite.
:func:`assumptions_for` then picks the rows that apply to one requester of a request.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import ConfigDict, Field, model_validator

from ..core.errors import DataValidationError, ParameterError, Problem
from ..core.layout import VALUATION_FILE
from ..core.limits import MAX_HORIZON, MAX_SAMPLES
from ..maths.sharing import RULES
from .files import read_yaml, validate_record
from .offers import PartnerAlternative, Steps
from .schema import COMMERCIAL_KINDS, REQUESTER_KINDS, Record, Request, Requester, duplicated, rule_error

if TYPE_CHECKING:
    from ..maths.valuation import Assumptions

__all__ = [
    "ValuationSpec",
    "load_assumptions",
    "read_valuation",
    "assumptions_for",
    "contribution_share",
    "revenue_row",
    "FILE_NAME",
]

FILE_NAME = VALUATION_FILE
VALUE_LEVER = "commercial"  # the lever commercial_lever_from_value scores from expected NHS value

Text = Annotated[str, Field(min_length=1)]
Identifier = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_\-]*$", max_length=80)]
Share = Annotated[float, Field(ge=0, le=1)]
Money = Annotated[float, Field(ge=0)]
if TYPE_CHECKING:
    # Literals of tuples defined elsewhere: a type checker knows their values only as text;
    # pydantic checks each value against its Literal when valuation.yaml is read.
    Kind = str
    CommercialKind = str
    SiteRuleName = str
else:
    Kind = Literal[REQUESTER_KINDS]
    CommercialKind = Literal[COMMERCIAL_KINDS]
    SiteRuleName = Literal[RULES]
CurationLevel = Literal["raw", "cleaned", "curated", "unstated"]


class Finite(Record):
    """A record whose numbers must be finite (YAML's .nan and .inf are errors)."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True, allow_inf_nan=False)


class Sourced(Finite):
    rationale: Text
    source: Text


def _check_range(value: float, bounds: tuple[float, float] | None, field: str) -> None:
    if bounds is not None and not bounds[0] <= value <= bounds[1]:
        raise rule_error(field, f"[low, high] with low <= {value:g} <= high", list(bounds))


class Rate(Sourced):
    value: float = Field(ge=0, le=1)
    range: tuple[Share, Share]

    @model_validator(mode="after")
    def _in_range(self) -> Rate:
        _check_range(self.value, self.range, "range")
        return self


class Whole(Sourced):
    value: int = Field(ge=0, le=MAX_SAMPLES)


class Switch(Sourced):
    value: bool


class SiteRule(Sourced):
    value: SiteRuleName


class ExitMultiple(Finite):
    median: float = Field(gt=0)
    spread: float = Field(ge=0)


class RevenueRow(Sourced):
    id: Identifier
    kind: CommercialKind
    profit_stage: Literal["pre_profit", "profit_generating"] | None = None
    sector_words: tuple[Text, ...] = ()
    median: Money
    spread: float = Field(ge=0)
    ramp_years: int = Field(ge=1, le=50)
    profit_margin: Share
    nhs_use_share: Share
    exit_multiple: ExitMultiple


class Scenario(Sourced):
    id: Identifier
    factor: float = Field(gt=0)


class Years(Finite):
    low: int = Field(ge=0, le=100)
    likely: int = Field(ge=0, le=100)
    high: int = Field(ge=0, le=100)

    @model_validator(mode="after")
    def _ordered(self) -> Years:
        if not self.low <= self.likely <= self.high:
            raise rule_error("likely", "low <= likely <= high", f"{self.low}, {self.likely}, {self.high}")
        return self


class StageSpec(Sourced):
    id: Identifier
    after: Identifier | None = None
    probability: Share
    probability_by_kind: dict[Kind, Share] = Field(default_factory=dict)
    years: Years
    range: tuple[Share, Share]

    @model_validator(mode="after")
    def _in_range(self) -> StageSpec:
        _check_range(self.probability, self.range, "range")
        return self


class AccessCost(Sourced):
    cost_table: Text
    year: int = Field(ge=0, le=100)
    range_factor: tuple[Annotated[float, Field(ge=0)], Annotated[float, Field(ge=0)]]

    @model_validator(mode="after")
    def _in_range(self) -> AccessCost:
        _check_range(1.0, self.range_factor, "range_factor")
        return self


class Component(Sourced):
    id: Identifier
    weight: float = Field(ge=0)
    nhs: Share | None = None
    nhs_by_curation: dict[CurationLevel, Share] | None = None

    @model_validator(mode="after")
    def _one_share(self) -> Component:
        if (self.nhs is None) == (self.nhs_by_curation is None):
            raise rule_error(
                "nhs/nhs_by_curation",
                "exactly one of 'nhs' or 'nhs_by_curation'",
                "both" if self.nhs is not None else "neither",
            )
        if self.nhs_by_curation is not None:
            missing = [c for c in ("raw", "cleaned", "curated", "unstated") if c not in self.nhs_by_curation]
            if missing:
                raise rule_error(
                    "nhs_by_curation",
                    "a share for raw, cleaned, curated and unstated",
                    "none for " + ", ".join(missing),
                )
        return self

    def share(self, curation: CurationLevel) -> float:
        """The NHS's share of this component for a request of this curation."""
        if self.nhs is not None:
            return self.nhs
        if self.nhs_by_curation is None:  # only for a record built past its check (_one_share)
            raise ParameterError(f"contribution {self.id}", "a share in 'nhs' or 'nhs_by_curation'", "neither")
        return self.nhs_by_curation[curation]


class Broker(Sourced):
    name: Text
    share: Share


class ValuationSpec(Finite):
    """Everything in ``valuation.yaml``."""

    discount_rate: Rate
    horizon: Whole
    draws: Whole
    revenue: tuple[RevenueRow, ...] = Field(min_length=1)
    revenue_scenarios: tuple[Scenario, ...] = Field(min_length=1)
    stages: tuple[StageSpec, ...] = Field(min_length=1)
    first_revenue_stage: Identifier
    adoption_stage: Identifier
    exit_stage: Identifier
    in_kind_year: Whole
    access_cost: AccessCost
    contribution: tuple[Component, ...] = Field(min_length=1)
    broker: Broker
    site_rule: SiteRule
    commercial_lever_from_value: Switch
    # optional: negotiating an offer (the partner's alternative by kind, the counter-offer's steps)
    partner_alternatives: tuple[PartnerAlternative, ...] = ()
    negotiation_steps: Steps | None = None

    def stage_ids(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.stages)

    def scenario(self, scenario_id: str) -> Scenario:
        for scenario in self.revenue_scenarios:
            if scenario.id == scenario_id:
                return scenario
        raise ParameterError("scenario", "one of " + ", ".join(s.id for s in self.revenue_scenarios), scenario_id)


def _cross_check(spec: ValuationSpec) -> list[Problem]:
    """References between keys: stages that follow stages, unique ids, the named stages."""
    problems = []
    ids = spec.stage_ids()
    for key, values in (
        ("stages", ids),
        ("revenue", [r.id for r in spec.revenue]),
        ("revenue_scenarios", [s.id for s in spec.revenue_scenarios]),
        ("contribution", [c.id for c in spec.contribution]),
    ):
        for dupe in duplicated(values):
            problems.append(Problem(FILE_NAME, f"{key} ({dupe})", "id", "each id once", "a duplicate"))
    for index, stage in enumerate(spec.stages):
        if stage.after is not None and stage.after not in ids:
            problems.append(
                Problem(
                    FILE_NAME,
                    f"stages[{index}] ({stage.id})",
                    "after",
                    "the id of another stage: " + ", ".join(ids),
                    repr(stage.after),
                )
            )
    by_id = {s.id: s for s in spec.stages}
    for stage in spec.stages:  # loops of 'after'
        seen = [stage.id]
        step = by_id[stage.id].after
        while step is not None and step in by_id and step not in seen:
            seen.append(step)
            step = by_id[step].after
        if step is not None and step == stage.id:
            problems.append(
                Problem(
                    FILE_NAME,
                    f"stages ({stage.id})",
                    "after",
                    "stages without a loop",
                    "a loop " + " -> ".join(seen + [step]),
                )
            )
    for key in ("first_revenue_stage", "adoption_stage", "exit_stage"):
        if getattr(spec, key) not in ids:
            problems.append(
                Problem(FILE_NAME, "top level", key, "the id of a stage: " + ", ".join(ids), repr(getattr(spec, key)))
            )
    if "central" not in [s.id for s in spec.revenue_scenarios]:
        problems.append(Problem(FILE_NAME, "revenue_scenarios", "id", "a scenario 'central'", "none"))
    if sum(c.weight for c in spec.contribution) <= 0:
        problems.append(Problem(FILE_NAME, "contribution", "weight", "at least one positive weight", "all 0"))
    if not 1 <= spec.horizon.value <= MAX_HORIZON:
        problems.append(
            Problem(
                FILE_NAME,
                "horizon",
                "value",
                f"a whole number of years from 1 to {MAX_HORIZON}",
                str(spec.horizon.value),
            )
        )
    if spec.draws.value < 1:
        problems.append(Problem(FILE_NAME, "draws", "value", "a whole number >= 1", "0"))
    return problems


def read_valuation(root: str | Path, problems: list[Problem]) -> ValuationSpec | None:
    """``valuation.yaml`` of a data folder, validated, or None: when the folder has no such file (a folder
    made before the valuation), or with its problems recorded."""
    path = Path(root) / FILE_NAME
    if not path.exists():
        return None
    data = read_yaml(path, problems)
    spec = None
    if data is not None:
        if not isinstance(data, dict):
            problems.append(Problem(FILE_NAME, "top level", "", "a mapping of assumptions", type(data).__name__))
        else:
            spec = validate_record(ValuationSpec, data, FILE_NAME, "", problems)
    if spec is not None:
        more = _cross_check(spec)
        problems.extend(more)
        if more:
            return None
    return spec


def load_assumptions(root: str | Path) -> ValuationSpec:
    """Read and validate ``valuation.yaml`` in a data folder on its own; one error lists every problem
    (a missing file too). A loaded :class:`~imaging_value.model.data.Dataset` holds it as ``valuation``."""
    problems: list[Problem] = []
    if not (Path(root) / FILE_NAME).exists():
        raise DataValidationError([Problem(FILE_NAME, "", "", "the file to exist in the data folder", "no such file")])
    spec = read_valuation(root, problems)
    if problems or spec is None:
        raise DataValidationError(problems)
    return spec


# --- one requester's inputs -------------------------------------------------------------


def revenue_row(spec: ValuationSpec, requester: Requester) -> RevenueRow | None:
    """The most specific revenue row for the requester (None: it sells nothing)."""
    sector = (requester.sector or "").lower()
    best, best_score = None, -1
    for row in spec.revenue:
        if row.kind != requester.kind:
            continue
        score = 0
        if row.profit_stage is not None:
            if row.profit_stage != requester.profit_stage:
                continue
            score += 1
        if row.sector_words:
            if not any(word.lower() in sector for word in row.sector_words):
                continue
            score += 1
        if score > best_score:
            best, best_score = row, score
    return best


def contribution_share(spec: ValuationSpec, request: Request) -> float:
    """The NHS's contribution share: sum(weight x NHS part) / sum(weight), by the request's curation."""
    total = sum(c.weight for c in spec.contribution)
    return sum(c.weight * c.share(request.curation) for c in spec.contribution) / total


def _finite(value: float, name: str, *, minimum: float = 0.0) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < minimum:
        raise ParameterError(name, f"a finite number >= {minimum:g}", value)
    return float(value)


def assumptions_for(
    spec: ValuationSpec,
    requester: Requester,
    *,
    access_cost: float = 0.0,
    discount_rate: float | None = None,
    horizon: int | None = None,
    scenario: str = "central",
    overrides: Mapping[str, float] | None = None,
) -> Assumptions:
    """The model inputs for one requester: its revenue row, its stage probabilities, the given cost.

    ``overrides`` move one assumption for the tornado chart: ``revenue`` (a factor on the
    median), ``probability:<stage>``, ``profit_margin``, ``nhs_use_share``, ``exit_multiple``
    (factors), ``access_cost`` (a factor).
    """
    from ..maths.valuation import Assumptions, Market, Stage  # the model's inputs: only when a valuation runs

    overrides = dict(overrides or {})
    rate = spec.discount_rate.value if discount_rate is None else _finite(discount_rate, "discount_rate")
    years = spec.horizon.value if horizon is None else horizon
    if isinstance(years, bool) or not isinstance(years, int) or years < 1:
        raise ParameterError("horizon", "a whole number of years >= 1", years)
    stages = []
    for s in spec.stages:
        p = s.probability_by_kind.get(requester.kind, s.probability)
        p = min(1.0, p * overrides.get(f"probability:{s.id}", 1.0))
        stages.append(Stage(s.id, s.after, p, (s.years.low, s.years.likely, s.years.high)))
    row = revenue_row(spec, requester)
    factor = spec.scenario(scenario).factor * overrides.get("revenue", 1.0)
    if row is None:
        market = Market(0.0, 0.0, 1, 0.0, 0.0, 1.0, 0.0)
    else:
        market = Market(
            row.median * factor,
            row.spread,
            row.ramp_years,
            min(1.0, row.profit_margin * overrides.get("profit_margin", 1.0)),
            min(1.0, row.nhs_use_share * overrides.get("nhs_use_share", 1.0)),
            row.exit_multiple.median * overrides.get("exit_multiple", 1.0),
            row.exit_multiple.spread,
        )
    cost = _finite(access_cost, "access_cost") * overrides.get("access_cost", 1.0)
    return Assumptions(
        discount_rate=rate,
        horizon=years,
        stages=tuple(stages),
        market=market,
        access_cost=cost,
        access_cost_year=spec.access_cost.year,
        in_kind_year=spec.in_kind_year.value,
        first_revenue_stage=spec.first_revenue_stage,
        adoption_stage=spec.adoption_stage,
        exit_stage=spec.exit_stage,
    )
