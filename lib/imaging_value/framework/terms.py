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
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..core.errors import ParameterError
from ..model.conditions import all_hold, facts_for
from ..model.data import Dataset
from ..model.schema import TREE_FACTS, Request, Requester
from ..model.terms_schema import COST_RECOVERY, TermRule, TermSpec, TermValue, unit_of

__all__ = [
    "Term",
    "CostBasis",
    "TermSheet",
    "term_sheets",
    "term_sheet",
    "access_cost",
    "with_assumed",
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

    def explain(self) -> str:
        text = (
            f"GBP {self.per_site:,.0f} x {self.sites} site{'s' if self.sites != 1 else ''} + "
            f"GBP {self.per_1000_items:,.0f} x {self.items / 1000:,.1f} thousand items"
            f"{' (assumed by site kind)' if self.items_assumed else ''} at curation '{self.curation}' (costs.csv)"
        )
        return text + (f": {self.rationale}" if self.curation == "unstated" else "")

    def to_dict(self) -> dict[str, Any]:
        return {
            "curation": self.curation,
            "sites": self.sites,
            "items": self.items,
            "items_assumed": self.items_assumed,
            "per_site": self.per_site,
            "per_1000_items": self.per_1000_items,
            "amount": self.amount,
            "rationale": self.rationale,
            "source": self.source,
        }


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

    def get(self, term: str) -> Term | None:
        return next((t for t in self.terms if t.term == term), None)

    def value(self, term: str, default: TermValue | None = None) -> TermValue | None:
        found = self.get(term)
        return default if found is None else found.value

    def values(self) -> dict[str, TermValue]:
        """{term id: value}: what a valuation prices. A term absent is not part of the agreement."""
        return {t.term: t.value for t in self.terms}

    @property
    def exclusivity_months(self) -> int | float:
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
        return {
            "request": self.request_id,
            "requester_index": self.requester_index,
            "option": self.option,
            "assumed": dict(self.assumed),
            "terms": [t.to_dict() for t in self.terms],
            "cost": self.cost.to_dict(),
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


def access_cost(dataset: Dataset, request: Request) -> CostBasis:
    """The cost of providing access to the request's data, priced from costs.csv by its curation."""
    from .sites import site_contributions

    row = dataset.agreement.costs[request.curation]
    sites = site_contributions(dataset, request)
    items = float(sum(sites.images))
    amount = round(row.per_site * request.sites.count + row.per_1000_items * items / 1000.0)
    return CostBasis(
        request.curation,
        request.sites.count,
        items,
        sites.assumed,
        row.per_site,
        row.per_1000_items,
        float(amount),
        row.rationale,
        row.source,
    )


def _resolve(term: str, value: TermValue, cost: CostBasis) -> TermValue:
    return cost.amount if term == "access_fee" and value == COST_RECOVERY else value


def _why(term: str, value: TermValue | None, rationale: str, cost: CostBasis) -> str:
    """A term's rationale; a cost-recovery fee also shows how it was priced."""
    if term != "access_fee" or value != COST_RECOVERY:
        return rationale
    text = f"{rationale} {cost.explain()}"
    return text if text.endswith(".") else text + "."


def _apply(
    specs: tuple[TermSpec, ...], rules: tuple[TermRule, ...], facts: Mapping[str, Any], cost: CostBasis
) -> tuple[list[Term], list[str], list[tuple[str, str]]]:
    terms: dict[str, Term] = {}
    for spec in specs:
        terms[spec.term] = Term(
            spec.term,
            _resolve(spec.term, spec.value, cost),
            unit_of(spec.term) or "",
            (TEMPLATE,),
            _why(spec.term, spec.value, spec.rationale, cost),
            spec.source,
        )
    return apply_rules(terms, rules, facts, cost)


def apply_rules(
    terms: Mapping[str, Term], rules: tuple[TermRule, ...], facts: Mapping[str, Any], cost: CostBasis
) -> tuple[list[Term], list[str], list[tuple[str, str]]]:
    """Run the term rules, in order, on terms (a template's, or an offer's): the terms after them, the ids of
    the rules that fired and each (term, rule id) a rule removed."""
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
            value = _resolve(action.term, action.value, cost)  # type: ignore[arg-type]
            if present is not None and present.value == value:
                continue
            set_by = (present.set_by if present is not None else ()) + (rule.id,)
            terms[action.term] = Term(
                action.term,
                value,
                unit_of(action.term) or "",
                set_by,
                _why(action.term, action.value, rule.rationale, cost),
                rule.source,
            )
    return list(terms.values()), fired, removed


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
    facts = facts_for(shown_request, shown_requester, dataset.derived_facts)
    sheets = {}
    for option_id in dataset.option_ids:
        terms, fired, removed = _apply(dataset.agreement.templates[option_id], dataset.agreement.rules, facts, cost)
        sheets[option_id] = TermSheet(
            request.id,
            requester_index,
            option_id,
            tuple(terms),
            cost,
            tuple(fired),
            tuple(removed),
            dict(assumed or {}),
        )
    return sheets


def option_facts(sheet: TermSheet) -> dict[str, Any]:
    """The option facts guidance items test, read from a term sheet (after the rules)."""
    return {
        "option.mechanisms": sheet.mechanisms(),
        "option.exclusivity_months": sheet.exclusivity_months,
        "option.access_route": sheet.value("access_route"),
    }
