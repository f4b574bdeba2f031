"""Offers as records: one side's proposed terms for a request, round by round, and the negotiation's assumptions.

An offer names the request and the requester it answers, who made it (the partner or the consortium), the
round and its date, and its terms in the term sheet's own vocabulary and units (``terms.yaml``,
:data:`~imaging_value.model.terms_schema.TERM_UNITS`). :mod:`.offer_files` reads and validates offer files
and negotiation folders against a data folder.

Also here: the negotiation's assumptions in ``valuation.yaml`` (:class:`NegotiationSpec`: the partner's
alternative by requester kind, and the steps the counter-offer searches in), read with the valuation.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field, model_validator

from .schema import COMMERCIAL_KINDS, TREE_FACTS, Identifier, Record, Text, rule_error
from .terms_schema import TERM_UNITS, TermValue

if TYPE_CHECKING:
    from .data import Dataset

__all__ = [
    "OfferTerm",
    "DataSourceCost",
    "Offer",
    "NegotiationSpec",
    "PartnerAlternative",
    "Steps",
    "MADE_BY",
    "WALK_AWAY",
    "NEGOTIATIONS_DIR",
    "ROUND_GLOB",
    "OFFER_FACTS",
    "term_range",
    "offer_yaml",
    "is_percentage",
    "unit_for",
    "offer_terms",
]

MADE_BY = ("partner", "consortium")
WALK_AWAY = "walk_away"
NEGOTIATIONS_DIR = "negotiations"
ROUND_GLOB = "round-*.yaml"
# the facts an offer may state where its request leaves them unstated (those the decision tree branches on)
OFFER_FACTS = tuple(f.split(".", 1)[1] for f in TREE_FACTS)

Money = Annotated[float, Field(ge=0)]
Share = Annotated[float, Field(ge=0, le=1)]
if TYPE_CHECKING:
    MadeBy = str
    CommercialKind = str
else:
    MadeBy = Literal[MADE_BY]
    CommercialKind = Literal[COMMERCIAL_KINDS]
CurationLevel = Literal["raw", "cleaned", "curated", "unstated"]


# --- the negotiation's assumptions (valuation.yaml, section "negotiation") ------------------------


class PartnerAlternative(Record):
    """What a commercial partner of one kind does without this agreement: walk away (it builds nothing, so its
    alternative is worth 0), or buy comparable data elsewhere at a price per 1,000 items by curation."""

    kind: CommercialKind
    alternative: Literal["walk_away", "data_source"]
    per_1000_items: dict[CurationLevel, Money] | None = None
    rationale: Text
    source: Text

    @model_validator(mode="after")
    def _priced_when_bought(self) -> PartnerAlternative:
        if self.alternative == "data_source":
            if self.per_1000_items is None:
                raise rule_error("per_1000_items", "a price per 1,000 items for a data source", "none")
            missing = [c for c in ("raw", "cleaned", "curated", "unstated") if c not in self.per_1000_items]
            if missing:
                raise rule_error(
                    "per_1000_items", "a price for raw, cleaned, curated and unstated", "none for " + ", ".join(missing)
                )
        elif self.per_1000_items is not None:
            raise rule_error("per_1000_items", "no prices for walk_away", "prices")
        return self


class Steps(Record):
    """The discrete range the counter-offer searches: each term's allowed range in ``value`` equal steps
    (``by_term`` for some terms), months and years in whole units; ``unranged_max`` bounds a term that has no
    range in ``terms.yaml`` (the access fee, priced at cost)."""

    value: int = Field(ge=1, le=1000)
    by_term: dict[Text, Annotated[int, Field(ge=1, le=1000)]] = Field(default_factory=dict)
    unranged_max: dict[Text, Money] = Field(default_factory=dict)
    rationale: Text
    source: Text

    def count(self, term: str) -> int:
        """How many steps a term's range is searched in."""
        return self.by_term.get(term, self.by_term.get(term.split(":", 1)[0], self.value))


@dataclass(frozen=True)
class NegotiationSpec:
    """``valuation.yaml``'s negotiation sections: ``partner_alternatives`` and ``negotiation_steps``."""

    alternatives: tuple[PartnerAlternative, ...]
    steps: Steps

    def alternative_for(self, kind: str) -> PartnerAlternative | None:
        """The assumed alternative of a partner of this kind (None: not priced, e.g. a university)."""
        return next((a for a in self.alternatives if a.kind == kind), None)


# --- an offer -----------------------------------------------------------------------------------


class OfferTerm(Record):
    """One term of an offer: its id (terms.yaml's vocabulary), value and unit (required for a number)."""

    term: Text
    value: TermValue
    unit: Text | None = None


class DataSourceCost(Record):
    """The partner's stated alternative: a data source at this cost (GBP, paid at signing)."""

    data_source_cost: Money
    note: Text | None = None


class Offer(Record):
    """One round's offer: for a request and requester, by one side, with its terms."""

    request: Identifier
    requester: int = Field(default=0, ge=0)
    made_by: MadeBy
    round: int = Field(ge=1, le=1000)
    date: datetime.date
    option: Identifier | None = None  # the agreement option the offer is written against (its ranges apply)
    facts: dict[Text, Text] = Field(default_factory=dict)  # facts the request leaves unstated, now agreed
    alternative: Literal["walk_away"] | DataSourceCost | None = None  # the partner's stated alternative
    terms: tuple[OfferTerm, ...] = Field(min_length=1)
    note: Text | None = None

    def values(self) -> dict[str, TermValue]:
        """``{term id: value}``, as a valuation prices a term sheet."""
        return {t.term: t.value for t in self.terms}

    def value(self, term: str, default: TermValue | None = None) -> TermValue | None:
        """The value of one of the offer's terms (``default`` when the offer does not have it)."""
        return next((t.value for t in self.terms if t.term == term), default)


def is_percentage(unit: str) -> bool:
    """Whether a unit is a percentage (a rate, a share, a stake or a discount)."""
    return unit.startswith("%")


def term_range(dataset: Dataset, term: str, option: str | None = None) -> tuple[float, float | None]:
    """A term's allowed range ``(low, high)``: the offer's option template's range for it, else the widest any
    template in ``terms.yaml`` gives it (or a term of its kind: ``milestone:<event>``); ``high`` None where no
    template bounds it (the access fee, priced at cost)."""
    templates = dataset.agreement.templates
    kind = term.split(":", 1)[0]
    for scope in ((option,) if option else ()) + (None,):
        for match in (lambda t: t == term, lambda t: t.split(":", 1)[0] == kind):
            found = [
                (spec.min, spec.max)
                for oid, specs in templates.items()
                if scope is None or oid == scope
                for spec in specs
                if match(spec.term) and (spec.min is not None or spec.max is not None)
            ]
            if found:
                lows = [lo for lo, _ in found if lo is not None]
                highs = [hi for _, hi in found]
                return (min(lows) if lows else 0.0, None if None in highs else max(h for h in highs if h is not None))
    return 0.0, None


def _yaml_value(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def offer_yaml(offer: Offer, comments: Iterable[str] = ()) -> str:
    """The offer as a file :func:`load_offer` reads back (``comments`` first, one ``#`` line each)."""
    import yaml

    data: dict[str, Any] = {
        "request": offer.request,
        "requester": offer.requester,
        "made_by": offer.made_by,
        "round": offer.round,
        "date": offer.date,
    }
    if offer.option is not None:
        data["option"] = offer.option
    if offer.facts:
        data["facts"] = dict(offer.facts)
    if offer.alternative is not None:
        data["alternative"] = (
            offer.alternative if isinstance(offer.alternative, str) else offer.alternative.model_dump(exclude_none=True)
        )
    tail: dict[str, Any] = {} if offer.note is None else {"note": offer.note}
    head = "".join(f"# {line}\n" for line in comments)
    terms = [
        {"term": t.term, "value": _yaml_value(t.value), **({"unit": t.unit} if t.unit is not None else {})}
        for t in offer.terms
    ]
    lines = "".join(
        "  - "
        + yaml.safe_dump(t, default_flow_style=True, sort_keys=False, allow_unicode=True, width=10_000).strip()
        + "\n"
        for t in terms
    )
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110) + "terms:\n" + lines
    if tail:
        body += yaml.safe_dump(tail, sort_keys=False, allow_unicode=True, width=110)
    return head + body


def unit_for(term: str) -> str | None:
    """The unit an offer states for a term (None for a term that holds words)."""
    unit = TERM_UNITS.get(term.split(":", 1)[0])
    return None if unit in (None, "text") else unit


def offer_terms(values: Mapping[str, TermValue]) -> tuple[OfferTerm, ...]:
    """Offer terms from ``{term id: value}``, each with its unit."""
    return tuple(OfferTerm(term=t, value=v, unit=unit_for(t)) for t, v in values.items())
