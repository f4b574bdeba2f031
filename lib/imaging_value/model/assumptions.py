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
from ..core.limits import (
    MAX_FACTOR,
    MAX_HORIZON,
    MAX_MULTIPLE,
    MAX_REVENUE,
    MAX_SAMPLES,
    MAX_SPREAD,
    MAX_WEIGHT,
)
from ..maths.sharing import RULES
from .files import read_yaml, validate_record
from .offers import PartnerAlternative, Steps
from .schema import (
    COMMERCIAL_KINDS,
    DATA_MODALITIES,
    FACTS,
    REQUESTER_KINDS,
    UNSTATED,
    Condition,
    Record,
    Request,
    Requester,
    duplicated,
    rule_error,
)

if TYPE_CHECKING:
    from ..maths.expectation import Assumptions

__all__ = [
    "ValuationSpec",
    "load_assumptions",
    "read_valuation",
    "assumptions_for",
    "contribution_share",
    "revenue_row",
    "data_factor",
    "stage_adjustments_for",
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
# every amount has an upper bound (core.limits, each with its reason), so no typo overflows a sum or a draw
Revenue = Annotated[float, Field(ge=0, le=MAX_REVENUE)]  # GBP a year
Spread = Annotated[float, Field(ge=0, le=MAX_SPREAD)]  # a lognormal's standard deviation of its log
Factor = Annotated[float, Field(ge=0, le=MAX_FACTOR)]
CurationLevel = Literal["raw", "cleaned", "curated", "unstated"]


class Finite(Record):
    """A record whose numbers must be finite (YAML's .nan and .inf are errors)."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True, allow_inf_nan=False)


class Sourced(Finite):
    """A valuation.yaml setting with its one-line rationale and source."""

    rationale: Text
    source: Text


def _check_range(value: float, bounds: tuple[float, float] | None, field: str) -> None:
    if bounds is not None and not bounds[0] <= value <= bounds[1]:
        raise rule_error(field, f"[low, high] with low <= {value:g} <= high", list(bounds))


class Rate(Sourced):
    """A rate from 0 to 1 and the range it may move over (for the tornado chart)."""

    value: float = Field(ge=0, le=1)
    range: tuple[Share, Share]

    @model_validator(mode="after")
    def _in_range(self) -> Rate:
        _check_range(self.value, self.range, "range")
        return self


class Whole(Sourced):
    """A whole number of at least 0 (the horizon, the draws, the in-kind year)."""

    value: int = Field(ge=0, le=MAX_SAMPLES)


class Switch(Sourced):
    """An on/off setting."""

    value: bool


class SiteRule(Sourced):
    """The rule that shares the NHS's value among the sites: equal, pro_rata, curation or shapley."""

    value: SiteRuleName


class ExitMultiple(Finite):
    """The company's value at exit as a multiple of its peak net revenue: lognormal median and spread."""

    median: float = Field(gt=0, le=MAX_MULTIPLE)
    spread: Spread


class RevenueRow(Sourced):
    """One revenue row: net revenue at maturity for a kind of requester (lognormal), ramp, margin and exit."""

    id: Identifier
    kind: CommercialKind
    profit_stage: Literal["pre_profit", "profit_generating"] | None = None
    sector_words: tuple[Text, ...] = ()
    median: Revenue
    spread: Spread
    ramp_years: int = Field(ge=1, le=50)
    profit_margin: Share
    nhs_use_share: Share
    exit_multiple: ExitMultiple


class Scenario(Sourced):
    """A revenue scenario: the revenue rows' median multiplied by ``factor``."""

    id: Identifier
    factor: float = Field(gt=0, le=MAX_FACTOR)


class Years(Finite):
    """When a stage happens, in years after the stage it follows: triangular, low, likely and high."""

    low: int = Field(ge=0, le=100)
    likely: int = Field(ge=0, le=100)
    high: int = Field(ge=0, le=100)

    @model_validator(mode="after")
    def _ordered(self) -> Years:
        if not self.low <= self.likely <= self.high:
            raise rule_error("likely", "low <= likely <= high", f"{self.low}, {self.likely}, {self.high}")
        return self


class StageSpec(Sourced):
    """A stage a payment can depend on: the stage it follows, its probability (by kind where given) and when."""

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
    """When the NHS's cost of access falls due and how far it may vary (the amount is the cost table's)."""

    cost_table: Text
    year: int = Field(ge=0, le=100)
    range_factor: tuple[Factor, Factor]

    @model_validator(mode="after")
    def _in_range(self) -> AccessCost:
        _check_range(1.0, self.range_factor, "range_factor")
        return self


class Component(Sourced):
    """One part of the NHS's contribution share: its weight in the value created and the NHS's part of it."""

    id: Identifier
    weight: float = Field(ge=0, le=MAX_WEIGHT)  # only the ratios between weights matter
    nhs: Share | None = None
    nhs_by_curation: dict[CurationLevel, Share] | None = None
    scales_with_data: bool = False  # true: the weight grows with the data's value factor (data_value)

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


class DataValue(Sourced):
    """How the data's size, curation and type move what a product built from it earns (and the weight of the
    components that scale with the data): ``(items / reference_items) ** items_elasticity x (sites /
    reference_sites) ** sites_elasticity``, within ``bounds``, times the curation's and the modality's factors."""

    reference_items: float = Field(gt=0)
    items_elasticity: float = Field(ge=0, le=1)
    reference_sites: float = Field(gt=0)
    sites_elasticity: float = Field(ge=0, le=1)
    bounds: tuple[Annotated[float, Field(gt=0)], Annotated[float, Field(gt=0)]]
    curation: dict[CurationLevel, Annotated[float, Field(gt=0, le=10)]]
    modality: dict[str, Annotated[float, Field(gt=0, le=10)]]

    @model_validator(mode="after")
    def _complete(self) -> DataValue:
        _check_range(1.0, self.bounds, "bounds")
        missing = [c for c in ("raw", "cleaned", "curated", "unstated") if c not in self.curation]
        if missing:
            raise rule_error(
                "curation", "a factor for raw, cleaned, curated and unstated", "none for " + ", ".join(missing)
            )
        wanted = (*DATA_MODALITIES, UNSTATED)
        missing = [m for m in wanted if m not in self.modality]
        unknown = [m for m in self.modality if m not in wanted]
        if missing or unknown:
            raise rule_error(
                "modality",
                "a factor for each value of request.modality: " + ", ".join(wanted),
                ("none for " + ", ".join(missing)) if missing else ("unknown " + ", ".join(unknown)),
            )
        return self


class StageAdjustment(Sourced):
    """A request fact that moves one stage: its probability times ``probability_factor`` (at most 1) and its
    timing ``years_shift`` years later (earlier when negative; never before the stage it follows)."""

    id: Identifier
    when: tuple[Condition, ...] = Field(min_length=1)
    stage: Identifier
    probability_factor: float = Field(default=1.0, ge=0, le=10)
    years_shift: int = Field(default=0, ge=-10, le=10)

    @model_validator(mode="after")
    def _request_facts(self) -> StageAdjustment:
        for condition in self.when:
            if FACTS[condition.fact].subject != "request" or FACTS[condition.fact].read != "field":
                raise rule_error("when", "conditions on the request's own facts (request.*)", condition.fact)
        return self


class Broker(Sourced):
    """The broker's share of the NHS's net value, taken before the sites' split."""

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
    data_value: DataValue | None = None  # absent: the data's size, curation and type move nothing
    stage_adjustments: tuple[StageAdjustment, ...] = ()
    # optional: negotiating an offer (the partner's alternative by kind, the counter-offer's steps)
    partner_alternatives: tuple[PartnerAlternative, ...] = ()
    negotiation_steps: Steps | None = None

    def stage_ids(self) -> tuple[str, ...]:
        """The stages' ids, in file order."""
        return tuple(s.id for s in self.stages)

    def scenario(self, scenario_id: str) -> Scenario:
        """The revenue scenario of this id; a ParameterError naming the ids if there is none."""
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
    for index, adjustment in enumerate(spec.stage_adjustments):
        if adjustment.stage not in ids:
            problems.append(
                Problem(
                    FILE_NAME,
                    f"stage_adjustments[{index}] ({adjustment.id})",
                    "stage",
                    "the id of a stage: " + ", ".join(ids),
                    repr(adjustment.stage),
                )
            )
    for dupe in duplicated(a.id for a in spec.stage_adjustments):
        problems.append(Problem(FILE_NAME, f"stage_adjustments ({dupe})", "id", "each id once", "a duplicate"))
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
    if spec.in_kind_year.value > MAX_HORIZON:
        problems.append(
            Problem(
                FILE_NAME,
                "in_kind_year",
                "value",
                f"a year from signing, from 0 to {MAX_HORIZON}",
                str(spec.in_kind_year.value),
            )
        )
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


def data_factor(spec: ValuationSpec, request: Request, items: float) -> float:
    """How much the request's data moves the product's revenue (``data_value``; 1 where the file has none):
    its size (``items`` in all, over its sites), its curation and its modality."""
    value = spec.data_value
    if value is None:
        return 1.0
    size = (max(items, 1.0) / value.reference_items) ** value.items_elasticity * (
        request.sites.count / value.reference_sites
    ) ** value.sites_elasticity
    low, high = value.bounds
    return min(max(size, low), high) * value.curation[request.curation] * value.modality[request.modality]


def contribution_share(spec: ValuationSpec, request: Request, factor: float = 1.0) -> float:
    """The NHS's contribution share: sum(weight x NHS part) / sum(weight), by the request's curation; the
    weight of a component that scales with the data is multiplied by the data's ``factor``
    (:func:`data_factor`)."""
    weights = [c.weight * (factor if c.scales_with_data else 1.0) for c in spec.contribution]
    total = sum(weights)
    return sum(w * c.share(request.curation) for w, c in zip(weights, spec.contribution)) / total


def stage_adjustments_for(spec: ValuationSpec, facts: Mapping[str, object] | None) -> tuple[StageAdjustment, ...]:
    """The stage adjustments whose conditions all hold for the request's facts (none without facts)."""
    if not facts:
        return ()
    from .conditions import all_hold

    return tuple(adj for adj in spec.stage_adjustments if all_hold(adj.when, facts))


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
    facts: Mapping[str, object] | None = None,
    revenue_factor: float = 1.0,
) -> Assumptions:
    """The model inputs for one requester: its revenue row, its stage probabilities, the given cost.

    ``overrides`` move one assumption for the tornado chart: ``revenue`` (a factor on the
    median), ``probability:<stage>``, ``profit_margin``, ``nhs_use_share``, ``exit_multiple``
    (factors), ``access_cost`` (a factor). ``facts``: the request's facts, for the stage adjustments
    that apply to it; ``revenue_factor``: the data's factor on the revenue median (:func:`data_factor`).
    """
    from ..maths.expectation import Assumptions, Market, Stage  # the model's inputs: only when terms are priced

    overrides = dict(overrides or {})
    rate = spec.discount_rate.value if discount_rate is None else _finite(discount_rate, "discount_rate")
    years = spec.horizon.value if horizon is None else horizon
    if isinstance(years, bool) or not isinstance(years, int) or years < 1:
        raise ParameterError("horizon", "a whole number of years >= 1", years)
    moved = stage_adjustments_for(spec, facts)
    stages = []
    for s in spec.stages:
        p = s.probability_by_kind.get(requester.kind, s.probability)
        shift = 0
        for adj in moved:
            if adj.stage == s.id:
                p *= adj.probability_factor
                shift += adj.years_shift
        p = min(1.0, p * overrides.get(f"probability:{s.id}", 1.0))
        low, likely, high = (max(0, y + shift) for y in (s.years.low, s.years.likely, s.years.high))
        stages.append(Stage(s.id, s.after, p, (low, likely, high)))
    row = revenue_row(spec, requester)
    factor = spec.scenario(scenario).factor * overrides.get("revenue", 1.0) * _finite(revenue_factor, "revenue_factor")
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
