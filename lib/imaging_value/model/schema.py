"""Typed, frozen records for every data file, validated with pydantic.

These models say what a valid record looks like; :mod:`imaging_value.model.data`
reads the files, feeds each record through its model and collects every
problem before anything is returned.
"""

from __future__ import annotations

import re
import string
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from ..core.errors import ParameterError
from ..core.limits import MAX_CURATION_EFFORT, MAX_IMAGES, MAX_SAMPLES, MAX_SCALE, MAX_WEIGHT
from ..core.safetext import brief
from ..core.wording import count_word

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
ACCESS_ROUTES = ("secure_data_environment", "aggregates", "pseudonymised_release", "anonymised_release")
UNSTATED = "unstated"
# The report's questions that were unused before, as request facts (facts.yaml says what each value means and
# where the question comes from). Each is optional in a request file and "unstated" when left out.
DATA_MODALITIES = (*MODALITIES, "multimodal")  # what type of data: one modality, or several
ITEM_KINDS = ("image", "study", "patient")  # what one counted item is
AI_STAGES = ("pilot", "training_validation", "reader_study", "external_testing", "real_world_evaluation")
CHALLENGES = ("unmet_need", "service_pressure", "incremental_improvement")
POPULATIONS = ("deprived", "underserved", "general")
RETURN_HORIZONS = ("near_term", "longer_term")
# the request fields that hold them (each a fact request.<field>), in the order facts.yaml lists them
QUESTION_FIELDS = ("modality", "item_kind", "ai_stage", "challenge", "population", "return_horizon")

Identifier = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_\-]*$", max_length=80)]
Text = Annotated[str, Field(min_length=1)]
if typing.TYPE_CHECKING:
    # Literals of the tuples above: a type checker knows their values only as text;
    # pydantic checks each value against its Literal when a file is read.
    Mechanism = str
    RequesterKind = str
    SiteKind = str
    Modality = str
else:
    Mechanism = Literal[MECHANISMS]
    RequesterKind = Literal[REQUESTER_KINDS]
    SiteKind = Literal[SITE_KINDS]
    Modality = Literal[MODALITIES]
if typing.TYPE_CHECKING:  # the report's other questions: text to a type checker, Literals to pydantic
    DataModality = str
    ItemKind = str
    AiStage = str
    Challenge = str
    Population = str
    ReturnHorizon = str
else:
    DataModality = Literal[(*DATA_MODALITIES, UNSTATED)]
    ItemKind = Literal[(*ITEM_KINDS, UNSTATED)]
    AiStage = Literal[(*AI_STAGES, UNSTATED)]
    Challenge = Literal[(*CHALLENGES, UNSTATED)]
    Population = Literal[(*POPULATIONS, UNSTATED)]
    ReturnHorizon = Literal[(*RETURN_HORIZONS, UNSTATED)]
Temporality = Literal["retrospective", "prospective", "unstated"]
Curation = Literal["raw", "cleaned", "curated", "unstated"]
ProfitStage = Literal["pre_profit", "profit_generating", "unstated"]
Deidentification = Literal["anonymised", "pseudonymised"]
DEIDENTIFICATIONS = typing.get_args(Deidentification)
MATURITIES = ("large", "pre_profit", "profit_generating", "unstated", "non_commercial")


@dataclass(frozen=True)
class Fact:
    """A fact conditions may test. ``values``: its vocabulary (None: free text; empty for a number fact).

    ``read``: how its value is found: ``"field"`` (the request's or requester's field of that name),
    ``"rule"`` (worked out by the rules of facts.yaml), ``"terms"`` (an option's term sheet after the
    term rules) or ``"assumed"`` (which facts the decision tree's outcome assumed, by field name).
    ``branches``: the decision tree may branch on it (and assume a value where it is unstated).
    """

    name: str
    values: tuple[str, ...] | None
    read: Literal["field", "rule", "terms", "assumed"] = "field"
    number: bool = False
    branches: bool = False

    @property
    def subject(self) -> str:
        """Whose fact it is: ``request``, ``requester`` or ``option`` (the name's first part)."""
        return self.name.split(".", 1)[0]


# The one registry of facts: conditions, adjustments, the decision tree, fairness themes, guidance
# reasons, the scenario's widgets and facts.yaml all take their fact names and vocabularies from here.
FACTS: dict[str, Fact] = {
    fact.name: fact
    for fact in (
        Fact("request.temporality", typing.get_args(Temporality), branches=True),
        Fact("request.curation", typing.get_args(Curation), branches=True),
        Fact("request.sites.count", (), number=True),
        Fact(
            "request.deidentification",
            (*DEIDENTIFICATIONS, "anonymised and pseudonymised", "pseudonymised and anonymised", UNSTATED),
        ),
        Fact("requester.kind", REQUESTER_KINDS, branches=True),
        Fact("requester.profit_stage", typing.get_args(ProfitStage), branches=True),
        Fact("requester.sector", None),
        Fact("request.modality", (*DATA_MODALITIES, UNSTATED), branches=True),
        Fact("request.item_kind", (*ITEM_KINDS, UNSTATED), branches=True),
        Fact("request.ai_stage", (*AI_STAGES, UNSTATED), branches=True),
        Fact("request.challenge", (*CHALLENGES, UNSTATED), branches=True),
        Fact("request.population", (*POPULATIONS, UNSTATED), branches=True),
        Fact("request.return_horizon", (*RETURN_HORIZONS, UNSTATED), branches=True),
        Fact("requester.maturity", MATURITIES, read="rule"),
        Fact("option.mechanisms", MECHANISMS, read="terms"),
        Fact("option.exclusivity_months", (), read="terms", number=True),
        Fact("option.access_route", ACCESS_ROUTES, read="terms"),
        Fact("option.access_fee_due", ("signing", "first_revenue", "first_milestone"), read="terms"),
        Fact("option.embargo_months", (), read="terms", number=True),
    )
}
# which facts a decision-tree outcome assumed, by field name (a term rule may test it: an assumed curation is
# still unstated in the request)
FACTS["request.assumed"] = Fact(
    "request.assumed", tuple(f.name.split(".", 1)[1] for f in FACTS.values() if f.branches), read="assumed"
)
# The values each fact that is not a number may take (None: free text). Facts with numbers are listed apart.
FACT_VALUES: dict[str, tuple[str, ...] | None] = {f.name: f.values for f in FACTS.values() if not f.number}
NUMERIC_FACTS = tuple(f.name for f in FACTS.values() if f.number)
NUMERIC_OPS = ("gt", "ge", "lt", "le")
# which facts each kind of condition may test
CASE_FACTS = tuple(f.name for f in FACTS.values() if f.subject != "option")  # request and requester facts
TREE_FACTS = tuple(f.name for f in FACTS.values() if f.branches)  # decision-tree nodes
# fairness themes: a request or requester fact with a closed vocabulary
THEME_FACTS = tuple(f.name for f in FACTS.values() if f.subject != "option" and f.values)
DERIVED_FACTS = tuple(f.name for f in FACTS.values() if f.read == "rule")  # facts.yaml works these out
if typing.TYPE_CHECKING:  # worked out from the registry (as above: text to a type checker, Literals to pydantic)
    FactName = str
    CaseFact = str
    TreeFact = str
    ThemeFact = str
else:
    FactName = Literal[tuple(FACTS)]
    CaseFact = Literal[CASE_FACTS]
    TreeFact = Literal[TREE_FACTS]
    ThemeFact = Literal[THEME_FACTS]

# {placeholders} texts may use: guidance reasons name facts (dots as underscores); fairness answers
# and statements name what the request report computes (data/samples/README.md lists them).
# a guidance item checked on the valuation (check: valuation) may also name the priced share
VALUATION_PLACEHOLDERS = ("valuation_nhs_share", "valuation_contribution_share", "valuation_shortfall")
GUIDANCE_PLACEHOLDERS = tuple(f.replace(".", "_") for f in FACTS) + VALUATION_PLACEHOLDERS
FAIRNESS_PLACEHOLDERS = (
    "recommended",
    "exclusivity_months",
    "embargo_months",
    "outcomes",
    "staff",
    "profile_count",
    "agree_count",
    "consensus",
    "win_win",
    "worst_case",
    "pareto",
    "patients_first",
    "patients_rank_of_recommended",
)


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
    return PydanticCustomError(
        "rule",
        "{field}: expected {expected}; found {found}",
        {"field": field, "expected": expected, "found": str(found)},
    )


def condition_problem(fact: str, op: str, value: object) -> PydanticCustomError | None:
    """Why a condition on ``fact`` can never be right (a value outside the fact's vocabulary, a number
    test on words or words for a number), or None."""
    values = value if isinstance(value, tuple) else (value,)
    if fact in NUMERIC_FACTS:
        for item in values:
            number = item
            if isinstance(item, str):
                try:
                    number = float(item)
                except ValueError:
                    return rule_error("value", f"a number: {fact} is a number", repr(item))
            if (
                isinstance(number, bool)
                or not isinstance(number, (int, float))
                or number != number
                or number in (float("inf"), float("-inf"))
            ):
                return rule_error("value", f"a finite number: {fact} is a number", repr(item))
        return None
    if op in NUMERIC_OPS:
        return rule_error("op", f"in, not_in or eq: {fact} is not a number", repr(op))
    vocabulary = FACT_VALUES.get(fact)
    if vocabulary is None:
        return None
    for item in values:
        if item not in vocabulary:
            return rule_error("value", f"values of {fact}: " + ", ".join(vocabulary), repr(item))
    return None


def placeholder_problem(text: str, known: tuple[str, ...], field: str) -> PydanticCustomError | None:
    """Why ``text``'s {placeholders} cannot all be filled (unknown name, indexing, format spec), or None."""
    allowed = "{name} placeholders naming one of " + ", ".join(known) + " (write {{ and }} for braces)"
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:
        return rule_error(field, allowed, "unbalanced braces")
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if spec or conversion:
            return rule_error(field, allowed, f"a format spec or conversion in {{{name}...}}")
        if name not in known:
            return rule_error(field, allowed, "{" + name + "}")
    return None


def _flat_types(annotation: Any) -> list[Any]:
    args = typing.get_args(annotation) if typing.get_origin(annotation) is not Annotated else ()
    args = args or (annotation,)
    return [typing.get_args(a)[0] if typing.get_origin(a) is Annotated else a for a in args]


class Record(BaseModel):
    """Base for every record: immutable, unknown keys are errors (typos surface), numbers are finite
    and never ``true``/``false`` (YAML's booleans are not counts)."""

    # defer_build: a model's validator is built the first time it validates, so a command pays only
    # for the records it reads (the rules are the same whenever it is built)
    model_config = ConfigDict(
        frozen=True, extra="forbid", str_strip_whitespace=True, allow_inf_nan=False, defer_build=True
    )

    @field_validator("*", mode="before")
    @classmethod
    def _no_booleans_for_numbers(cls, value: object, info: ValidationInfo) -> object:
        if isinstance(value, bool) and info.field_name is not None:
            types = _flat_types(cls.model_fields[info.field_name].annotation)
            if bool not in types and any(t in (int, float) for t in types):
                if str in types:
                    raise PydanticCustomError(
                        "not_boolean",
                        "a number or text, not true or false (in YAML, quote "
                        "'yes', 'no', 'true' or 'false' to mean the word)",
                    )
                raise PydanticCustomError("not_boolean", "a number, not true or false")
        return value


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
    def _size_known_or_explained(self) -> Project:
        if self.dataset_size is None and not self.dataset_size_note:
            raise rule_error("dataset_size_note", "TBC or N/A where dataset_size is empty", "empty")
        if self.dataset_size is not None and self.dataset_size_note:
            raise rule_error("dataset_size_note", "empty where dataset_size is given", repr(self.dataset_size_note))
        _check_profit_stage(self.requester_kind, self.requester_profit_stage)
        return self


def _check_profit_stage(kind: str, stage: str | None) -> None:
    if kind in COMMERCIAL_KINDS and stage is None:
        raise rule_error("profit_stage", f"pre_profit, profit_generating or unstated for a {kind} requester", "nothing")
    if kind not in COMMERCIAL_KINDS and stage is not None:
        raise rule_error("profit_stage", f"null (empty) for a {kind} requester", repr(stage))


# --- levers, options, scores, profiles -------------------------------------------------


class Lever(Record):
    """A value lever; levers.yaml lists them in the order reports show them."""

    id: Identifier
    label: Text
    colour: str  # presentation only: the lever's colour in charts, "#rrggbb"
    question: Text
    source: Text

    @field_validator("colour")
    @classmethod
    def _hex_colour(cls, value: str) -> str:
        if not re.fullmatch(r"#[0-9a-fA-F]{6}", value):
            raise PydanticCustomError("hex_colour", "a hex colour such as #1b6ca8 (# and six hex digits)")
        return value


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
    """One cell of base_scores.csv: an option's score (0 to 10) on one lever, and why."""

    option: Identifier
    lever: Identifier  # a lever of levers.yaml (checked by the loader)
    score: float = Field(ge=0, le=10)
    rationale: Text


class Condition(Record):
    """A test on one fact: ``{fact, op, value}``."""

    fact: FactName
    op: Literal["in", "not_in", "eq", "gt", "ge", "lt", "le", "has_any", "lacks_all"]
    value: str | float | int | tuple[str, ...]

    @model_validator(mode="after")
    def _value_in_vocabulary(self) -> Condition:
        problem = condition_problem(self.fact, self.op, self.value)
        if problem is not None:
            raise problem
        return self


class Adjustment(Record):
    """A context adjustment to one option's score on one lever, applied when its condition holds."""

    id: Identifier
    fact: CaseFact
    op: Literal["in", "not_in", "eq", "gt", "ge", "lt", "le"]
    value: Text
    option: Identifier
    lever: Identifier  # a lever of levers.yaml (checked by the loader)
    delta: float = Field(ge=-10, le=10)
    rules_out: bool  # true: where it fires, the option does not fit the facts (the agreement to sign is never it)
    rationale: Text

    def condition(self) -> Condition:
        """The adjustment's test as a :class:`Condition` (``in`` and ``not_in`` values split at ``;``)."""
        if self.op in ("in", "not_in"):
            value: str | float | tuple[str, ...] = tuple(v.strip() for v in self.value.split(";") if v.strip())
        elif self.op == "eq":
            value = self.value
        else:
            value = float(self.value)
        # built without validating again: this record's own check (below) is the condition's, on the same values
        return Condition.model_construct(fact=self.fact, op=self.op, value=value)

    @model_validator(mode="after")
    def _numeric_ops_take_numbers(self) -> Adjustment:
        if self.op in NUMERIC_OPS:
            try:
                float(self.value)
            except ValueError:
                raise rule_error("value", f"a number for op {self.op!r}", repr(self.value)) from None
        values = (
            tuple(v.strip() for v in self.value.split(";") if v.strip()) if self.op in ("in", "not_in") else self.value
        )
        problem = condition_problem(self.fact, self.op, values)
        if problem is not None:
            raise problem
        return self


class WeightAdjustment(Record):
    """A request fact that moves a lever's priority in one stakeholder view: when ``fact op value`` holds, the
    profile's weight on ``lever`` is multiplied by ``factor`` before the weights are normalised."""

    id: Identifier
    fact: CaseFact
    op: Literal["in", "not_in", "eq"]
    value: Text
    profile: Identifier  # a profile of profiles.csv (checked by the loader)
    lever: Identifier  # a lever of levers.yaml (checked by the loader)
    factor: float = Field(ge=0, le=100)
    rationale: Text
    source: Text

    def condition(self) -> Condition:
        """The rule as a condition on the request's facts (a list value for the set operators)."""
        value: str | tuple[str, ...] = (
            tuple(v.strip() for v in self.value.split(";") if v.strip()) if self.op != "eq" else self.value
        )
        return Condition.model_construct(fact=self.fact, op=self.op, value=value)

    @model_validator(mode="after")
    def _request_fact_in_vocabulary(self) -> WeightAdjustment:
        if not self.fact.startswith("request."):
            raise rule_error(
                "fact", "a request fact (request.*): a view's weights are the same for every requester", self.fact
            )
        values = tuple(v.strip() for v in self.value.split(";") if v.strip()) if self.op != "eq" else self.value
        problem = condition_problem(self.fact, self.op, values)
        if problem is not None:
            raise problem
        return self


class Profile(Record):
    """A stakeholder weight profile: lever id -> weight, in levers.yaml order (weights need not sum to 1
    in the file; the loader checks the levers against levers.yaml)."""

    name: Identifier
    label: Text
    weights: dict[str, Annotated[float, Field(ge=0, le=MAX_WEIGHT)]] = Field(min_length=1)
    rationale: Text

    @model_validator(mode="after")
    def _not_all_zero(self) -> Profile:
        if sum(self.weights.values()) <= 0:
            raise rule_error("weights", "at least one positive lever weight", f"all {count_word(len(self.weights))} 0")
        return self

    def raw_weights(self) -> dict[str, float]:
        """The profile's weights as written (not normalised), lever by lever."""
        return {lever: float(weight) for lever, weight in self.weights.items()}


# --- decision tree -------------------------------------------------------------------


class Branch(Record):
    """One branch of a decision-tree node: the values it takes, and the next node or the option it leads to."""

    when: tuple[Text, ...] = Field(min_length=1)
    next: Identifier | None = None
    option: Identifier | None = None
    rationale: Text

    @model_validator(mode="after")
    def _one_target(self) -> Branch:
        if (self.next is None) == (self.option is None):
            raise rule_error(
                "next/option",
                "exactly one of 'next' (a node) or 'option' (an agreement option)",
                "both" if self.next is not None else "neither",
            )
        return self


class Node(Record):
    """One node of the decision tree: a question about one fact, and its branches."""

    id: Identifier
    question: Text
    fact: TreeFact
    branches: tuple[Branch, ...] = Field(min_length=1)


class DecisionTreeSpec(Record):
    """Everything in decision_tree.yaml: the node to start at and the nodes."""

    start: Identifier
    nodes: tuple[Node, ...] = Field(min_length=1)


# --- national guidance -----------------------------------------------------------------


class GuidanceItem(Record):
    """A national principle checked on every option's terms: ``automatic`` (its ``breaks_when`` conditions on the
    terms), ``valuation`` (the priced NHS share of the value created against the contribution share, within
    ``standard_errors`` of its Monte Carlo error) or ``manual`` (a question to confirm)."""

    id: Identifier
    principle: Text
    source: Text
    check: Literal["automatic", "valuation", "manual"]
    applies_when: tuple[Condition, ...] = ()
    breaks_when: tuple[Condition, ...] = ()
    standard_errors: float = Field(default=2.0, ge=0, le=10)  # check: valuation: the tolerance, in standard errors
    reason: Text

    @model_validator(mode="after")
    def _automatic_has_test(self) -> GuidanceItem:
        if self.check == "automatic" and not self.breaks_when:
            raise rule_error("breaks_when", "at least one condition for an automatic check", "none")
        if self.check == "valuation" and self.breaks_when:
            raise rule_error("breaks_when", "no conditions for a check on the valuation (it is priced)", "conditions")
        problem = placeholder_problem(self.reason, GUIDANCE_PLACEHOLDERS, "reason")
        if problem is not None:
            raise problem
        return self


# --- fairness questions ----------------------------------------------------------------


class FairnessAnswer(Record):
    """One answer of a fairness theme: the values of the theme's fact it is for, its text, and what it rules out:
    ``forbids`` lists sets of conditions (on the option's terms after the rules, and on the request's and
    requester's facts); an agreement to sign for which every condition of one set holds contradicts the answer."""

    when: tuple[Text, ...] | None = None  # values of the theme's fact this answer is for; None: the default
    text: Text
    forbids: tuple[tuple[Condition, ...], ...] = ()

    @model_validator(mode="after")
    def _known_placeholders(self) -> FairnessAnswer:
        problem = placeholder_problem(self.text, FAIRNESS_PLACEHOLDERS, "text")
        if problem is not None:
            raise problem
        return self


class FairnessTheme(Record):
    """A theme the report's interviews raised: its question (the report's words, from ``section``), the fact whose
    value chooses the answer, and the answers."""

    id: Identifier
    question: Text
    section: Text | None = None  # the report's section the question comes from, word for word
    fact: ThemeFact | None = None
    answers: tuple[FairnessAnswer, ...] = Field(min_length=1)

    def answer(self, facts: Mapping[str, Any]) -> FairnessAnswer | None:
        """The answer for the facts: the first whose ``when`` lists the fact's value, else the default."""
        value = facts.get(self.fact) if self.fact else None
        return next((a for a in self.answers if a.when is not None and value in a.when), None) or next(
            (a for a in self.answers if a.when is None), None
        )

    @model_validator(mode="after")
    def _answers_for_values_of_the_fact(self) -> FairnessTheme:
        for answer in self.answers:
            if answer.when is None:
                continue
            if self.fact is None:
                raise rule_error("answers", "no 'when' in answers of a theme without a fact", ", ".join(answer.when))
            for value in answer.when:
                problem = condition_problem(self.fact, "in", value)
                if problem is not None:
                    raise rule_error(
                        "answers",
                        "when: values of " + self.fact + ": " + ", ".join(FACT_VALUES[self.fact] or ()),
                        repr(value),
                    )
        return self


class FairnessRecommendation(Record):
    """One fairness recommendation, checked by a guidance item on the recommended option or answered by a statement."""

    id: Identifier
    text: Text
    source: Text
    guidance: Identifier | None = None  # checked by this guidance item on the recommended option
    statement: Text | None = None  # or answered by this statement

    @model_validator(mode="after")
    def _one_answer(self) -> FairnessRecommendation:
        if (self.guidance is None) == (self.statement is None):
            raise rule_error(
                "guidance/statement",
                "exactly one of 'guidance' (a checklist item id) or 'statement'",
                "both" if self.guidance is not None else "neither",
            )
        problem = placeholder_problem(self.statement or "", FAIRNESS_PLACEHOLDERS, "statement")
        if problem is not None:
            raise problem
        return self


class FairnessSpec(Record):
    """Everything in fairness.yaml: the themes and the recommendations."""

    themes: tuple[FairnessTheme, ...] = Field(min_length=1)
    recommendations: tuple[FairnessRecommendation, ...] = Field(min_length=1)


# --- value sharing ---------------------------------------------------------------------


class SiteDefault(Record):
    """One row of site_defaults.csv: what a site of this kind is assumed to contribute (images, curation effort)."""

    kind: SiteKind
    images: float = Field(ge=0, le=MAX_IMAGES)
    curation_effort: float = Field(gt=0, le=MAX_CURATION_EFFORT)
    rationale: Text


class PoolingSpec(Record):
    """Everything in pooling.yaml: the worth curve of pooled images for the Shapley value, and its samples."""

    kind: Literal["power", "log", "saturating"]
    exponent: float = Field(gt=0, lt=1)
    scale: float = Field(gt=0, le=MAX_SCALE)
    rationale: Text
    samples: int = Field(ge=100, le=MAX_SAMPLES)


# --- requests --------------------------------------------------------------------------


class Requester(Record):
    """One requester of a request: its kind, profit stage, sector, staff and name."""

    kind: RequesterKind
    profit_stage: ProfitStage | None = None
    sector: Text = UNSTATED  # descriptive: left out, it is unstated
    staff: Text = UNSTATED
    name: str | None = None

    @model_validator(mode="after")
    def _profit_stage_by_kind(self) -> Requester:
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
        """The requester in words: its name, else kind, profit stage and sector."""
        stage = f", {self.profit_stage.replace('_', '-')}" if self.profit_stage else ""
        return self.name or f"{self.kind}{stage} ({self.sector})"


class Contribution(Record):
    """One site's contribution to a request: its kind, images and curation effort (default: its kind's)."""

    site: Text
    kind: SiteKind
    images: float = Field(ge=0, le=MAX_IMAGES)
    curation_effort: float | None = Field(default=None, gt=0, le=MAX_CURATION_EFFORT)


class Sites(Record):
    """A request's sites: how many, their kinds, and optionally what each contributes."""

    count: int = Field(ge=1, le=10_000)
    kinds: tuple[SiteKind, ...] = ()
    contributions: tuple[Contribution, ...] | None = None

    @model_validator(mode="after")
    def _contributions_match(self) -> Sites:
        if self.contributions is not None:
            if len(self.contributions) != self.count:
                raise rule_error(
                    "contributions",
                    f"one entry per site ({self.count}, the count)",
                    f"{len(self.contributions)} entries",
                )
            dupes = duplicated(c.site for c in self.contributions)
            if dupes:
                raise rule_error("contributions", "each site named once", "twice: " + ", ".join(dupes))
            if self.kinds:
                given = {c.kind for c in self.contributions}
                absent = [kind for kind in self.kinds if kind not in given]
                if absent:
                    raise rule_error(
                        "kinds",
                        "only kinds that some site in contributions has (" + ", ".join(sorted(given)) + ")",
                        ", ".join(absent),
                    )
                missing = sorted(given - set(self.kinds))
                if missing:
                    raise rule_error("kinds", "every kind a site in contributions has", "no " + ", ".join(missing))
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
    # the report's other questions (facts.yaml), each "unstated" when a request file leaves it out
    modality: DataModality = UNSTATED  # what type of data: CT, MRI, PET/CT, X-ray, Echocardiograms or multimodal
    item_kind: ItemKind = UNSTATED  # what one counted item is: image, study or patient
    items: int | None = Field(default=None, ge=1, le=MAX_IMAGES)  # how many items in all (else from the sites)
    ai_stage: AiStage = UNSTATED  # the stage of AI development the data is for
    challenge: Challenge = UNSTATED  # the healthcare challenge the work responds to
    population: Population = UNSTATED  # the population it affects
    return_horizon: ReturnHorizon = UNSTATED  # when a commercial return can come: near or longer term

    @model_validator(mode="after")
    def _items_once(self) -> Request:
        if self.items is not None and self.sites.contributions is not None:
            given = sum(c.images for c in self.sites.contributions)
            if abs(given - self.items) > 0.5:
                raise rule_error(
                    "items",
                    f"no items where sites.contributions give each site's ({given:g} in all), or that number",
                    self.items,
                )
        return self

    @field_validator("deidentification", mode="before")
    @classmethod
    def _list_or_word(cls, value: object) -> object:
        allowed = typing.get_args(Deidentification)
        how = "a list of " + " and/or ".join(allowed) + " such as [pseudonymised], or the word unstated"
        if value == UNSTATED:
            return value
        if isinstance(value, str) and value in allowed:
            raise PydanticCustomError("choice", f"{how} (write [{value}], in brackets)")
        if not isinstance(value, (list, tuple)):
            raise PydanticCustomError("choice", how)
        if not value:
            raise PydanticCustomError("choice", f"{how}; an empty list says nothing")
        for item in value:
            if item not in allowed:
                raise PydanticCustomError("choice", f"{how}; {brief(item)} is not one of them")
        dupes = duplicated(value)
        if dupes:
            raise PydanticCustomError("choice", f"{how}, each once")
        return tuple(value)

    def deidentification_text(self) -> str:
        """The deidentification in words (``pseudonymised and anonymised``, or ``unstated``)."""
        if self.deidentification == UNSTATED:
            return UNSTATED
        return " and ".join(self.deidentification)

    def requester_indices(self, requester: int | None = None) -> tuple[int, ...]:
        """Every requester's position, or just the one asked for (which must exist: see :meth:`requester`)."""
        if requester is None:
            return tuple(range(len(self.requesters)))
        self.requester(requester)
        return (requester,)

    def requester(self, index: int) -> Requester:
        """The requester at ``index``, counted from 0; :class:`ParameterError` naming the positions there are."""
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(self.requesters):
            raise ParameterError(
                "requester",
                f"a position from 0 to {len(self.requesters) - 1} (the requesters of {self.id}, counted from 0)",
                index,
            )
        return self.requesters[index]
