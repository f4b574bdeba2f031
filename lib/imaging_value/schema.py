"""Typed, frozen records for every data file, validated with pydantic.

These models say what a valid record looks like; :mod:`imaging_value.data`
reads the files, feeds each record through its model and collects every
problem before anything is returned.
"""

from __future__ import annotations

from typing import Annotated, Iterable, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

LEVER_IDS = ("clinical", "social", "economic_development", "environmental", "commercial")
MECHANISMS = (
    "product_access",
    "access_fee",
    "subscription",
    "milestones",
    "royalty",
    "profit_share",
    "equity",
    "golden_share",
    "in_kind",
    "consent_to_commercialise",
)
MODALITIES = ("CT", "MRI", "PET/CT", "X-ray", "Echocardiograms")  # as the report's table spells them
REQUESTER_KINDS = ("university", "charity", "sme", "multinational")
COMMERCIAL_KINDS = ("sme", "multinational")
SITE_KINDS = ("large_trust", "district_general", "academic")
UNSTATED = "unstated"

Identifier = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_\-]*$", max_length=80)]
Text = Annotated[str, Field(min_length=1)]
Mechanism = Literal[MECHANISMS]  # type: ignore[valid-type]
LeverId = Literal[LEVER_IDS]  # type: ignore[valid-type]
Temporality = Literal["retrospective", "prospective", "unstated"]
Curation = Literal["raw", "cleaned", "curated", "unstated"]
RequesterKind = Literal[REQUESTER_KINDS]  # type: ignore[valid-type]
ProfitStage = Literal["pre_profit", "profit_generating", "unstated"]
SiteKind = Literal[SITE_KINDS]  # type: ignore[valid-type]
Modality = Literal[MODALITIES]  # type: ignore[valid-type]
Deidentification = Literal["anonymised", "pseudonymised"]


def duplicated(values: Iterable[str]) -> list[str]:
    """Values that occur more than once, each named once, in order of first repeat."""
    seen: set[str] = set()
    dupes: list[str] = []
    for value in values:
        if value in seen and value not in dupes:
            dupes.append(value)
        seen.add(value)
    return dupes


def rule_error(field: str, expected: str, found: object) -> PydanticCustomError:
    """A cross-field rule broken: names the field, what was expected and what was found."""
    return PydanticCustomError("rule", "{field}: expected {expected}; found {found}",
                               {"field": field, "expected": expected, "found": str(found)})


class Record(BaseModel):
    """Base for every record: immutable, and unknown keys are errors (typos surface)."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


# --- the exemplar projects -------------------------------------------------------------


class Project(Record):
    """One exemplar project from the report's table, with its appendix facts."""

    name: Text
    modalities: tuple[Modality, ...] = Field(min_length=1)
    dataset_size: int | None = Field(ge=1)  # None: unknown (see dataset_size_note); never 0
    dataset_size_note: Literal["", "TBC", "N/A"]
    nhs_partners: int = Field(ge=1)
    appendix_size: str  # size as the appendix prints it ("54,000", "TBC", "0")
    text_modalities: tuple[Modality, ...]
    text_patients: int | None = Field(ge=1)  # patients the appendix text speaks of, where it does
    company: str  # company the appendix names, or empty
    requester_kind: RequesterKind  # our assumption, see requester_assumed
    requester_profit_stage: ProfitStage | None
    requester_assumed: bool  # true: the requester kind is our assumption, not the report's

    @model_validator(mode="after")
    def _size_known_or_explained(self) -> "Project":
        if self.dataset_size is None and not self.dataset_size_note:
            raise rule_error("dataset_size_note", "TBC or N/A where dataset_size is empty", "empty")
        if self.dataset_size is not None and self.dataset_size_note:
            raise rule_error("dataset_size_note", "empty where dataset_size is given", repr(self.dataset_size_note))
        _check_profit_stage(self.requester_kind, self.requester_profit_stage)
        return self


def _check_profit_stage(kind: str, stage: str | None) -> None:
    if kind in COMMERCIAL_KINDS and stage is None:
        raise rule_error("profit_stage", f"pre_profit, profit_generating or unstated for a {kind} requester",
                         "nothing")
    if kind not in COMMERCIAL_KINDS and stage is not None:
        raise rule_error("profit_stage", f"null (empty) for a {kind} requester", repr(stage))


# --- levers, options, scores, profiles -------------------------------------------------


class Lever(Record):
    id: LeverId
    label: Text
    question: Text
    source: Text


class Option(Record):
    """An agreement option: an archetypal agreement made of mechanisms and terms."""

    id: Identifier
    label: Text
    mechanisms: tuple[Mechanism, ...] = Field(min_length=1)
    exclusivity_months: int = Field(ge=0, le=120)
    description: Text
    rationale: Text

    @field_validator("mechanisms")
    @classmethod
    def _unique(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        dupes = duplicated(value)
        if dupes:
            raise rule_error("mechanisms", "each mechanism once", "twice: " + ", ".join(dupes))
        return value


class BaseScore(Record):
    option: Identifier
    lever: LeverId
    score: float = Field(ge=0, le=10)
    rationale: Text


class Condition(Record):
    """A test on one fact: ``{fact, op, value}``."""

    fact: Literal[
        "request.temporality",
        "request.curation",
        "request.sites.count",
        "request.deidentification",
        "requester.kind",
        "requester.profit_stage",
        "requester.sector",
        "option.mechanisms",
        "option.exclusivity_months",
        "option.access_route",
    ]
    op: Literal["in", "not_in", "eq", "gt", "ge", "lt", "le", "has_any", "lacks_all"]
    value: str | float | int | tuple[str, ...]


class Adjustment(Record):
    """A context adjustment to one option's score on one lever, applied when its condition holds."""

    id: Identifier
    fact: Literal[
        "request.temporality",
        "request.curation",
        "request.sites.count",
        "requester.kind",
        "requester.profit_stage",
        "requester.sector",
    ]
    op: Literal["in", "not_in", "eq", "gt", "ge", "lt", "le"]
    value: Text
    option: Identifier
    lever: LeverId
    delta: float = Field(ge=-10, le=10)
    rationale: Text

    def condition(self) -> Condition:
        if self.op in ("in", "not_in"):
            value: object = tuple(v.strip() for v in self.value.split(";") if v.strip())
        elif self.op == "eq":
            value = self.value
        else:
            value = float(self.value)
        return Condition(fact=self.fact, op=self.op, value=value)

    @model_validator(mode="after")
    def _numeric_ops_take_numbers(self) -> "Adjustment":
        if self.op in ("gt", "ge", "lt", "le"):
            try:
                float(self.value)
            except ValueError:
                raise rule_error("value", f"a number for op {self.op!r}", repr(self.value)) from None
        return self


class Profile(Record):
    """A stakeholder weight profile (weights need not sum to 1 in the file)."""

    name: Identifier
    label: Text
    clinical: float = Field(ge=0)
    social: float = Field(ge=0)
    economic_development: float = Field(ge=0)
    environmental: float = Field(ge=0)
    commercial: float = Field(ge=0)
    rationale: Text

    @model_validator(mode="after")
    def _not_all_zero(self) -> "Profile":
        if sum(self.raw_weights().values()) <= 0:
            raise rule_error("weights", "at least one positive lever weight", "all five 0")
        return self

    def raw_weights(self) -> dict[str, float]:
        return {lever: float(getattr(self, lever)) for lever in LEVER_IDS}


# --- decision tree -------------------------------------------------------------------


class Branch(Record):
    when: tuple[Text, ...] = Field(min_length=1)
    next: Identifier | None = None
    option: Identifier | None = None
    rationale: Text

    @model_validator(mode="after")
    def _one_target(self) -> "Branch":
        if (self.next is None) == (self.option is None):
            raise rule_error("next/option", "exactly one of 'next' (a node) or 'option' (an agreement option)",
                             "both" if self.next is not None else "neither")
        return self


class Node(Record):
    id: Identifier
    question: Text
    fact: Literal["request.temporality", "request.curation", "requester.kind", "requester.profit_stage"]
    branches: tuple[Branch, ...] = Field(min_length=1)


class DecisionTreeSpec(Record):
    start: Identifier
    nodes: tuple[Node, ...] = Field(min_length=1)


# --- national guidance -----------------------------------------------------------------


class GuidanceItem(Record):
    id: Identifier
    principle: Text
    source: Text
    check: Literal["automatic", "manual"]
    applies_when: tuple[Condition, ...] = ()
    breaks_when: tuple[Condition, ...] = ()
    reason: Text

    @model_validator(mode="after")
    def _automatic_has_test(self) -> "GuidanceItem":
        if self.check == "automatic" and not self.breaks_when:
            raise rule_error("breaks_when", "at least one condition for an automatic check", "none")
        return self


# --- fairness questions ----------------------------------------------------------------


class FairnessAnswer(Record):
    when: tuple[Text, ...] | None = None  # values of the theme's fact this answer is for; None: the default
    text: Text


class FairnessTheme(Record):
    id: Identifier
    question: Text
    fact: Literal["request.temporality", "request.curation", "requester.kind", "requester.profit_stage",
                  "requester.maturity"] | None = None
    answers: tuple[FairnessAnswer, ...] = Field(min_length=1)


class FairnessRecommendation(Record):
    id: Identifier
    text: Text
    source: Text
    guidance: Identifier | None = None  # checked by this guidance item on the recommended option
    statement: Text | None = None  # or answered by this statement

    @model_validator(mode="after")
    def _one_answer(self) -> "FairnessRecommendation":
        if (self.guidance is None) == (self.statement is None):
            raise rule_error("guidance/statement", "exactly one of 'guidance' (a checklist item id) or 'statement'",
                             "both" if self.guidance is not None else "neither")
        return self


class FairnessSpec(Record):
    themes: tuple[FairnessTheme, ...] = Field(min_length=1)
    recommendations: tuple[FairnessRecommendation, ...] = Field(min_length=1)


# --- value sharing ---------------------------------------------------------------------


class SiteDefault(Record):
    kind: SiteKind
    images: float = Field(ge=0)
    curation_effort: float = Field(gt=0)
    rationale: Text


class PoolingSpec(Record):
    kind: Literal["power", "log", "saturating"]
    exponent: float = Field(gt=0, lt=1)
    scale: float = Field(gt=0)
    rationale: Text
    samples: int = Field(ge=100, le=10_000_000)


# --- requests --------------------------------------------------------------------------


class Requester(Record):
    kind: RequesterKind
    profit_stage: ProfitStage | None = None
    sector: Text = UNSTATED  # descriptive: left out, it is unstated
    staff: Text = UNSTATED
    name: str | None = None

    @model_validator(mode="after")
    def _profit_stage_by_kind(self) -> "Requester":
        _check_profit_stage(self.kind, self.profit_stage)
        return self

    @field_validator("staff", mode="before")
    @classmethod
    def _staff_as_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int) else value

    def summary(self) -> dict[str, str | None]:
        """The requester as the command line and reports show it."""
        return {"kind": self.kind, "profit_stage": self.profit_stage, "sector": self.sector, "name": self.name}

    def label(self) -> str:
        stage = f", {self.profit_stage.replace('_', '-')}" if self.profit_stage else ""
        return self.name or f"{self.kind}{stage} ({self.sector})"


class Contribution(Record):
    site: Text
    kind: SiteKind
    images: float = Field(ge=0)
    curation_effort: float | None = Field(default=None, gt=0)


class Sites(Record):
    count: int = Field(ge=1, le=10_000)
    kinds: tuple[SiteKind, ...] = ()
    contributions: tuple[Contribution, ...] | None = None

    @model_validator(mode="after")
    def _contributions_match(self) -> "Sites":
        if self.contributions is not None:
            if len(self.contributions) != self.count:
                raise rule_error("contributions", f"one entry per site ({self.count}, the count)",
                                 f"{len(self.contributions)} entries")
            dupes = duplicated(c.site for c in self.contributions)
            if dupes:
                raise rule_error("contributions", "each site named once", "twice: " + ", ".join(dupes))
        return self


class Request(Record):
    """A data-access request: what a third party asks for, and who asks."""

    id: Identifier
    title: Text
    temporality: Temporality
    curation: Curation
    deidentification: tuple[Deidentification, ...] | Literal["unstated"]
    data_types: tuple[Text, ...] = Field(min_length=1)
    sites: Sites
    requesters: tuple[Requester, ...] = Field(min_length=1)

    @field_validator("deidentification", mode="before")
    @classmethod
    def _list_or_word(cls, value: object) -> object:
        if isinstance(value, list):
            return tuple(value)
        return value

    def deidentification_text(self) -> str:
        if self.deidentification == UNSTATED:
            return UNSTATED
        return " and ".join(self.deidentification)
