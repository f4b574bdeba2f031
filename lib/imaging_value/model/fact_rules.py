"""Facts worked out from other facts by rules in data (``facts.yaml``), e.g. a requester's maturity.

Each derived fact of the registry (:data:`imaging_value.model.schema.FACTS`, ``read="rule"``) has one entry
in ``facts.yaml``: rules tried in order, the first whose conditions all hold giving the value, the last
with no conditions so that every case gets one. :func:`imaging_value.model.conditions.facts_for` applies them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import Field, model_validator

from ..core.errors import Problem
from .schema import DERIVED_FACTS, FACTS, Condition, Record, Text, condition_problem, rule_error
from .terms_schema import Source

__all__ = ["FactRule", "DerivedFact", "FACTS_FILE", "load_derived_facts"]

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


def load_derived_facts(
    root: Path, problems: list[Problem], *, read_list: Callable[..., Any]
) -> tuple[DerivedFact, ...] | None:
    """The derived facts of ``facts.yaml``: exactly one entry for each derived fact of the registry."""
    derived = read_list(root / FACTS_FILE, "derived", DerivedFact, problems)
    if derived is None:
        return None
    named = [d.fact for d in derived]
    ok = True
    for index, fact in enumerate(named):
        if fact in named[:index]:
            problems.append(Problem(FACTS_FILE, f"derived[{index}]", "fact", "each derived fact once", f"{fact} again"))
            ok = False
    for fact in DERIVED_FACTS:
        if fact not in named:
            problems.append(Problem(FACTS_FILE, "derived", "fact", f"an entry for {fact}", "none"))
            ok = False
    return tuple(derived) if ok else None
