"""The one evaluator of conditions that adjustments, the tree, term rules and guidance share: each operator directly."""

from __future__ import annotations

import pytest

from imaging_value import load_request
from imaging_value.model.conditions import all_hold, facts_for, fill_reason, holds
from imaging_value.model.schema import Condition

FACTS = {
    "request.temporality": "retrospective",
    "request.curation": "raw",
    "request.sites.count": 10,
    "requester.kind": "sme",
    "requester.profit_stage": "pre_profit",
    "requester.sector": "healthtech",
    "option.mechanisms": ("access_fee", "royalty"),
    "option.exclusivity_months": 6.0,
    "option.access_route": "secure_data_environment",
}


def cond(fact: str, op: str, value) -> Condition:
    return Condition(fact=fact, op=op, value=value)


@pytest.mark.parametrize(
    "condition, expected",
    [
        (cond("requester.kind", "in", ["sme", "multinational"]), True),
        (cond("requester.kind", "in", ["university", "charity"]), False),
        (cond("requester.kind", "in", "sme"), True),  # one value, not a list
        (cond("requester.kind", "not_in", ["university", "charity"]), True),
        (cond("requester.kind", "not_in", ["sme"]), False),
        (cond("requester.profit_stage", "eq", "pre_profit"), True),
        (cond("requester.profit_stage", "eq", "profit_generating"), False),
        (cond("requester.sector", "eq", "healthtech"), True),
    ],
)
def test_membership_and_equality(condition, expected):
    assert holds(condition, FACTS) is expected


@pytest.mark.parametrize(
    "op, bound, expected",
    [
        ("gt", 10, False),
        ("gt", 9, True),
        ("ge", 10, True),
        ("ge", 11, False),
        ("lt", 10, False),
        ("lt", 11, True),
        ("le", 10, True),
        ("le", 9, False),
        ("eq", 10, True),
        ("eq", 10.0, True),
        ("eq", "10", True),
        ("eq", 11, False),
    ],
)
def test_number_operators_at_and_beside_the_bound(op, bound, expected):
    assert holds(cond("request.sites.count", op, bound), FACTS) is expected


def test_number_operators_on_a_fractional_fact():
    assert holds(cond("option.exclusivity_months", "gt", 0), FACTS)
    assert not holds(cond("option.exclusivity_months", "gt", 6), FACTS)
    assert holds(cond("option.exclusivity_months", "eq", 6), FACTS)  # 6.0 months is 6 months
    assert not holds(cond("option.exclusivity_months", "gt", 0), {**FACTS, "option.exclusivity_months": 0})


def test_a_number_operator_on_a_fact_that_is_not_a_number_never_holds():
    facts = {**FACTS, "request.sites.count": "unstated"}
    assert not any(holds(cond("request.sites.count", op, 1), facts) for op in ("gt", "ge", "lt", "le"))


@pytest.mark.parametrize(
    "op, values, expected",
    [
        ("has_any", ["access_fee", "subscription"], True),
        ("has_any", ["subscription", "milestones"], False),
        ("lacks_all", ["subscription", "milestones"], True),
        ("lacks_all", ["milestones", "royalty"], False),
    ],
)
def test_list_operators_on_the_mechanisms(op, values, expected):
    assert holds(cond("option.mechanisms", op, values), FACTS) is expected


def test_list_operators_on_an_option_with_no_mechanism():
    facts = {**FACTS, "option.mechanisms": ()}
    assert holds(cond("option.mechanisms", "lacks_all", ["product_access", "in_kind"]), facts)
    assert not holds(cond("option.mechanisms", "has_any", ["product_access", "in_kind"]), facts)


@pytest.mark.parametrize(
    "op, value",
    [
        ("in", ["sme"]),
        ("eq", "sme"),
        ("has_any", ["sme"]),
        ("lacks_all", ["sme"]),
    ],
)
def test_a_missing_or_null_fact_satisfies_no_test(op, value):
    assert not holds(cond("requester.kind", op, value), {})
    assert not holds(cond("requester.kind", op, value), {"requester.kind": None})


def test_a_missing_fact_is_not_in_any_list():
    assert holds(cond("requester.profit_stage", "not_in", ["pre_profit"]), {"requester.profit_stage": None})
    assert holds(cond("requester.profit_stage", "not_in", ["pre_profit"]), {})


def test_all_hold_needs_every_condition():
    kind = cond("requester.kind", "in", ["sme"])
    raw = cond("request.curation", "in", ["raw", "unstated"])
    many = cond("request.sites.count", "gt", 10)
    assert all_hold((), FACTS)
    assert all_hold((kind, raw), FACTS)
    assert not all_hold((kind, raw, many), FACTS)


def test_facts_of_the_scenarios_requesters(dataset):
    request = load_request("scenario-2", dataset)
    kinds = [facts_for(request, r, dataset.derived_facts)["requester.kind"] for r in request.requesters]
    maturity = [facts_for(request, r, dataset.derived_facts)["requester.maturity"] for r in request.requesters]
    assert kinds == ["sme", "multinational", "multinational"]
    assert maturity == ["pre_profit", "large", "large"]
    facts = facts_for(request, request.requesters[0], dataset.derived_facts)
    assert facts["request.temporality"] == "prospective"
    assert facts["request.sites.count"] == 20


def test_facts_of_a_non_commercial_requester(dataset):
    request = load_request("scenario-1", dataset)
    university = request.requesters[0].model_copy(update={"kind": "university", "profit_stage": None})
    assert facts_for(request, university, dataset.derived_facts)["requester.maturity"] == "non_commercial"


def test_fill_reason_fills_known_facts_and_keeps_the_rest():
    facts = {"request.curation": "raw", "option.mechanisms": ("access_fee", "royalty")}
    assert fill_reason("data whose curation is {request_curation}", facts) == "data whose curation is raw"
    assert fill_reason("carries {option_mechanisms}", facts) == "carries access_fee and royalty"
    assert fill_reason("{unknown} stays", facts) == "{unknown} stays"
