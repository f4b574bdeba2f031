"""Term sheets: each agreement option's concrete terms for a (request, requester), after the term rules.

A term template (``terms.yaml``) gives an option its terms with default values;
the term rules (``term_rules.yaml``) then run in order and adjust them to the
request and requester (no exclusivity over raw data, a pre-profit SME's fee
deferred to first revenue, ...). The result is a :class:`TermSheet`: every
term with its value, unit, the rules that set it, why, and the source.

The function most callers need is :func:`term_sheets`::

    sheets = term_sheets(dataset, request, requester_index)   # {option id: TermSheet}
    sheets["sme_incubation"].values()                         # {term id: value}

Where the decision tree assumed an answer to an unstated fact, pass that
outcome's ``assumed`` mapping (``Recommendation.assumed``), so the rules see the
assumed value (e.g. ``{"profit_stage": "pre_profit"}``).

An ``access_fee`` of ``cost_recovery`` recovers the cost of providing access in expected present value:
due at signing it is the cost itself; deferred (``access_fee_due`` ``first_revenue`` or
``first_milestone``) it is the cost over the exact expected discount of the date it falls due under
``valuation.yaml``'s stages and discount rate (:func:`~imaging_value.maths.expectation.due_factor`), rounded
up to the pound, so a fee that may never be paid is priced for that risk and for the wait.

A ``royalty`` of ``proportionate`` is the rate at which the sheet as a whole returns the NHS's contribution
share of the product's expected profit (``valuation.yaml``'s contribution components, moved by the data, and
the requester's revenue row), exactly (:func:`~imaging_value.maths.expectation.proportionate_royalty`), rounded
up to a hundredth of a per cent: what NHS England 2023's proportionate share asks, after every other term.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from ..core.errors import ParameterError
from ..model.conditions import all_hold, facts_for
from ..model.data import Dataset
from ..model.schema import TREE_FACTS, Request, Requester
from ..model.terms_schema import (
    COST_FACTOR_FACTS,
    COST_RECOVERY,
    PROPORTIONATE,
    TermRule,
    TermSpec,
    TermValue,
    unit_of,
)

__all__ = [
    "Term",
    "CostBasis",
    "Deferral",
    "deferral",
    "Proportion",
    "proportion",
    "TermSheet",
    "term_sheets",
    "term_sheet",
    "access_cost",
    "with_assumed",
    "assumed_request",
    "option_facts",
    "apply_rules",
    "MECHANISM_OF_TERM",
    "TEMPLATE",
]

TEMPLATE = "template"  # set_by entry of a value that comes from the option's template in terms.yaml

# which agreement mechanism (options.yaml's vocabulary) a term id belongs to
MECHANISM_OF_TERM = {
    "access_fee": "access_fee",
    "subscription": "subscription",
    "milestone": "milestones",
    "royalty": "royalty",
    "profit_share": "profit_share",
    "equity": "equity",
    "golden_share": "golden_share",
    "in_kind": "in_kind",
    "product_access_discount": "product_access",
    "consent_to_commercialise": "consent_to_commercialise",
}

# the fields whose values the decision tree may assume: those of the facts it branches on (schema.FACTS)
_REQUEST_FIELDS = tuple(f.split(".", 1)[1] for f in TREE_FACTS if f.startswith("request."))
_REQUESTER_FIELDS = tuple(f.split(".", 1)[1] for f in TREE_FACTS if f.startswith("requester."))


@dataclass(frozen=True)
class Term:
    """One term of an agreement: its value and unit, the template or rules that set it, why, and the source."""

    term: str
    value: TermValue
    unit: str
    set_by: tuple[str, ...]
    rationale: str
    source: str

    def to_dict(self) -> dict[str, Any]:
        """The term as JSON."""
        return {
            "term": self.term,
            "value": self.value,
            "unit": self.unit,
            "set_by": list(self.set_by),
            "rationale": self.rationale,
            "source": self.source,
        }


@dataclass(frozen=True)
class CostBasis:
    """The cost of providing access, from costs.csv: per site plus per 1,000 items, by curation."""

    curation: str
    sites: int
    items: float
    items_assumed: bool  # True: images per site assumed from site_defaults.csv
    per_site: float
    per_1000_items: float
    amount: float  # GBP, rounded to the pound
    rationale: str
    source: str
    item_factor: float = 1.0  # cost_factors.csv: the per-item price times the modality's and the item kind's factors
    item_factor_note: str = ""  # which factors, e.g. "modality PET/CT x1.3"

    def explain(self) -> str:
        """How the cost was priced, in words (costs.csv and cost_factors.csv)."""
        factor = f" x {self.item_factor:g} ({self.item_factor_note}, cost_factors.csv)" if self.item_factor != 1 else ""
        text = (
            f"GBP {self.per_site:,.0f} x {self.sites} site{'s' if self.sites != 1 else ''} + "
            f"GBP {self.per_1000_items:,.0f}{factor} x {self.items / 1000:,.1f} thousand items"
            f"{' (assumed by site kind)' if self.items_assumed else ''} at curation '{self.curation}' (costs.csv)"
        )
        return text + (f": {self.rationale}" if self.curation == "unstated" else "")

    def to_dict(self) -> dict[str, Any]:
        """The cost basis as JSON."""
        return {
            "curation": self.curation,
            "sites": self.sites,
            "items": self.items,
            "items_assumed": self.items_assumed,
            "per_site": self.per_site,
            "per_1000_items": self.per_1000_items,
            "item_factor": self.item_factor,
            "amount": self.amount,
            "rationale": self.rationale,
            "source": self.source,
        }


@dataclass(frozen=True)
class Deferral:
    """When a deferred fee falls due and what waiting for it costs: a fee of 1 then is worth ``factor`` today
    (the chance of reaching ``stage`` within the horizon, ``probability``, discounted over the wait), so the
    fee that recovers a cost C is C / factor (``uplift`` = 1 / factor)."""

    due: str  # access_fee_due: first_revenue or first_milestone
    stage: str  # the valuation's stage the fee follows
    probability: float  # the chance the stage is reached (within any horizon)
    factor: float  # exact expected discount factor of a payment at the stage within the horizon
    rate: float  # the discount rate used
    horizon: int

    @property
    def uplift(self) -> float | None:
        """What the deferred fee is multiplied by so its expected value equals the fee (None: never paid)."""
        return None if self.factor <= 0 else 1.0 / self.factor

    def explain(self) -> str:
        """The uplift in words, for the fee's rationale."""
        if self.uplift is None:
            return (
                f"Deferred to {self.due.replace('_', ' ')}, it can never be paid within the {self.horizon}-year "
                "horizon, so it cannot recover the cost of access."
            )
        return (
            f"Deferred to {self.due.replace('_', ' ')} ({self.stage.replace('_', ' ')}: a "
            f"{self.probability:.0%} chance, and a wait discounted at {self.rate:.1%} a year; "
            f"valuation.yaml), the cost is uplifted x{self.uplift:.2f} so that the fee's expected present "
            f"value is the cost of access."
        )

    def to_dict(self) -> dict[str, Any]:
        """The uplift as JSON."""
        return {
            "due": self.due,
            "stage": self.stage,
            "probability": self.probability,
            "factor": self.factor,
            "uplift": self.uplift,
            "discount_rate": self.rate,
            "horizon": self.horizon,
        }


@dataclass(frozen=True)
class Proportion:
    """A royalty priced so that the sheet as a whole returns the NHS's contribution share of the product's expected
    profit (NHS England 2023's proportionate share), exactly (no draws)."""

    rate: float  # % of net revenue
    contribution_share: float
    value_created: float  # GBP: the expected present value of the product's profit
    other_terms: float  # GBP: what the sheet's other terms return in expected present value, less the cost of access
    revenue_row: str | None  # valuation.yaml's revenue row (None: the requester sells nothing)

    def explain(self) -> str:
        """How the rate was set, for the royalty's rationale."""
        if self.revenue_row is None:
            return "The requester sells nothing, so there is no revenue to share."
        target = self.contribution_share * self.value_created
        rest = (
            "the other terms already return it, so no royalty is needed"
            if self.rate == 0
            else f"the other terms return £{self.other_terms:,.0f} of it net of the cost of access, the royalty the "
            f"rest: {self.rate:.2f}% of net revenue"
        )
        return (
            f"Priced so that the agreement as a whole returns the NHS's contribution share, "
            f"{self.contribution_share:.1%}, of the product's expected profit (£{self.value_created:,.0f} in present "
            f"value, {self.revenue_row}; valuation.yaml): £{target:,.0f}; {rest}."
        )

    def to_dict(self) -> dict[str, Any]:
        """The proportionate royalty's working as JSON."""
        return {
            "rate": self.rate,
            "contribution_share": self.contribution_share,
            "value_created": self.value_created,
            "other_terms": self.other_terms,
            "revenue_row": self.revenue_row,
        }


def proportion(
    dataset: Dataset,
    request: Request,
    requester: Requester,
    facts: Mapping[str, Any],
    cost: CostBasis,
    terms: Mapping[str, TermValue],
    kept: dict[str, Any] | None = None,
) -> Proportion | None:
    """The proportionate royalty for a sheet's other ``terms`` (the request with any assumed facts filled in, the
    requester, its facts); None for a data folder without valuation.yaml (the royalty is then 0 and says so).
    ``kept``: a mapping the caller keeps across one request's sheets (the assumptions are the same for all)."""
    spec = dataset.valuation
    if spec is None:
        return None
    from ..maths.expectation import expected_value, proportionate_royalty
    from ..model.assumptions import assumptions_for, contribution_share, data_factor, revenue_row

    kept = {} if kept is None else kept
    if "assumptions" not in kept:
        factor = data_factor(spec, request, cost.items)
        kept["share"] = contribution_share(spec, request, factor)
        kept["row"] = revenue_row(spec, requester)
        kept["assumptions"] = (
            None
            if kept["row"] is None
            else assumptions_for(spec, requester, access_cost=cost.amount, facts=facts, revenue_factor=factor)
        )
    share, row, a = kept["share"], kept["row"], kept["assumptions"]
    if row is None or a is None:
        return Proportion(0.0, share, 0.0, 0.0, None)
    rest = {k: v for k, v in terms.items() if k not in ("royalty", "royalty_cap")}
    value = expected_value(a, rest)
    return Proportion(proportionate_royalty(a, rest, share, value), share, value.value_created, value.npv, row.id)


@dataclass(frozen=True)
class _Prices:
    """What a symbolic term value stands for on one sheet: the cost of access (the royalty is priced last)."""

    cost: CostBasis


@dataclass(frozen=True)
class TermSheet:
    """The terms of one option for one (request, requester), after the term rules have run."""

    request_id: str
    requester_index: int
    option: str
    terms: tuple[Term, ...]
    cost: CostBasis
    fired: tuple[str, ...]  # ids of the term rules whose conditions held, in order
    removed: tuple[tuple[str, str], ...]  # (term, rule id) for each template term a rule dropped
    assumed: dict[str, Any] = field(default_factory=dict)
    deferral: Deferral | None = None  # a cost-recovery fee deferred past signing: how it is uplifted
    royalty_basis: Proportion | None = None  # a proportionate royalty: how it was priced

    def get(self, term: str) -> Term | None:
        """The term of this id, or None where the sheet has none."""
        return next((t for t in self.terms if t.term == term), None)

    def value(self, term: str, default: TermValue | None = None) -> TermValue | None:
        """The value of a term, or ``default`` where the sheet has no such term."""
        found = self.get(term)
        return default if found is None else found.value

    def values(self) -> dict[str, TermValue]:
        """{term id: value}: what a valuation prices. A term absent is not part of the agreement."""
        return {t.term: t.value for t in self.terms}

    @property
    def exclusivity_months(self) -> int | float:
        """The months of exclusivity the terms grant (0 where none, or not a number)."""
        value = self.value("exclusivity_months", 0)
        return value if isinstance(value, (int, float)) else 0

    def mechanisms(self) -> tuple[str, ...]:
        """The mechanisms the terms carry (a numeric term of 0 carries none), in vocabulary order."""
        present = set()
        for t in self.terms:
            mechanism = MECHANISM_OF_TERM.get(t.term.split(":", 1)[0])
            if mechanism and not (isinstance(t.value, (int, float)) and t.value == 0):
                present.add(mechanism)
        return tuple(m for m in dict.fromkeys(MECHANISM_OF_TERM.values()) if m in present)

    def to_dict(self) -> dict[str, Any]:
        """The term sheet as JSON: the terms, the cost, the rules that fired and the terms they removed."""
        return {
            "request": self.request_id,
            "requester_index": self.requester_index,
            "option": self.option,
            "assumed": dict(self.assumed),
            "terms": [t.to_dict() for t in self.terms],
            "cost": self.cost.to_dict(),
            "deferral": None if self.deferral is None else self.deferral.to_dict(),
            "royalty_basis": None if self.royalty_basis is None else self.royalty_basis.to_dict(),
            "rules_fired": list(self.fired),
            "removed": [{"term": term, "rule": rule} for term, rule in self.removed],
        }


def with_assumed(
    request: Request, requester: Requester, assumed: Mapping[str, Any] | None
) -> tuple[Request, Requester]:
    """The request and requester with the decision tree's assumed answers filled in (list answers stay unstated)."""
    if not assumed:
        return request, requester
    unknown = [k for k in assumed if k not in _REQUEST_FIELDS + _REQUESTER_FIELDS]
    if unknown:
        raise ParameterError(
            "assumed", "fields among " + ", ".join(_REQUEST_FIELDS + _REQUESTER_FIELDS), ", ".join(unknown)
        )
    single = {k: v for k, v in assumed.items() if isinstance(v, str)}
    request = request.model_copy(update={k: v for k, v in single.items() if k in _REQUEST_FIELDS})
    requester = requester.model_copy(update={k: v for k, v in single.items() if k in _REQUESTER_FIELDS})
    return request, requester


def assumed_request(request: Request, requester_index: int, assumed: Mapping[str, Any] | None) -> Request:
    """The request with a decision-tree outcome's assumed answers filled in, its requester at ``requester_index``
    included: what every answer for that branch (scores, terms, value) is computed on."""
    if not assumed:
        return request
    shown, requester = with_assumed(request, request.requester(requester_index), assumed)
    people = list(shown.requesters)
    people[requester_index] = requester
    return shown.model_copy(update={"requesters": tuple(people)})


def access_cost(dataset: Dataset, request: Request) -> CostBasis:
    """The cost of providing access to the request's data, priced from costs.csv by its curation."""
    from .sites import site_contributions

    row = dataset.agreement.costs[request.curation]
    sites = site_contributions(dataset, request)
    items = float(sum(sites.images))
    factors = [(fact, getattr(request, fact.split(".", 1)[1])) for fact in COST_FACTOR_FACTS]
    factor = 1.0
    for fact, value in factors:
        factor *= dataset.agreement.cost_factor(fact, value)
    note = ", ".join(
        f"{fact.split('.', 1)[1].replace('_', ' ')} {value} x{dataset.agreement.cost_factor(fact, value):g}"
        for fact, value in factors
        if dataset.agreement.cost_factor(fact, value) != 1
    )
    amount = round(row.per_site * request.sites.count + row.per_1000_items * factor * items / 1000.0)
    return CostBasis(
        request.curation,
        request.sites.count,
        items,
        sites.assumed and not sites.total_stated,
        row.per_site,
        row.per_1000_items,
        float(amount),
        row.rationale,
        row.source,
        factor,
        note,
    )


def deferral(
    dataset: Dataset, requester: Requester, facts: Mapping[str, Any], due: str, milestones: tuple[str, ...] = ()
) -> Deferral | None:
    """What deferring a fee to ``due`` costs the NHS for this requester (None: due at signing, or a data folder
    without valuation.yaml, whose fee stays the cost). ``first_milestone`` follows the first of ``milestones``
    (the sheet's milestone events); of several, the likeliest-and-soonest one prices it, which the first of
    them to be reached can only beat, so the fee still recovers the cost."""
    spec = dataset.valuation
    if due == "signing" or spec is None:
        return None
    from ..maths.expectation import due_factor
    from ..model.assumptions import assumptions_for

    a = assumptions_for(spec, requester, facts=facts)
    stages = {s.id: s for s in a.stages}
    candidates = [m for m in milestones if m in stages] if due == "first_milestone" else []
    if not candidates:
        candidates = [a.first_revenue_stage]
    factors = {stage: due_factor(a, stage) for stage in candidates}
    stage = max(factors, key=lambda k: factors[k])
    probability = 1.0
    step: str | None = stage
    while step is not None:
        probability *= stages[step].probability
        step = stages[step].after
    return Deferral(due, stage, probability, factors[stage], a.discount_rate, a.horizon)


def _resolve(term: str, value: TermValue, prices: _Prices) -> TermValue:
    if term == "access_fee" and value == COST_RECOVERY:
        return prices.cost.amount
    return value  # a proportionate royalty stays symbolic until the rest of the sheet is known


def _why(term: str, value: TermValue | None, rationale: str, prices: _Prices) -> str:
    """A term's rationale; a cost-recovery fee also shows how it was priced (a proportionate royalty is explained
    when it is priced)."""
    if term != "access_fee" or value != COST_RECOVERY:
        return rationale
    text = f"{rationale} {prices.cost.explain()}"
    return text if text.endswith(".") else text + "."


def _apply(
    specs: tuple[TermSpec, ...], rules: tuple[TermRule, ...], facts: Mapping[str, Any], prices: _Prices
) -> tuple[list[Term], list[str], list[tuple[str, str]], bool]:
    """The template's terms after the rules, the rules that fired, the terms removed, and whether the access fee
    is the cost-recovery price (so a deferral uplifts it)."""
    terms: dict[str, Term] = {}
    at_cost = any(spec.term == "access_fee" and spec.value == COST_RECOVERY for spec in specs)
    for spec in specs:
        terms[spec.term] = Term(
            spec.term,
            _resolve(spec.term, spec.value, prices),
            unit_of(spec.term) or "",
            (TEMPLATE,),
            _why(spec.term, spec.value, spec.rationale, prices),
            spec.source,
        )
    return apply_rules(terms, rules, facts, prices.cost, at_cost=at_cost)


def apply_rules(
    terms: Mapping[str, Term],
    rules: tuple[TermRule, ...],
    facts: Mapping[str, Any],
    cost: CostBasis,
    *,
    at_cost: bool = False,
) -> tuple[list[Term], list[str], list[tuple[str, str]], bool]:
    """Run the term rules, in order, on terms (a template's, or an offer's): the terms after them, the ids of
    the rules that fired, each (term, rule id) a rule removed, and whether the access fee is then the
    cost-recovery price (``at_cost``: whether it was before the rules)."""
    prices = _Prices(cost)
    terms = dict(terms)
    fired: list[str] = []
    removed: list[tuple[str, str]] = []
    for rule in rules:
        if not all_hold(rule.when, facts):
            continue
        fired.append(rule.id)
        for action in rule.actions:
            present = terms.get(action.term)
            if action.do == "remove":
                if present is not None:
                    del terms[action.term]
                    removed.append((action.term, rule.id))
                continue
            if action.do == "ensure" and present is not None or action.do == "replace" and present is None:
                continue
            value = _resolve(action.term, action.value, prices)  # type: ignore[arg-type]
            if action.term == "access_fee":
                at_cost = action.value == COST_RECOVERY
            if present is not None and present.value == value:
                continue
            set_by = (present.set_by if present is not None else ()) + (rule.id,)
            terms[action.term] = Term(
                action.term,
                value,
                unit_of(action.term) or "",
                set_by,
                _why(action.term, action.value, rule.rationale, prices),
                rule.source,
            )
    if "access_fee" not in terms:
        at_cost = False
    return list(terms.values()), fired, removed, at_cost


def _deferred(terms: list[Term], at_cost: bool, defer: Deferral | None) -> list[Term]:
    """The terms with a cost-recovery fee deferred past signing uplifted to recover the cost in expectation."""
    if not at_cost or defer is None or defer.uplift is None:
        if at_cost and defer is not None:  # never payable: the fee stays the cost, and says why
            return [
                replace(t, rationale=f"{t.rationale} {defer.explain()}") if t.term == "access_fee" else t for t in terms
            ]
        return terms
    out = []
    for t in terms:
        if t.term == "access_fee" and isinstance(t.value, (int, float)):
            t = replace(t, value=float(math.ceil(t.value * defer.uplift)), rationale=f"{t.rationale} {defer.explain()}")
        out.append(t)
    return out


def term_sheet(
    dataset: Dataset, request: Request, requester_index: int, option_id: str, assumed: Mapping[str, Any] | None = None
) -> TermSheet:
    """One option's term sheet for one requester (see :func:`term_sheets`)."""
    if option_id not in dataset.agreement.templates:
        raise ParameterError("option", "one of " + ", ".join(dataset.option_ids), option_id)
    return term_sheets(dataset, request, requester_index, assumed)[option_id]


def term_sheets(
    dataset: Dataset, request: Request, requester_index: int = 0, assumed: Mapping[str, Any] | None = None
) -> dict[str, TermSheet]:
    """Every option's term sheet for one (request, requester): ``{option id: TermSheet}``, in options.yaml order.

    Each sheet is the option's template from ``terms.yaml`` after every rule of
    ``term_rules.yaml`` whose conditions hold has run. ``assumed`` is a decision
    tree outcome's assumed answers to unstated facts (``Recommendation.assumed``);
    the rules and the cost of access then use those values. ``sheet.values()``
    gives ``{term id: value}``; amounts are in GBP, rates in %, durations in months.
    Raises :class:`ParameterError` for a requester index out of range.
    """
    requester = request.requester(requester_index)
    shown_request, shown_requester = with_assumed(request, requester, assumed)
    cost = access_cost(dataset, shown_request)
    facts = facts_for(shown_request, shown_requester, dataset.derived_facts, assumed)
    prices = _Prices(cost)
    sheets = {}
    deferrals: dict[tuple[str, tuple[str, ...]], Deferral | None] = {}
    kept: dict[str, Any] = {}  # what every sheet's proportionate royalty shares: the assumptions, the share
    for option_id in dataset.option_ids:
        terms, fired, removed, at_cost = _apply(
            dataset.agreement.templates[option_id], dataset.agreement.rules, facts, prices
        )
        due = next((str(t.value) for t in terms if t.term == "access_fee_due"), "signing")
        milestones = tuple(sorted(t.term.split(":", 1)[1] for t in terms if t.term.startswith("milestone:")))
        key = (due, milestones if due == "first_milestone" else ())
        if at_cost and key not in deferrals:
            deferrals[key] = deferral(dataset, shown_requester, facts, due, key[1])
        defer = deferrals.get(key) if at_cost else None
        terms = _deferred(terms, at_cost, defer)
        royalty = None
        if any(t.term == "royalty" and t.value == PROPORTIONATE for t in terms):
            values = {t.term: t.value for t in terms}
            royalty = proportion(dataset, shown_request, shown_requester, facts, cost, values, kept)
            terms = [_proportionate(t, royalty) if t.term == "royalty" else t for t in terms]
        sheets[option_id] = TermSheet(
            request.id,
            requester_index,
            option_id,
            tuple(terms),
            cost,
            tuple(fired),
            tuple(removed),
            dict(assumed or {}),
            defer,
            royalty,
        )
    return sheets


def _proportionate(term: Term, royalty: Proportion | None) -> Term:
    """A proportionate royalty priced: its rate, and how it was set."""
    how = (
        royalty.explain()
        if royalty is not None
        else "No valuation.yaml: the contribution share cannot be priced, so the royalty is 0."
    )
    return replace(term, value=0.0 if royalty is None else royalty.rate, rationale=f"{term.rationale} {how}")


def option_facts(sheet: TermSheet) -> dict[str, Any]:
    """The option facts guidance items test, read from a term sheet (after the rules)."""
    embargo = sheet.value("embargo_months", 0)
    return {
        "option.mechanisms": sheet.mechanisms(),
        "option.exclusivity_months": sheet.exclusivity_months,
        "option.access_route": sheet.value("access_route"),
        "option.access_fee_due": sheet.value("access_fee_due") if sheet.get("access_fee") is not None else None,
        "option.embargo_months": embargo if isinstance(embargo, (int, float)) else 0,
    }
