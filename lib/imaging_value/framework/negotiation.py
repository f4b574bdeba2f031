"""Judging an offer: each national principle's status, the term rules it crosses, what it is worth to both sides,
and the zone of possible agreement, for every branch the request leaves open.

An offer (:class:`~imaging_value.model.offers.Offer`) is priced as one more term sheet on the valuation's own
draws (:func:`~imaging_value.framework.appraisal.appraise_requester`), so it differs from the framework's
options only by its terms. Money moves one way: everything the partner pays or gives the NHS (fees,
milestones, royalties, profit, equity, in-kind work, discounts) is a *transfer*. The NHS's value is the
transfers less its cost of access; the partner's is the value it creates (the product's profit, as the
valuation counts it) less the transfers. Both conditions of a deal are therefore bounds on the expected
transfers ``T``:

* the NHS receives at least its contribution share: ``T >= cost + share x value created`` (the fair value);
* the partner stays at or above its alternative (``valuation.yaml``, ``negotiation.alternatives``, or the
  offer's own): walking away is worth 0, so ``T <= value created``; a data source at cost ``C`` gives it the
  same product for ``C``, so ``T <= C``.

The zone of possible agreement is where both hold; for each of the offer's money terms it is the range of
that term, the others as offered, that keeps ``T`` between the bounds.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from ..core.defaults import DEFAULT_SEED
from ..core.errors import DataValidationError, ParameterError, Problem
from ..maths.valuation import Draws, OptionValue, price, value_option
from ..model.conditions import facts_for
from ..model.data import Dataset
from ..model.offers import WALK_AWAY, DataSourceCost, NegotiationSpec, Offer, term_range
from ..model.schema import COMMERCIAL_KINDS, Request, Requester
from ..model.terms_schema import TERM_UNITS, TermValue, unit_of
from .agreement import PrincipleStatus, compliance
from .appraisal import appraise_requester
from .guidance import GuidanceCheck, evaluate_item
from .sites import site_contributions
from .terms import Term, TermSheet, access_cost, apply_rules, option_facts, with_assumed
from .tree import recommend

if TYPE_CHECKING:
    from ..model.assumptions import ValuationSpec

__all__ = [
    "OFFER",
    "MONEY_TERMS",
    "Estimate",
    "Alternative",
    "RuleChange",
    "TermZone",
    "Zone",
    "BranchAssessment",
    "Assessment",
    "BranchModel",
    "Prepared",
    "prepare",
    "assess",
    "assess_offer",
    "offer_sheet",
    "sheet_statuses",
    "rule_changes",
    "meets_share",
    "standard_error",
    "term_grid",
    "term_scale",
    "negotiation_spec",
    "agreement_position",
    "position_sentence",
    "is_money_term",
    "price_group",
    "PRICE_GROUPS",
]

OFFER = "offer"  # the option id an offer is priced and checked under
# terms that move money (the valuation prices them); every other term is words or a duration of rights
MONEY_TERMS = (
    "access_fee",
    "access_fee_due",
    "subscription",
    "subscription_years",
    "milestone",
    "royalty",
    "royalty_cap",
    "profit_share",
    "equity",
    "in_kind",
    "product_access_discount",
    "product_access_months",
)
WHOLE_UNITS = ("months", "years")  # terms in these units move in whole units
# terms the valuation prices together (one's value changes what the other is worth); any other money term is
# priced on its own, except that a fee due at the first milestone is priced with the milestones
PRICE_GROUPS = (
    ("access_fee", "access_fee_due"),
    ("subscription", "subscription_years"),
    ("royalty", "royalty_cap"),
    ("product_access_discount", "product_access_months"),
)


def price_group(term: str, values: Mapping[str, TermValue]) -> dict[str, TermValue]:
    """The terms among ``values`` priced together with ``term`` (itself included, where present): a change to
    ``term`` changes the expected transfers by what it changes this group's."""
    members = next((g for g in PRICE_GROUPS if term in g), (term,))
    group = {k: v for k, v in values.items() if k in members}
    kind = term.split(":", 1)[0]
    if values.get("access_fee_due") == "first_milestone" and (kind == "milestone" or term in PRICE_GROUPS[0]):
        group.update({k: v for k, v in values.items() if k.startswith("milestone:") or k in PRICE_GROUPS[0]})
    return group


def is_money_term(term: str) -> bool:
    """Whether the valuation prices the term (fees, milestones, royalties, ...; not exclusivity or IP)."""
    return term.split(":", 1)[0] in MONEY_TERMS


def standard_error(values: np.ndarray) -> float:
    """The Monte Carlo standard error of a mean of independent draws: their standard deviation over root n."""
    values = np.asarray(values, dtype=float)
    if values.size < 2:
        return 0.0
    return float(values.std(ddof=1) / math.sqrt(values.size))


def _quantiles(values: np.ndarray) -> tuple[float, float]:
    p10, p90 = np.quantile(values, (0.1, 0.9))
    return float(p10), float(p90)


@dataclass(frozen=True)
class Estimate:
    """A Monte Carlo estimate: the expected value with its standard error, and the P10 and P90 of the draws."""

    mean: float
    se: float
    p10: float
    p90: float

    @classmethod
    def of(cls, values: np.ndarray) -> Estimate:
        """The estimate from one value per draw."""
        values = np.asarray(values, dtype=float)
        p10, p90 = _quantiles(values)
        return cls(float(values.mean()), standard_error(values), p10, p90)

    def to_dict(self) -> dict[str, float]:
        """As JSON."""
        return {"mean": self.mean, "se": self.se, "p10": self.p10, "p90": self.p90}


@dataclass(frozen=True)
class Alternative:
    """The partner's alternative to this agreement: walk away, a data source at a cost, or not priced (a partner
    that sells nothing); ``stated``: the offer states it, else ``valuation.yaml`` assumes it."""

    kind: str  # "walk_away", "data_source" or "not_priced"
    cost: float | None  # the data source's cost (GBP)
    stated: bool
    rationale: str
    source: str

    def sentence(self) -> str:
        """The alternative in words."""
        whose = "as the offer states" if self.stated else "as valuation.yaml assumes"
        if self.kind == "walk_away":
            return f"walking away, {whose}"
        if self.kind == "data_source":
            return f"a data source at £{self.cost:,.0f}, {whose}"
        return "not priced: the partner sells nothing"

    def to_dict(self) -> dict[str, Any]:
        """As JSON."""
        return {
            "kind": self.kind,
            "cost": self.cost,
            "stated": self.stated,
            "rationale": self.rationale,
            "source": self.source,
        }


@dataclass(frozen=True)
class RuleChange:
    """A term rule that would change one of the offer's terms, and to what (None: it removes the term)."""

    rule: str
    term: str
    offered: TermValue | None
    becomes: TermValue | None
    rationale: str
    source: str

    def to_dict(self) -> dict[str, Any]:
        """As JSON."""
        return {
            "rule": self.rule,
            "term": self.term,
            "offered": self.offered,
            "becomes": self.becomes,
            "rationale": self.rationale,
            "source": self.source,
        }


@dataclass(frozen=True)
class TermZone:
    """One money term's part of the zone: the values (the offer's other terms as offered) in which the NHS gets
    its fair share and the partner stays at or above its alternative, on the searched steps; None: none does."""

    term: str
    unit: str
    offered: float
    low: float | None
    high: float | None
    allowed: tuple[float, float]

    @property
    def inside(self) -> bool:
        """Whether the offered value lies inside the zone."""
        return self.low is not None and self.high is not None and self.low <= self.offered <= self.high

    def to_dict(self) -> dict[str, Any]:
        """As JSON."""
        return {
            "term": self.term,
            "unit": self.unit,
            "offered": self.offered,
            "low": self.low,
            "high": self.high,
            "allowed": list(self.allowed),
            "inside": self.inside,
        }


@dataclass(frozen=True)
class Zone:
    """The zone of possible agreement in one branch: the expected transfers from the partner the NHS needs
    (``needed``) and the most the partner's alternative allows (``limit``, None: no limit), the values that
    gives each side, and each money term's range."""

    needed: float | None
    limit: float | None
    nhs_range: tuple[float, float | None]  # the NHS's expected value from its fair share to the partner's limit
    partner_range: tuple[float | None, float | None]  # the partner's expected value over the same range
    terms: tuple[TermZone, ...]

    @property
    def exists(self) -> bool:
        """Whether a zone of agreement exists (no limit, or what is needed is within it)."""
        return self.limit is None or self.needed is None or self.needed <= self.limit

    def statement(self) -> str:
        """The zone in one sentence, or a plain statement that none exists."""
        if self.needed is None:
            return "No commercial value is created, so there is no share to meet: any compliant terms will do."
        if not self.exists:
            assert self.limit is not None
            return (
                f"No zone of agreement under these assumptions: the NHS's fair share needs £{self.needed:,.0f} "
                f"from the partner in expectation, more than the £{self.limit:,.0f} its alternative leaves it "
                f"willing to pay."
            )
        low, high = self.nhs_range
        top = "no upper limit" if high is None else f"£{high:,.0f}"
        text = f"A zone of agreement exists: the NHS's expected value from £{low:,.0f} (its fair share) to {top}."
        if self.terms and all(t.low is None for t in self.terms):
            text += " No one term of this offer reaches it with the others as offered: several must move."
        return text

    def to_dict(self) -> dict[str, Any]:
        """As JSON."""
        return {
            "exists": self.exists,
            "needed": self.needed,
            "limit": self.limit,
            "nhs_range": list(self.nhs_range),
            "partner_range": list(self.partner_range),
            "terms": [t.to_dict() for t in self.terms],
            "statement": self.statement(),
        }


@dataclass(frozen=True)
class BranchAssessment:
    """The offer judged in one branch (one way the request's unstated facts may turn out)."""

    assumed: dict[str, Any]
    compliance: tuple[PrincipleStatus, ...]
    rule_changes: tuple[RuleChange, ...]
    nhs: Estimate
    contribution_share: float
    nhs_share: float | None  # expected NHS value / value created (None: nothing is created)
    value_created: float
    fair_value: float  # contribution share x value created
    shortfall: float  # how far the NHS's expected value falls short of its fair value (0: none)
    shortfall_se: float
    partner: Estimate | None  # None: not priced (a partner that sells nothing)
    alternative: Alternative
    partner_surplus: Estimate | None  # the partner's value less its alternative's
    transfers: float  # the expected present value of everything the partner pays or gives the NHS
    zone: Zone
    draws: int

    @property
    def complies(self) -> bool:
        """No national principle departs (to-confirm items remain for a person)."""
        return all(s.status != "departs" for s in self.compliance)

    @property
    def meets_share(self) -> bool | None:
        """The NHS receives at least its contribution share (None: no commercial value is created)."""
        return None if self.nhs_share is None else meets_share(self.nhs.mean, self.fair_value)

    @property
    def above_alternative(self) -> bool | None:
        """Whether the partner stays at or above its alternative (None: not known)."""
        return None if self.partner_surplus is None else self.partner_surplus.mean >= 0

    @property
    def acceptable(self) -> bool:
        """Complies and gives the NHS its fair share (where there is commercial value to share)."""
        return self.complies and self.meets_share is not False

    def departs(self) -> tuple[PrincipleStatus, ...]:
        """The principles the offer departs from."""
        return tuple(s for s in self.compliance if s.status == "departs")

    def to_dict(self) -> dict[str, Any]:
        """As JSON."""
        return {
            "assumed": dict(self.assumed),
            "complies": self.complies,
            "meets_share": self.meets_share,
            "acceptable": self.acceptable,
            "compliance": [c.to_dict() for c in self.compliance],
            "rule_changes": [r.to_dict() for r in self.rule_changes],
            "nhs": {
                **self.nhs.to_dict(),
                "share": self.nhs_share,
                "contribution_share": self.contribution_share,
                "value_created": self.value_created,
                "fair_value": self.fair_value,
                "shortfall": self.shortfall,
                "shortfall_se": self.shortfall_se,
            },
            "partner": {
                **(self.partner.to_dict() if self.partner else {"mean": None, "se": None, "p10": None, "p90": None}),
                "alternative": self.alternative.to_dict(),
                "surplus": self.partner_surplus.to_dict() if self.partner_surplus else None,
                "above_alternative": self.above_alternative,
            },
            "transfers": self.transfers,
            "zone": self.zone.to_dict(),
            "draws": self.draws,
        }


@dataclass(frozen=True)
class Assessment:
    """An offer judged in every branch the request leaves open."""

    offer: Offer
    requester: dict[str, Any]
    branches: tuple[BranchAssessment, ...]
    seed: int
    draws: int

    @property
    def complies(self) -> bool:
        """Whether the offer complies in every branch."""
        return all(b.complies for b in self.branches)

    @property
    def meets_share(self) -> bool:
        """Whether the offer gives the NHS its fair share in every branch where that is known."""
        return all(b.meets_share is not False for b in self.branches)

    @property
    def acceptable(self) -> bool:
        """Whether the offer is acceptable in every branch."""
        return all(b.acceptable for b in self.branches)

    def to_dict(self) -> dict[str, Any]:
        """As JSON."""
        o = self.offer
        return {
            "request": o.request,
            "requester_index": o.requester,
            "requester": self.requester,
            "made_by": o.made_by,
            "round": o.round,
            "date": o.date.isoformat(),
            "option": o.option,
            "facts": dict(o.facts),
            "terms": [{"term": t.term, "value": t.value, "unit": t.unit} for t in o.terms],
            "seed": self.seed,
            "draws": self.draws,
            "complies": self.complies,
            "meets_share": self.meets_share,
            "acceptable": self.acceptable,
            "branches": [b.to_dict() for b in self.branches],
        }


# --- the branches and their prices ------------------------------------------------------------


def negotiation_spec(dataset: Dataset) -> tuple[ValuationSpec, NegotiationSpec]:
    """The valuation and its negotiation section (a data error naming the missing part otherwise)."""
    spec = dataset.valuation
    if spec is None:
        raise DataValidationError(
            [Problem("valuation.yaml", "", "", "the file to exist in the data folder", "no such file")]
        )
    if spec.negotiation_steps is None:
        raise DataValidationError(
            [Problem("valuation.yaml", "top level", "negotiation_steps", "the steps a counter-offer searches", "none")]
        )
    return spec, NegotiationSpec(spec.partner_alternatives, spec.negotiation_steps)


def _with_requester(request: Request, index: int, requester: Requester) -> Request:
    people = list(request.requesters)
    people[index] = requester
    return request.model_copy(update={"requesters": tuple(people)})


def _stated_request(dataset: Dataset, offer: Offer, request: Request | None = None) -> tuple[Request, Requester]:
    """The offer's request (its file's, unless given) with the facts the offer states filled in."""
    from ..model.data import load_request

    request = load_request(offer.request, dataset) if request is None else request
    requester = request.requester(offer.requester)
    if not offer.facts:
        return request, requester
    shown, person = with_assumed(request, requester, offer.facts)
    return _with_requester(shown, offer.requester, person), person


def _alternative(
    spec: NegotiationSpec, offer: Offer, requester: Requester, request: Request, dataset: Dataset
) -> Alternative:
    if requester.kind not in COMMERCIAL_KINDS:
        return Alternative(
            "not_priced",
            None,
            False,
            "A partner that sells nothing creates no commercial value to weigh.",
            "this framework's reading",
        )
    if offer.alternative is not None:
        if isinstance(offer.alternative, DataSourceCost):
            note = offer.alternative.note or "The partner's own estimate of what comparable data costs it elsewhere."
            return Alternative("data_source", float(offer.alternative.data_source_cost), True, note, "the offer")
        return Alternative(WALK_AWAY, None, True, "The partner says it would walk away.", "the offer")
    row = spec.alternative_for(requester.kind)
    if row is None:
        return Alternative(
            WALK_AWAY,
            None,
            False,
            "No alternative is assumed for this kind of partner: walking away.",
            "this framework's reading",
        )
    if row.alternative == "data_source":
        assert row.per_1000_items is not None
        items = float(sum(site_contributions(dataset, request).images))
        cost = round(row.per_1000_items[request.curation] * items / 1000.0)
        return Alternative("data_source", float(cost), False, row.rationale, row.source)
    return Alternative(WALK_AWAY, None, False, row.rationale, row.source)


class BranchModel:
    """One branch priced: the valuation's draws, the NHS's fair share, the partner's limit, and the expected
    transfers of any terms on those draws (each set of money terms priced once)."""

    def __init__(
        self,
        dataset: Dataset,
        spec: ValuationSpec,
        negotiation: NegotiationSpec,
        offer: Offer,
        request: Request,
        assumed: Mapping[str, Any],
        *,
        seed: int,
        draws: int | None,
        cache: dict[Any, dict] | None = None,
    ):
        self.dataset, self.offer, self.assumed = dataset, offer, dict(assumed)
        index = offer.requester
        value = appraise_requester(
            dataset, spec, request, index, assumed=assumed, draws=draws, seed=seed, fair=False, shares=False
        )
        self.value = value
        self.d: Draws = value.draws
        self.share = value.contribution_share
        self.request, self.requester = with_assumed(request, request.requester(index), assumed)
        self.cost = access_cost(dataset, self.request)
        self.base = price(self.d, {})
        self.cost_pv = -self.base.mean
        a = self.d.assumptions
        self.created_draws = a.market.profit_margin * self.d.revenue_pv
        self.created = float(self.created_draws.mean())
        self.alternative = _alternative(negotiation, offer, self.requester, self.request, dataset)
        # the expected transfers the fair share needs (None: nothing commercial is created, no share to meet)
        self.needed: float | None = self.cost_pv + self.share * self.created if self.created > 0 else None
        if self.alternative.kind == "data_source":
            self.limit: float | None = float(self.alternative.cost or 0.0)
        elif self.alternative.kind == WALK_AWAY:
            self.limit = self.created
        else:
            self.limit = None
        key = (replace(a, access_cost=0.0), self.d.n, self.d.seed)
        store = cache if cache is not None else {}
        self._cache: dict = store.setdefault(key, {})

    def transfers(self, terms: Mapping[str, TermValue]) -> float:
        """The expected present value of what these terms have the partner pay or give the NHS."""
        money = tuple(sorted((k, v) for k, v in terms.items() if is_money_term(k)))
        if money not in self._cache:
            self._cache[money] = price(self.d, dict(money)).mean - self.base.mean
        return self._cache[money]

    def priced(self, terms: Mapping[str, TermValue]) -> OptionValue:
        """The terms priced as the valuation prices an option."""
        return value_option(self.d, OFFER, dict(terms), self.share)


@dataclass(frozen=True)
class Prepared:
    """An offer ready to judge: its request with its stated facts, and one priced model per branch."""

    offer: Offer
    request: Request
    requester: Requester
    models: tuple[BranchModel, ...]
    seed: int
    spec: NegotiationSpec


def prepare(
    dataset: Dataset,
    offer: Offer,
    *,
    seed: int = DEFAULT_SEED,
    draws: int | None = None,
    request: Request | None = None,
) -> Prepared:
    """The offer's branches (the decision tree's outcomes on its request, with the offer's stated facts), each
    priced on the valuation's draws. ``request``: the request as edited (the explorer's), instead of its file."""
    spec, negotiation = negotiation_spec(dataset)
    request, requester = _stated_request(dataset, offer, request)
    outcomes = recommend(dataset, request, offer.requester)
    branches: list[dict[str, Any]] = []
    for outcome in outcomes:
        if outcome.assumed not in branches:
            branches.append(dict(outcome.assumed))
    cache: dict[Any, dict] = {}
    models = tuple(
        BranchModel(dataset, spec, negotiation, offer, request, assumed, seed=seed, draws=draws, cache=cache)
        for assumed in branches
    )
    return Prepared(offer, request, requester, models, seed, negotiation)


# --- compliance and the term rules ----------------------------------------------------------------


def offer_sheet(model: BranchModel, values: Mapping[str, TermValue]) -> TermSheet:
    """Terms as a term sheet for the branch (``option`` the offer), as compliance and the rules read one."""
    terms = tuple(
        Term(term, value, unit_of(term) or "", ("offer",), "As offered.", "the offer") for term, value in values.items()
    )
    return TermSheet(model.offer.request, model.offer.requester, OFFER, terms, model.cost, (), (), dict(model.assumed))


def sheet_statuses(model: BranchModel, sheet: TermSheet) -> tuple[PrincipleStatus, ...]:
    """Each national principle's status for a term sheet in the branch (the guidance checklist, as
    :func:`~imaging_value.framework.guidance.check_guidance` runs it for the options)."""
    dataset = model.dataset
    facts = {**facts_for(model.request, model.requester, dataset.derived_facts), **option_facts(sheet)}
    checks = []
    for item in dataset.guidance:
        status, reason = evaluate_item(item, facts)
        checks.append(GuidanceCheck(item.id, item.principle, item.source, OFFER, status, reason))
    return compliance(dataset, checks, OFFER)


def rule_changes(model: BranchModel, values: Mapping[str, TermValue]) -> tuple[RuleChange, ...]:
    """Each term rule that would change one of these terms, and what it would change it to."""
    dataset = model.dataset
    facts = facts_for(model.request, model.requester, dataset.derived_facts)
    sheet = offer_sheet(model, values)
    after, _fired, removed, _at_cost = apply_rules(
        {t.term: t for t in sheet.terms}, dataset.agreement.rules, facts, model.cost
    )
    rules = {r.id: r for r in dataset.agreement.rules}
    changes = []
    for term in after:
        if term.set_by[-1] in rules and values.get(term.term) != term.value:
            rule = rules[term.set_by[-1]]
            changes.append(
                RuleChange(rule.id, term.term, values.get(term.term), term.value, rule.rationale, rule.source)
            )
    for term, rule_id in removed:
        if term in values:
            rule = rules[rule_id]
            changes.append(RuleChange(rule.id, term, values[term], None, rule.rationale, rule.source))
    return tuple(changes)


def meets_share(nhs_value: float, fair_value: float) -> bool:
    """The fair-share test: the NHS's expected value is at least its contribution share of the value created."""
    return nhs_value >= fair_value


# --- the zone ---------------------------------------------------------------------------------------


def term_scale(
    dataset: Dataset, spec: NegotiationSpec, term: str, option: str | None, current: float | None
) -> tuple[float, float, int]:
    """A term's searched range and its number of steps: ``(low, high, steps)``, high raised to the offered
    value where the offer goes beyond a range that terms.yaml leaves open (the access fee's)."""
    low, high = term_range(dataset, term, option)
    if high is None:
        high = spec.steps.unranged_max.get(term.split(":", 1)[0])
        if high is None:
            raise ParameterError(
                "term", f"a term with a range in terms.yaml or in valuation.yaml's steps ({term})", "none"
            )
        high = max(high, current or 0.0)
    return float(low), float(high), spec.steps.count(term)


def term_grid(
    dataset: Dataset, spec: NegotiationSpec, term: str, option: str | None, current: float | None
) -> tuple[float, ...]:
    """The values a money or duration term is searched over: its allowed range in equal steps (whole months
    and years), with the offered value."""
    unit = TERM_UNITS[term.split(":", 1)[0]]
    low, high, count = term_scale(dataset, spec, term, option, current)
    if unit in WHOLE_UNITS:
        step = max(1.0, round((high - low) / count))
        values = list(np.arange(low, high + 0.5, step))
        if values[-1] != high:
            values.append(high)
    else:
        values = list(np.linspace(low, high, count + 1))
    values = [float(round(v, 10)) for v in values]
    if current is not None:
        values.append(float(current))
    return tuple(sorted(set(values)))


def _first_at_least(values: Sequence[float], f: Callable[[float], float], target: float) -> int | None:
    """The first index whose (non-decreasing) f reaches ``target``, by bisection; None if none does."""
    lo, hi = 0, len(values) - 1
    if f(values[hi]) < target:
        return None
    while lo < hi:
        mid = (lo + hi) // 2
        if f(values[mid]) >= target:
            hi = mid
        else:
            lo = mid + 1
    return lo


def _last_at_most(values: Sequence[float], f: Callable[[float], float], target: float) -> int | None:
    lo, hi = 0, len(values) - 1
    if f(values[lo]) > target:
        return None
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if f(values[mid]) <= target:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _zone(model: BranchModel, values: Mapping[str, TermValue]) -> Zone:
    offer, dataset = model.offer, model.dataset
    spec = negotiation_spec(dataset)[1]
    terms: list[TermZone] = []
    for term, current in values.items():
        unit = TERM_UNITS.get(term.split(":", 1)[0], "text")
        if not is_money_term(term) or unit == "text" or isinstance(current, str):
            continue
        grid = term_grid(dataset, spec, term, offer.option, float(current))

        group = price_group(term, values)
        rest = model.transfers(values) - model.transfers(group)

        def f(x: float, term: str = term, group: dict = group, rest: float = rest) -> float:
            return rest + model.transfers({**group, term: x})

        first = 0 if model.needed is None else _first_at_least(grid, f, model.needed)
        last = len(grid) - 1 if model.limit is None else _last_at_most(grid, f, model.limit)
        low = None if first is None or last is None or first > last else grid[first]
        high = None if low is None or last is None else grid[last]
        terms.append(TermZone(term, unit, float(current), low, high, (grid[0], grid[-1])))
    nhs_low = model.share * model.created
    nhs_high = None if model.limit is None else model.limit - model.cost_pv
    partner: tuple[float | None, float | None] = (
        (None, None)
        if model.limit is None or model.needed is None
        else (model.created - model.limit, model.created - model.needed)
    )
    return Zone(model.needed, model.limit, (nhs_low, nhs_high), partner, tuple(terms))


# --- the assessment -----------------------------------------------------------------------------


def _branch(model: BranchModel, values: Mapping[str, TermValue], *, zone: bool = True) -> BranchAssessment:
    sheet = offer_sheet(model, values)
    statuses = sheet_statuses(model, sheet)
    priced = model.priced(values)
    transfers_draws = priced.npv - model.base.npv
    fair = model.share * model.created
    shortfall_draws = fair - priced.npv  # per draw, against the expected fair value
    shortfall = max(0.0, fair - priced.mean) if model.needed is not None else 0.0
    if model.alternative.kind == "not_priced":
        partner, surplus = None, None
    else:
        partner_draws = model.created_draws - transfers_draws
        partner = Estimate.of(partner_draws)
        alternative_draws = (
            np.zeros_like(partner_draws)
            if model.alternative.kind == WALK_AWAY
            else model.created_draws - (model.limit or 0.0)
        )
        surplus = Estimate.of(partner_draws - alternative_draws)
    created = model.created
    empty = Zone(model.needed, model.limit, (fair, None), (None, None), ())
    return BranchAssessment(
        dict(model.assumed),
        statuses,
        rule_changes(model, values),
        Estimate.of(priced.npv),
        model.share,
        priced.nhs_share if model.needed is not None else None,
        created,
        fair,
        shortfall,
        standard_error(shortfall_draws) if shortfall > 0 else 0.0,
        partner,
        model.alternative,
        surplus,
        float(transfers_draws.mean()),
        _zone(model, values) if zone else empty,
        model.d.n,
    )


def assess(prepared: Prepared, values: Mapping[str, TermValue] | None = None, *, zone: bool = True) -> Assessment:
    """The prepared offer (or other terms for it, e.g. the explorer's edits) judged in every branch."""
    offer = prepared.offer
    values = offer.values() if values is None else dict(values)
    branches = tuple(_branch(m, values, zone=zone) for m in prepared.models)
    shown = offer if values == offer.values() else _with_values(offer, values)
    return Assessment(shown, prepared.requester.summary(), branches, prepared.seed, prepared.models[0].d.n)


def _with_values(offer: Offer, values: Mapping[str, TermValue]) -> Offer:
    from ..model.offers import offer_terms

    return offer.model_copy(update={"terms": offer_terms(values)})


def assess_offer(dataset: Dataset, offer: Offer, *, seed: int = DEFAULT_SEED, draws: int | None = None) -> Assessment:
    """An offer judged in every branch: principles, term rules, both sides' worth and the zone."""
    return assess(prepare(dataset, offer, seed=seed, draws=draws))


# --- the framework's own agreement, seen as an offer ---------------------------------------------


def agreement_position(
    dataset: Dataset,
    request: Request,
    index: int,
    sheet: TermSheet,
    assumed: Mapping[str, Any],
    *,
    seed: int = DEFAULT_SEED,
) -> BranchAssessment | None:
    """The framework's term sheet for one tree outcome assessed as an offer in that outcome's branch: how far
    it sits inside the zone of agreement (None: no negotiation section in valuation.yaml)."""
    import datetime

    from ..model.offers import offer_terms

    spec = dataset.valuation
    if spec is None or spec.negotiation_steps is None:
        return None
    negotiation = negotiation_spec(dataset)[1]
    values = {t.term: t.value for t in sheet.terms}
    facts = {k: v for k, v in assumed.items() if isinstance(v, str)}
    offer = Offer(
        request=request.id,
        requester=index,
        made_by="consortium",
        round=1,
        date=datetime.date(2000, 1, 1),
        option=sheet.option,
        facts=facts,
        terms=offer_terms(values),
    )
    shown, person = with_assumed(request, request.requester(index), facts)
    model = BranchModel(
        dataset, spec, negotiation, offer, _with_requester(shown, index, person), {}, seed=seed, draws=None
    )
    return _branch(model, values)


def position_sentence(b: BranchAssessment) -> str:
    """How far a term sheet, assessed as an offer, sits inside the zone of agreement, in a sentence."""
    if b.nhs_share is None:
        return "No commercial value is created, so there is no share to meet and no zone to sit in."
    margin = b.nhs.mean - b.fair_value
    nhs = (
        f"the NHS receives £{b.nhs.mean:,.0f} in expectation, £{margin:,.0f} above its fair share of "
        f"£{b.fair_value:,.0f} ({b.contribution_share:.1%} of the value created)"
        if margin >= 0
        else f"the NHS receives £{b.nhs.mean:,.0f} in expectation, £{-margin:,.0f} short of its fair share of "
        f"£{b.fair_value:,.0f} ({b.contribution_share:.1%} of the value created)"
    )
    if b.partner_surplus is None:
        partner, above = "", True
    else:
        s = b.partner_surplus.mean
        above = s >= 0
        partner = (
            f", and the partner keeps £{s:,.0f} above its alternative ({b.alternative.sentence()})"
            if above
            else f", and the partner would be £{-s:,.0f} below its alternative ({b.alternative.sentence()})"
        )
    where = "inside" if margin >= 0 and above else "outside"
    return f"As an offer, this term sheet sits {where} the zone of agreement: {nhs}{partner}."
