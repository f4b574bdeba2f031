"""Facts in data (``facts.yaml``): facts worked out from other facts by rules (a requester's maturity), and the
report's questions a request answers (the data's type, the stage of AI development, the healthcare challenge,
the population and the time horizon of the return).

Each derived fact of the registry (:data:`imaging_value.model.schema.FACTS`, ``read="rule"``) has one entry
under ``derived``: rules tried in order, the first whose conditions all hold giving the value, the last
with no conditions so that every case gets one. :func:`imaging_value.model.conditions.facts_for` applies them.
Each question fact (:data:`imaging_value.model.schema.QUESTION_FIELDS`) has one entry under ``questions``:
the question, the report's words behind it (word for word) and their section, what each of its values
means, how the workbook uses it, and the source.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from pydantic import Field, model_validator

from ..core.errors import Problem
from .schema import (
    DERIVED_FACTS,
    FACTS,
    QUESTION_FIELDS,
    UNSTATED,
    Condition,
    Record,
    Text,
    condition_problem,
    rule_error,
)
from .terms_schema import Source

__all__ = ["FactRule", "DerivedFact", "QuestionFact", "FACTS_FILE", "load_derived_facts", "load_questions"]
QUESTION_FACTS = tuple(f"request.{field}" for field in QUESTION_FIELDS)

FACTS_FILE = "facts.yaml"


class FactRule(Record):
    """One rule: the fact takes ``value`` when every condition of ``when`` holds (no conditions: always)."""

    value: Text
    when: tuple[Condition, ...] = ()
    rationale: Text
    source: Source


class DerivedFact(Record):
    """A fact worked out by rules from the request's and requester's own facts."""

    fact: Text
    rules: tuple[FactRule, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _complete_and_in_vocabulary(self) -> DerivedFact:
        if self.fact not in DERIVED_FACTS:
            raise rule_error("fact", "a fact worked out by rules: " + ", ".join(DERIVED_FACTS), repr(self.fact))
        for index, rule in enumerate(self.rules):
            problem = condition_problem(self.fact, "eq", rule.value)
            if problem is not None:
                raise rule_error(
                    f"rules[{index}].value",
                    "values of " + self.fact + ": " + ", ".join(FACTS[self.fact].values or ()),
                    repr(rule.value),
                )
            for condition in rule.when:
                if FACTS[condition.fact].subject == "option" or condition.fact in DERIVED_FACTS:
                    raise rule_error(
                        f"rules[{index}].when",
                        "conditions on the request's or requester's own facts (not an option's, nor a derived fact)",
                        condition.fact,
                    )
        if self.rules[-1].when:
            raise rule_error(
                "rules",
                "a last rule with no conditions (so every case has a value)",
                f"{len(self.rules[-1].when)} condition(s) on the last rule",
            )
        return self


class QuestionFact(Record):
    """A question of the report a request answers: a fact of the request, each of its values explained."""

    fact: Text
    question: Text  # the question as a request answers it
    quote: Text  # the report's words behind it, word for word
    section: Text  # the report's section they come from
    values: dict[str, Text]  # every value of the fact (unstated included) -> what it means
    rationale: Text  # how the workbook uses the fact
    source: Source

    @model_validator(mode="after")
    def _every_value(self) -> QuestionFact:
        if self.fact not in QUESTION_FACTS:
            raise rule_error("fact", "a question fact: " + ", ".join(QUESTION_FACTS), repr(self.fact))
        vocabulary = FACTS[self.fact].values or ()
        missing = [v for v in vocabulary if v not in self.values]
        unknown = [v for v in self.values if v not in vocabulary]
        if missing or unknown:
            raise rule_error(
                "values",
                "a meaning for each value of " + self.fact + ": " + ", ".join(vocabulary),
                "; ".join(
                    part
                    for part in (
                        "none for " + ", ".join(missing) if missing else "",
                        "unknown " + ", ".join(unknown) if unknown else "",
                    )
                    if part
                ),
            )
        if UNSTATED not in self.values:  # pragma: no cover - unstated is in every question fact's vocabulary
            raise rule_error("values", "a meaning for unstated", "none")
        return self


def _one_each(key: str, what: str, entries: Sequence[Any], required: Iterable[str], problems: list[Problem]) -> bool:
    """Whether ``facts.yaml``'s ``key`` list names each required fact exactly once (every breach recorded)."""
    named = [entry.fact for entry in entries]
    ok = True
    for index, fact in enumerate(named):
        if fact in named[:index]:
            problems.append(Problem(FACTS_FILE, f"{key}[{index}]", "fact", f"each {what} once", f"{fact} again"))
            ok = False
    for fact in required:
        if fact not in named:
            problems.append(Problem(FACTS_FILE, key, "fact", f"an entry for {fact}", "none"))
            ok = False
    return ok


def load_questions(
    root: Path, problems: list[Problem], *, read_list: Callable[..., Any]
) -> tuple[QuestionFact, ...] | None:
    """The question facts of ``facts.yaml``: exactly one entry for each of the report's question facts."""
    questions = read_list(root / FACTS_FILE, "questions", QuestionFact, problems)
    if questions is None:
        return None
    return tuple(questions) if _one_each("questions", "question fact", questions, QUESTION_FACTS, problems) else None


def load_derived_facts(
    root: Path, problems: list[Problem], *, read_list: Callable[..., Any]
) -> tuple[DerivedFact, ...] | None:
    """The derived facts of ``facts.yaml``: exactly one entry for each derived fact of the registry."""
    derived = read_list(root / FACTS_FILE, "derived", DerivedFact, problems)
    if derived is None:
        return None
    return tuple(derived) if _one_each("derived", "derived fact", derived, DERIVED_FACTS, problems) else None
