"""Facts about a (request, requester, option) and the one evaluator of conditions on them.

Adjustments, the decision tree and the guidance checklist all test facts the
same way, so they share this module.
"""

from __future__ import annotations

import typing
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..core.errors import ParameterError
from .schema import FACTS, Condition, Request, Requester

if TYPE_CHECKING:
    from .fact_rules import DerivedFact

__all__ = ["facts_for", "holds", "all_hold", "fill_reason"]


def _field(subject: object, path: str) -> Any:
    for part in path.split("."):
        subject = getattr(subject, part)
    return " and ".join(subject) if isinstance(subject, tuple) else subject


def facts_for(
    request: Request,
    requester: Requester,
    derived: Sequence[DerivedFact],
    assumed: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The facts of a request and requester that conditions can test, keyed by their dotted names.

    Every request and requester fact of the registry (:data:`imaging_value.model.schema.FACTS`): those read
    from a field (a list of words joined with "and"), then those worked out by ``derived``, the rules of
    ``facts.yaml`` (``Dataset.derived_facts``), and ``request.assumed``: the fields whose values a
    decision-tree outcome assumed (``assumed``'s keys; the request and requester given already carry the
    assumed values). An option's facts (``option.*``) come from its term sheet:
    :func:`imaging_value.framework.terms.option_facts`.
    """
    subjects = {"request": request, "requester": requester}
    facts: dict[str, Any] = {
        name: _field(subjects[fact.subject], name.split(".", 1)[1])
        for name, fact in FACTS.items()
        if fact.read == "field"
    }
    for name, fact in FACTS.items():
        if fact.read == "assumed":
            facts[name] = tuple(assumed or ())
    for entry in derived:
        facts[entry.fact] = next(rule.value for rule in entry.rules if all_hold(rule.when, facts))
    return facts


def _as_tuple(value: Any) -> tuple:
    if isinstance(value, (tuple, list)):
        return tuple(value)
    return (value,)


def holds(condition: Condition, facts: Mapping[str, Any]) -> bool:
    """Whether one condition holds for the facts. A missing or null fact never satisfies a test."""
    actual = facts.get(condition.fact)
    if actual is None:
        return condition.op == "not_in"
    op, value = condition.op, condition.value
    if op == "in":
        return actual in _as_tuple(value)
    if op == "not_in":
        return actual not in _as_tuple(value)
    if op == "eq":
        if isinstance(actual, (int, float)) and not isinstance(actual, bool):  # a number fact: 6.0 months eq 6
            if isinstance(value, tuple):  # a list of values is never equal to a number
                return False
            try:
                return float(actual) == float(value)
            except (TypeError, ValueError):
                return False
        return str(actual) == str(value)
    if op in ("gt", "ge", "lt", "le"):
        if not isinstance(actual, (int, float)):
            return False
        if isinstance(value, tuple):  # only in a condition built past the schema, which asks these ops for a number
            raise ParameterError("value", f"a number for op {op!r}", value)
        bound = float(value)
        return {"gt": actual > bound, "ge": actual >= bound, "lt": actual < bound, "le": actual <= bound}[op]
    if op == "has_any":
        return any(v in _as_tuple(actual) for v in _as_tuple(value))
    if op == "lacks_all":
        return not any(v in _as_tuple(actual) for v in _as_tuple(value))
    known = typing.get_args(Condition.model_fields["op"].annotation)
    raise ParameterError("op", "one of " + ", ".join(known), op)  # a condition built around the schema


def all_hold(conditions: tuple[Condition, ...], facts: Mapping[str, Any]) -> bool:
    """True where every condition holds for the facts (so an empty list always holds)."""
    return all(holds(c, facts) for c in conditions)


def fill_reason(template: str, facts: Mapping[str, Any]) -> str:
    """Fill ``{request_curation}``-style placeholders from the facts; unknown names stay as written."""
    values = {key.replace(".", "_"): (" and ".join(v) if isinstance(v, tuple) else v) for key, v in facts.items()}

    class _Keep(dict):
        def __missing__(self, key: str) -> str:
            return "{" + key + "}"

    return template.format_map(_Keep(values))
