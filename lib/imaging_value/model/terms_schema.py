"""The agreement's data files: term templates, the cost table, term rules and the reconciliation rule.

``terms.yaml``, ``costs.csv``, ``term_rules.yaml`` and ``reconciliation.yaml``
are read by :func:`imaging_value.model.data.load_dataset` through :func:`load_agreement`,
which validates each record and cross-checks them against the options and
against each other, adding every problem to the loader's list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field, model_validator

from ..core.errors import Problem
from ..core.limits import MAX_AMOUNT, MAX_HORIZON, MAX_MONTHS, MAX_PERCENT
from .schema import ACCESS_ROUTES, FACTS, Condition, Identifier, Option, Record, Text, duplicated, rule_error

__all__ = [
    "TERM_UNITS",
    "UNIT_BOUNDS",
    "TEXT_CHOICES",
    "SOURCES",
    "COST_RECOVERY",
    "PROPORTIONATE",
    "AgreementData",
    "TermSpec",
    "TermTemplate",
    "CostRow",
    "CostFactor",
    "COST_FACTOR_FACTS",
    "TermRule",
    "TermAction",
    "ReconciliationSpec",
    "unit_of",
    "load_agreement",
    "AGREEMENT_FILES",
]

AGREEMENT_FILES = ("terms.yaml", "costs.csv", "cost_factors.csv", "term_rules.yaml", "reconciliation.yaml")
COST_FACTOR_FACTS = ("request.modality", "request.item_kind")  # what scales the per-item cost of access

# The term vocabulary: id -> unit. "milestone:<event>" and "in_kind:<service>" take their event or
# service from terms.yaml. A term whose unit is "text" holds words, every other term a number.
TERM_UNITS: dict[str, str] = {
    "access_fee": "GBP",
    "access_fee_due": "text",
    "subscription": "GBP/year",
    "subscription_years": "years",
    "milestone": "GBP",
    "royalty": "% of net revenue",
    "royalty_cap": "GBP",
    "profit_share": "% of profit",
    "equity": "% stake",
    "golden_share": "text",
    "in_kind": "GBP",
    "product_access_discount": "%",
    "product_access_months": "months",
    "embargo_months": "months",
    "exclusivity_months": "months",
    "exclusivity_field": "text",
    "ip_background": "text",
    "ip_foreground": "text",
    "consent_to_commercialise": "text",
    "access_route": "text",
}
TEXT_CHOICES: dict[str, tuple[str, ...]] = {
    "access_fee_due": ("signing", "first_revenue", "first_milestone"),
    "access_route": ACCESS_ROUTES,
}
SOURCES = ("the report", "DHSC 2019", "NHS England 2023", "NHS England 2023 guide", "this framework's reading")
COST_RECOVERY = "cost_recovery"  # the value of an access_fee priced from costs.csv
PROPORTIONATE = "proportionate"  # the value of a royalty priced at the NHS's contribution share of the profit

# the largest value of a number in each unit (core.limits gives each bound's reason): a value, a range's
# ends and a rule's value beyond it are errors, so no typo overflows a valuation or reaches the screen
UNIT_BOUNDS: dict[str, float] = {
    "GBP": MAX_AMOUNT,
    "GBP/year": MAX_AMOUNT,
    "years": MAX_HORIZON,
    "months": MAX_MONTHS,
    "% of net revenue": MAX_PERCENT,
    "% of profit": MAX_PERCENT,
    "% stake": MAX_PERCENT,
    "%": MAX_PERCENT,
}

if TYPE_CHECKING:  # a type checker knows the sources only as text; pydantic checks each against the Literal
    Source = str
else:
    Source = Literal[SOURCES]
TermValue = int | float | str


def unit_of(term: str) -> str | None:
    """The unit of a term id, or None for an id outside the vocabulary."""
    return TERM_UNITS.get(term.split(":", 1)[0] if ":" in term else term)


def _value_problem(term: str, value: TermValue) -> str | None:
    """What is wrong with a value for a term (None: nothing)."""
    unit = unit_of(term)
    if unit is None:
        return None  # reported as an unknown term
    if term == "access_fee" and value == COST_RECOVERY or term == "royalty" and value == PROPORTIONATE:
        return None
    if unit == "text":
        if not isinstance(value, str):
            return f"text for {term}"
        choices = TEXT_CHOICES.get(term)
        if choices and value not in choices:
            return f"one of {', '.join(choices)} for {term}"
        return None
    bound = UNIT_BOUNDS[unit]
    if isinstance(value, str) or isinstance(value, bool) or not 0 <= value <= bound:
        extra = {"access_fee": " or cost_recovery", "royalty": " or proportionate"}.get(term, "")
        return f"a number from 0 to {bound:,.0f} ({unit}) for {term}" + extra
    return None


def _check_term(term: str, value: TermValue) -> None:
    if unit_of(term) is None or term in ("milestone", "in_kind"):
        raise rule_error(
            "term", "a term id from the vocabulary (access_fee, royalty, milestone:<event>, ...)", repr(term)
        )
    problem = _value_problem(term, value)
    if problem:
        raise rule_error("value", problem, repr(value))


class TermSpec(Record):
    """One term of a template: its default value, allowed range, rationale and source."""

    term: Text
    value: TermValue
    min: float | None = None
    max: float | None = None
    rationale: Text
    source: Source

    @model_validator(mode="after")
    def _valid(self) -> TermSpec:
        _check_term(self.term, self.value)
        unit = unit_of(self.term)
        if (self.min is not None or self.max is not None) and unit == "text":
            raise rule_error("min/max", f"no range for the text term {self.term}", f"{self.min}..{self.max}")
        bound = UNIT_BOUNDS.get(unit or "")
        for end in ("min", "max"):
            given = getattr(self, end)
            if bound is not None and given is not None and not 0 <= given <= bound:
                raise rule_error(end, f"a number from 0 to {bound:,.0f} ({unit}) for {self.term}", given)
        if isinstance(self.value, (int, float)):
            if self.min is not None and self.value < self.min or self.max is not None and self.value > self.max:
                raise rule_error("value", f"a value within [{self.min}, {self.max}]", self.value)
        return self


class MilestoneEvent(Record):
    """A milestone event of terms.yaml, which a ``milestone:<event>`` term pays on."""

    id: Identifier
    label: Text
    after_revenue: bool  # true: the event can only happen once the requester earns revenue
    rationale: Text
    source: Source


class InKindService(Record):
    """An in-kind service of terms.yaml, which an ``in_kind:<service>`` term delivers."""

    id: Identifier
    label: Text
    rationale: Text
    source: Source


class TermTemplate(Record):
    """One option's term template in terms.yaml: its terms before the term rules run."""

    option: Identifier
    terms: tuple[TermSpec, ...] = Field(min_length=1)


class TermsFile(Record):
    """Everything in terms.yaml: the milestone events, the in-kind services and each option's term template."""

    milestone_events: tuple[MilestoneEvent, ...] = Field(min_length=1)
    in_kind_services: tuple[InKindService, ...] = Field(min_length=1)
    templates: tuple[TermTemplate, ...] = Field(min_length=1)


class CostRow(Record):
    """Cost of providing access for one curation level: per site and per 1,000 items."""

    curation: Literal["raw", "cleaned", "curated", "unstated"]
    per_site: float = Field(ge=0, le=MAX_AMOUNT)
    per_1000_items: float = Field(ge=0, le=MAX_AMOUNT)
    rationale: Text
    source: Source


class CostFactor(Record):
    """What one value of a data-type fact does to the per-item cost of access: the per-1,000-items price times
    ``factor``."""

    fact: Literal["request.modality", "request.item_kind"]
    value: Text
    factor: float = Field(gt=0, le=10)
    rationale: Text
    source: Source

    @model_validator(mode="after")
    def _a_value_of_the_fact(self) -> CostFactor:
        vocabulary = FACTS[self.fact].values or ()
        if self.value not in vocabulary:
            raise rule_error("value", f"a value of {self.fact}: " + ", ".join(vocabulary), repr(self.value))
        return self


class TermAction(Record):
    """One action of a term rule: set, ensure, replace or remove a term."""

    do: Literal["set", "ensure", "replace", "remove"]
    term: Text
    value: TermValue | None = None

    @model_validator(mode="after")
    def _valid(self) -> TermAction:
        if self.do == "remove":
            if self.value is not None:
                raise rule_error("value", "no value for remove", repr(self.value))
            if unit_of(self.term) is None:
                raise rule_error("term", "a term id from the vocabulary", repr(self.term))
            return self
        if self.value is None:
            raise rule_error("value", f"a value for {self.do}", "nothing")
        _check_term(self.term, self.value)
        return self


class TermRule(Record):
    """One rule of term_rules.yaml: when its conditions all hold, its actions run on every option's terms."""

    id: Identifier
    when: tuple[Condition, ...] = ()
    actions: tuple[TermAction, ...] = Field(min_length=1)
    rationale: Text
    source: Source

    @model_validator(mode="after")
    def _request_facts_only(self) -> TermRule:
        for condition in self.when:
            if FACTS[condition.fact].subject == "option":
                raise rule_error(
                    "when",
                    "conditions on request.* or requester.* facts (a rule makes the option's "
                    "terms, so it cannot test them)",
                    condition.fact,
                )
        return self


class Judgement(Record):
    """One judgement of reconciliation.yaml: its id, rationale and source."""

    id: Identifier
    rationale: Text
    source: Source


class Override(Judgement):
    """A test that sets the tree's option aside: it departs from a principle, lies outside the Pareto set, or
    does not fit the request (``unfit``)."""

    test: Literal["departs", "outside_pareto", "unfit"]


class Replacement(Judgement):
    """How the replacement is chosen: the best by weighted value or worst case among candidates meeting ``require``."""

    rank_by: Literal["weighted_value", "worst_case"]
    require: tuple[Literal["compliant", "fits", "in_pareto"], ...] = ()


class DissentRule(Record):
    """When a stakeholder view dissents: it ranks the chosen option at ``rank_at_or_below`` or lower."""

    rank_at_or_below: int = Field(ge=1)
    rationale: Text
    source: Source


class ReconciliationSpec(Record):
    """Everything in reconciliation.yaml: the default, the overrides, the replacement and when a view dissents."""

    default: Judgement
    overrides: tuple[Override, ...] = ()
    replacement: Replacement
    dissent: DissentRule


@dataclass(frozen=True)
class AgreementData:
    """The agreement's data: term templates by option, events, services, costs, rules, reconciliation."""

    templates: dict[str, tuple[TermSpec, ...]]
    milestone_events: tuple[MilestoneEvent, ...]
    in_kind_services: tuple[InKindService, ...]
    costs: dict[str, CostRow]
    rules: tuple[TermRule, ...]
    reconciliation: ReconciliationSpec
    cost_factors: dict[tuple[str, str], CostFactor] = field(default_factory=dict)  # (fact, value) -> factor

    def cost_factor(self, fact: str, value: str) -> float:
        """The per-item cost factor of a data-type fact's value (1 where cost_factors.csv has no row)."""
        row = self.cost_factors.get((fact, value))
        return 1.0 if row is None else row.factor


Reader = Callable[..., Any]


def load_agreement(
    root: Path,
    problems: list[Problem],
    options: list[Option] | None,
    *,
    read_yaml: Reader,
    read_list: Reader,
    read_csv: Reader,
    validate: Reader,
) -> AgreementData | None:
    """Read and cross-check the agreement's files (readers are the loader's, so errors look the same)."""
    option_ids = [o.id for o in options] if options is not None else None
    raw = read_yaml(root / "terms.yaml", problems)
    terms = None if raw is None else validate(TermsFile, raw, "terms.yaml", "", problems)
    costs = read_csv(root / "costs.csv", CostRow, problems)
    factors = read_csv(root / "cost_factors.csv", CostFactor, problems)
    rules = read_list(root / "term_rules.yaml", "rules", TermRule, problems)
    if rules == []:
        problems.append(Problem("term_rules.yaml", "top level", "rules", "at least one rule", "an empty list"))
    raw = read_yaml(root / "reconciliation.yaml", problems)
    reconciliation = None if raw is None else validate(ReconciliationSpec, raw, "reconciliation.yaml", "", problems)
    before = len(problems)
    if terms is not None:
        _cross_check_terms(terms, option_ids, problems)
        if options is not None:
            _check_exclusivity(terms, options, problems)
    if costs is not None:
        levels = [c.curation for c in costs]
        for level in duplicated(levels):
            problems.append(Problem("costs.csv", f"curation '{level}'", "curation", "one row per level", "two rows"))
        for level in ("raw", "cleaned", "curated", "unstated"):
            if level not in levels:
                problems.append(Problem("costs.csv", "rows", "curation", f"a row for '{level}'", "none"))
    if factors is not None:
        keys: set[tuple[str, str]] = set()
        for row in factors:
            if (row.fact, row.value) in keys:
                where = f"{row.fact} = {row.value}"
                problems.append(Problem("cost_factors.csv", where, "value", "one row per value", "two rows"))
            keys.add((row.fact, row.value))
        for fact in COST_FACTOR_FACTS:
            for value in FACTS[fact].values or ():
                if (fact, value) not in keys:
                    problems.append(Problem("cost_factors.csv", "rows", "value", f"a row for {fact} = {value}", "none"))
    if rules is not None:
        _cross_check_rules(rules, terms, problems)
    if reconciliation is not None:
        for oid in duplicated(o.id for o in reconciliation.overrides):
            problems.append(Problem("reconciliation.yaml", f"override '{oid}'", "id", "unique ids", "a duplicate"))
    if (
        terms is None
        or costs is None
        or factors is None
        or rules is None
        or reconciliation is None
        or len(problems) > before
    ):
        return None
    return AgreementData(
        templates={t.option: t.terms for t in terms.templates},
        milestone_events=terms.milestone_events,
        in_kind_services=terms.in_kind_services,
        costs={c.curation: c for c in costs},
        rules=tuple(rules),
        reconciliation=reconciliation,
        cost_factors={(f.fact, f.value): f for f in factors},
    )


def _known_suffix(term: str, terms: TermsFile) -> bool:
    kind, _, name = term.partition(":")
    if kind == "milestone":
        return name in {e.id for e in terms.milestone_events}
    if kind == "in_kind":
        return name in {s.id for s in terms.in_kind_services}
    return True


def _cross_check_terms(terms: TermsFile, option_ids: list[str] | None, problems: list[Problem]) -> None:
    file = "terms.yaml"
    for eid in duplicated(e.id for e in terms.milestone_events):
        problems.append(Problem(file, f"milestone event '{eid}'", "id", "unique ids", "a duplicate"))
    for sid in duplicated(s.id for s in terms.in_kind_services):
        problems.append(Problem(file, f"in-kind service '{sid}'", "id", "unique ids", "a duplicate"))
    for oid in duplicated(t.option for t in terms.templates):
        problems.append(Problem(file, f"template '{oid}'", "option", "one template per option", "two"))
    for index, template in enumerate(terms.templates):
        where = f"templates[{index}] ({template.option})"
        if option_ids is not None and template.option not in option_ids:
            problems.append(Problem(file, where, "option", "an option id from options.yaml", repr(template.option)))
        for term in duplicated(t.term for t in template.terms):
            problems.append(Problem(file, where, "term", "each term once", f"{term!r} twice"))
        for spec in template.terms:
            if not _known_suffix(spec.term, terms):
                problems.append(
                    Problem(
                        file,
                        where,
                        "term",
                        "a milestone event or in-kind service declared in terms.yaml",
                        repr(spec.term),
                    )
                )
        if "access_fee" in [t.term for t in template.terms] and "access_fee_due" not in [
            t.term for t in template.terms
        ]:
            problems.append(
                Problem(
                    file, where, "access_fee_due", "when the fee is due, wherever there is a fee", "no access_fee_due"
                )
            )
    if option_ids is not None:
        for oid in option_ids:
            if oid not in [t.option for t in terms.templates]:
                problems.append(Problem(file, "templates", "option", f"a template for option '{oid}'", "none"))


def _check_exclusivity(terms: TermsFile, options: list[Option], problems: list[Problem]) -> None:
    """options.yaml's headline exclusivity_months must be the template's (0 where the template has none)."""
    templates = {t.option: t for t in terms.templates}
    for option in options:
        template = templates.get(option.id)
        if template is None:
            continue
        value = next((t.value for t in template.terms if t.term == "exclusivity_months"), 0)
        if value != option.exclusivity_months:
            problems.append(
                Problem(
                    "options.yaml",
                    f"option '{option.id}'",
                    "exclusivity_months",
                    f"{value}, the exclusivity_months of its template in terms.yaml",
                    repr(option.exclusivity_months),
                )
            )


def _cross_check_rules(rules: list[TermRule], terms: TermsFile | None, problems: list[Problem]) -> None:
    file = "term_rules.yaml"
    for rid in duplicated(r.id for r in rules):
        problems.append(Problem(file, f"rule '{rid}'", "id", "unique ids", "a duplicate"))
    if terms is None:
        return
    ranges: dict[str, list[tuple[str, float | None, float | None]]] = {}
    for template in terms.templates:
        for spec in template.terms:
            ranges.setdefault(spec.term, []).append((template.option, spec.min, spec.max))
    for index, rule in enumerate(rules):
        where = f"rules[{index}] ({rule.id})"
        for action in rule.actions:
            if not _known_suffix(action.term, terms):
                problems.append(
                    Problem(
                        file,
                        where,
                        "term",
                        "a milestone event or in-kind service declared in terms.yaml",
                        repr(action.term),
                    )
                )
            if not isinstance(action.value, (int, float)) or isinstance(action.value, bool):
                continue
            for option, low, high in ranges.get(action.term, []):
                if low is not None and action.value < low or high is not None and action.value > high:
                    problems.append(
                        Problem(
                            file,
                            where,
                            action.term,
                            f"a value within {option}'s range [{low}, {high}] in terms.yaml",
                            repr(action.value),
                        )
                    )
