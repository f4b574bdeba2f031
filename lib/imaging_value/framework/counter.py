"""The counter-offer: the smallest change to an offer that complies and gives the NHS its fair share.

Smallest means fewest terms moved, then the smallest moves (each measured as a share of the term's allowed
range; a change of words counts as a whole range), each within its allowed range on the steps
``valuation.yaml`` gives (``negotiation.steps``). Terms the user keeps stay as offered. The counter never asks
the partner for more than its alternative leaves it willing to pay (or than it already offers, if more), so it
stays worth signing for the partner.

The search is exact over those discrete ranges: one mixed-integer programme (scipy's ``milp``, HiGHS) over
every term's values at once, in every branch the request leaves open, so one counter-offer holds whatever the
unstated facts turn out to be. Its parts:

* each term (or the royalty with its cap) picks one of its values (a binary per value);
* money: the expected transfers from the partner are a sum over the valuation's pricing groups
  (:data:`~imaging_value.framework.negotiation.PRICE_GROUPS`), each priced on the branch's draws. A fee, a
  subscription or a product discount is linear in its amount once its timing or length is chosen (the amount
  is split by that choice, exactly); milestones, profit share, equity and in-kind work are linear; a capped
  royalty is not, so its values are priced lazily: the programme starts from bounds that monotonicity gives
  (more royalty or a higher cap never pays the NHS less), and each value it picks is priced and the programme
  solved again, until it picks only priced values, which is then the exact optimum;
* compliance: each automatic national principle that would depart is a condition on the option's facts (the
  mechanisms the terms carry, the exclusivity, the access route), written as linear constraints on the same
  binaries.

The counter-offer found is assessed again, like any offer, before it is returned.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..core.defaults import DEFAULT_SEED
from ..core.errors import ImagingValueError, ParameterError
from ..maths.valuation import FEE_DUE
from ..model.conditions import holds
from ..model.data import Dataset
from ..model.offers import Offer, OfferTerm, unit_for
from ..model.schema import ACCESS_ROUTES, Condition
from ..model.terms_schema import TERM_UNITS, TermValue
from .negotiation import (
    MONEY_TERMS,
    Assessment,
    BranchModel,
    Prepared,
    assess,
    branch_facts,
    is_money_term,
    offer_sheet,
    prepare,
    term_grid,
    term_scale,
)
from .terms import MECHANISM_OF_TERM, option_facts

__all__ = [
    "Move",
    "CounterOffer",
    "counter_offer",
    "counter_from",
    "moved_terms",
    "move_words",
    "prepare_like",
    "NEGOTIABLE",
]

PENNY = 0.01  # the counter-offer clears each bound by a penny, so rounding never tips it back
# linear money terms priced on their own (their amount times a price per unit on the branch's draws)
LINEAR = ("milestone", "in_kind", "profit_share", "equity")
# an amount whose worth depends on another term's choice: amount term -> the term that sets its timing or length
SPLIT = {
    "access_fee": "access_fee_due",
    "subscription": "subscription_years",
    "product_access_discount": "product_access_months",
}
# terms whose absence means something other than 0 (a fee due at signing, a subscription or discount for the
# whole horizon, an uncapped royalty)
ABSENT_DIFFERS = ("access_fee_due", "subscription_years", "product_access_months", "royalty_cap")
# text terms that carry a mechanism, added in a template's wording where the counter needs them
WORDED = ("golden_share", "consent_to_commercialise")
# every term the counter may move (the others, e.g. IP and the embargo, stay as offered: no principle and
# no price reads them)
NEGOTIABLE = (*MONEY_TERMS, "exclusivity_months", "access_route", "golden_share", "consent_to_commercialise")


@dataclass(frozen=True)
class Move:
    """One term the counter-offer changes: from the offer's value to its own (None: absent)."""

    term: str
    offered: TermValue | None
    counter: TermValue | None
    unit: str

    def to_dict(self) -> dict[str, Any]:
        """As JSON."""
        return {"term": self.term, "offered": self.offered, "counter": self.counter, "unit": self.unit}


@dataclass(frozen=True)
class CounterOffer:
    """The counter-offer to an offer, as the next round's offer, with the terms it moves; or why none exists
    (``offer`` None), or that none is needed (``needed`` False)."""

    offer: Offer | None
    moves: tuple[Move, ...]
    kept: tuple[str, ...]
    needed: bool
    reason: str
    assessment: Assessment | None  # the counter-offer assessed again
    solves: int = 0  # how many programmes were solved (priced royalty values are added between them)

    def to_dict(self) -> dict[str, Any]:
        """As JSON."""
        return {
            "needed": self.needed,
            "exists": self.offer is not None,
            "reason": self.reason,
            "kept": list(self.kept),
            "moves": [m.to_dict() for m in self.moves],
            "moved_terms": len(self.moves),
            "offer": None
            if self.offer is None
            else {
                "round": self.offer.round,
                "made_by": self.offer.made_by,
                "terms": [{"term": t.term, "value": t.value, "unit": t.unit} for t in self.offer.terms],
            },
            "assessment": None if self.assessment is None else self.assessment.to_dict(),
        }


def moved_terms(before: Mapping[str, TermValue], after: Mapping[str, TermValue]) -> tuple[Move, ...]:
    """The terms that differ between two sets of terms (an amount of 0 and an absent amount are the same)."""

    def same(term: str) -> bool:
        a, b = before.get(term), after.get(term)
        if term.split(":", 1)[0] not in ABSENT_DIFFERS and is_money_term(term) or term == "exclusivity_months":
            a = 0 if a is None else a
            b = 0 if b is None else b
        return a == b

    order = list(before) + [t for t in after if t not in before]
    return tuple(
        Move(term, before.get(term), after.get(term), TERM_UNITS.get(term.split(":", 1)[0], "text"))
        for term in order
        if not same(term)
    )


# --- the decisions and the programme -------------------------------------------------------------


def _number(value: TermValue | None) -> float:
    return float(value) if isinstance(value, (int, float)) else 0.0


def _present(value: TermValue | None) -> bool:
    """Whether a term's value carries its mechanism (a number of 0, or no value, carries none)."""
    if value is None:
        return False
    return not (isinstance(value, (int, float)) and value == 0)


def _mechanism_of(term: str) -> str | None:
    return MECHANISM_OF_TERM.get(term.split(":", 1)[0])


def template_wording(dataset: Dataset, term: str, option: str | None) -> str | None:
    """A template's wording for a text term (the offer's option's first, else the first template's)."""
    templates = dataset.agreement.templates
    order = ([option] if option in templates else []) + [o for o in templates if o != option]
    for oid in order:
        for spec in templates[oid]:
            if spec.term == term and isinstance(spec.value, str):
                return spec.value
    return None


class _Programme:
    """The columns and rows of one mixed-integer programme; an expression is ``({column: coefficient}, constant)``."""

    def __init__(self, big: float) -> None:
        self.big = big
        self.lb: list[float] = []
        self.ub: list[float] = []
        self.integer: list[int] = []
        self.cost: list[float] = []
        self.rows: list[tuple[dict[int, float], float, float]] = []

    def var(self, low: float, high: float, *, integer: bool, cost: float = 0.0) -> int:
        self.lb.append(low)
        self.ub.append(high)
        self.integer.append(1 if integer else 0)
        self.cost.append(cost)
        return len(self.lb) - 1

    def binary(self, cost: float = 0.0) -> int:
        return self.var(0.0, 1.0, integer=True, cost=cost)

    def row(self, expr: Expr, low: float, high: float) -> None:
        """``low <= expr <= high``."""
        coefs, const = expr
        self.rows.append((dict(coefs), low - const, high - const))

    def solve(self) -> np.ndarray | None:
        from scipy.optimize import Bounds, LinearConstraint, milp
        from scipy.sparse import coo_matrix

        rows, cols, data, lows, highs = [], [], [], [], []
        for i, (coefs, low, high) in enumerate(self.rows):
            for k, v in coefs.items():
                if v:
                    rows.append(i)
                    cols.append(k)
                    data.append(v)
            lows.append(low)
            highs.append(high)
        matrix = coo_matrix((data, (rows, cols)), shape=(len(self.rows), len(self.lb))).tocsr()
        result = milp(
            np.asarray(self.cost),
            integrality=np.asarray(self.integer),
            bounds=Bounds(np.asarray(self.lb), np.asarray(self.ub)),
            constraints=[LinearConstraint(matrix, np.asarray(lows), np.asarray(highs))] if self.rows else [],
            options={"time_limit": 30.0, "mip_rel_gap": 0.0},
        )
        if result.status != 0 or result.x is None:
            return None
        return np.asarray(result.x)


Expr = tuple[dict[int, float], float]


def _sum(*parts: Expr, scale: Sequence[float] | None = None) -> Expr:
    coefs: dict[int, float] = {}
    const = 0.0
    for n, (c, k) in enumerate(parts):
        f = 1.0 if scale is None else scale[n]
        for col, v in c.items():
            coefs[col] = coefs.get(col, 0.0) + f * v
        const += f * k
    return coefs, const


def _col(col: int, coef: float = 1.0) -> Expr:
    return {col: coef}, 0.0


def _const(value: float) -> Expr:
    return {}, value


class _Amount:
    """A linear amount (a fee, a milestone, a share of profit, ...): the offered value (``cur``), or any value
    ``low + step x k`` of its grid; ``up - down`` is the move, ``present`` whether the value is above 0."""

    def __init__(self, term: str, offered: float, listed: bool, scale: tuple[float, float, int], kept: bool):
        self.term, self.offered, self.listed, self.kept = term, offered, listed, kept
        self.low, self.high, self.steps = scale
        self.step = (self.high - self.low) / self.steps if self.steps else 0.0
        self.span = max(self.high - self.low, 1e-12)
        positive = [v for v in (self.low, self.low + self.step, offered) if v > 0]
        self.smallest = min(positive, default=0.0)

    def add(self, p: _Programme) -> None:
        # kept as offered: no move (the programme's objective counts every other choice a move)
        self.cur = p.var(1.0 if self.kept else 0.0, 1.0, integer=True, cost=-p.big)
        self.k = p.var(0.0, float(self.steps), integer=True)
        self.up = p.var(0.0, np.inf, integer=False, cost=1.0 / self.span)
        self.down = p.var(0.0, np.inf, integer=False, cost=1.0 / self.span)
        self.present = p.binary()
        p.row(_sum(_col(self.k), _col(self.cur, float(self.steps))), -np.inf, float(self.steps))  # k = 0 if kept
        p.row(_sum(self.value(), _col(self.up, -1.0), _col(self.down, 1.0), _const(-self.offered)), 0.0, 0.0)
        p.row(_sum(self.value(), _col(self.present, -max(self.high, self.offered))), -np.inf, 0.0)
        p.row(_sum(self.value(), _col(self.present, -self.smallest)), 0.0, np.inf)

    def value(self) -> Expr:
        """value = offered x cur + (low + step x k) x (1 - cur), with k = 0 when cur."""
        return ({self.cur: self.offered - self.low, self.k: self.step}, self.low)

    def moved(self) -> Expr:
        return {self.cur: -1.0}, 1.0

    def read(self, x: np.ndarray) -> float:
        if x[self.cur] > 0.5:
            return self.offered
        return float(round(self.low + self.step * round(x[self.k]), 10))


class _Table:
    """A term with a few values (a timing or length, the exclusivity, the access route, a worded clause)."""

    def __init__(self, term: str, choices: list[TermValue | None], current: int, costs: list[float]):
        self.term, self.choices, self.current, self.costs = term, choices, current, costs

    def add(self, p: _Programme) -> None:
        self.cols = [
            p.binary(cost=(0.0 if i == self.current else p.big) + self.costs[i]) for i in range(len(self.choices))
        ]
        p.row(({c: 1.0 for c in self.cols}, 0.0), 1.0, 1.0)

    def where(self, test: Any) -> Expr:
        return {c: 1.0 for c, v in zip(self.cols, self.choices) if test(v)}, 0.0

    def read(self, x: np.ndarray) -> TermValue | None:
        return self.choices[max(range(len(self.cols)), key=lambda i: x[self.cols[i]])]


class _Axis:
    """The royalty (or its cap) moved along its grid, the other as offered: priced lazily, per branch.

    Values priced are points of the programme (a binary each); each run of unpriced values between two priced
    ones is one choice (a binary, an integer offset along the run, and per branch a value bounded by the priced
    ends: the royalty pays the NHS more as the rate or the cap rises)."""

    def __init__(self, values: list[float | None], current: int, price: Any, models: int, span: float):
        self.values, self.current, self.price, self.span = values, current, price, max(span, 1e-12)
        self.known: list[dict[int, float]] = [{} for _ in range(models)]
        self.evaluate(current)
        self.evaluate(0)
        self.evaluate(len(values) - 1)
        for i in range(0, len(values), max(1, len(values) // 6)):
            self.evaluate(i)

    def evaluate(self, i: int) -> None:
        for b in range(len(self.known)):
            if i not in self.known[b]:
                self.known[b][i] = self.price(b, self.values[i])

    def _number(self, i: int) -> float:
        v = self.values[i]
        return np.inf if v is None else float(v)

    def add(self, p: _Programme) -> None:
        known = sorted(self.known[0])
        self.points = {i: p.binary(cost=0.0 if i == self.current else p.big + self.move_cost(i)) for i in known}
        self.gaps: list[tuple[int, int, int, int]] = []  # (first index, last index, binary, offset column)
        for a, b in zip(known, known[1:]):
            if b - a < 2:
                continue
            first, last = a + 1, b - 1
            side = 1.0 if self._number(first) > self._number(self.current) else -1.0
            step = (self._number(last) - self._number(first)) / max(last - first, 1)
            g = p.binary(cost=p.big + self.move_cost(first))
            o = p.var(0.0, float(last - first), integer=True, cost=side * step / self.span)
            p.row(_sum(_col(o), _col(g, -float(last - first))), -np.inf, 0.0)
            self.gaps.append((first, last, g, o))
        self.columns = list(self.points.values()) + [g for *_x, g, _o in self.gaps]

    def move_cost(self, i: int) -> float:
        a, b = self.values[i], self.values[self.current]
        if a is None or b is None:
            return 1.0 if a != b else 0.0
        return abs(float(a) - float(b)) / self.span

    def money(self, p: _Programme, branch: int, scale: float) -> Expr:
        """The branch's change in transfers from the offer, over ``scale``."""
        base = self.known[branch][self.current]
        coefs: dict[int, float] = {i: (v - base) / scale for i, v in ((i, self.known[branch][i]) for i in self.points)}
        expr = ({self.points[i]: c for i, c in coefs.items()}, 0.0)
        parts = [expr]
        for first, last, g, _o in self.gaps:
            below = self.known[branch][first - 1] - base
            above = self.known[branch][last + 1] - base
            w = p.var(-np.inf, np.inf, integer=False)
            p.row(_sum(_col(w), _col(g, -below / scale)), 0.0, np.inf)
            p.row(_sum(_col(w), _col(g, -above / scale)), -np.inf, 0.0)
            parts.append(_col(w))
        return _sum(*parts)

    def where(self, test: Any) -> Expr:
        """The choices whose values pass ``test`` (a run passes where its values all do)."""
        coefs = {c: 1.0 for i, c in self.points.items() if test(self.values[i])}
        for first, last, g, _o in self.gaps:
            if test(self.values[first]) and test(self.values[last]):
                coefs[g] = 1.0
        return coefs, 0.0

    def read(self, x: np.ndarray) -> tuple[int, bool] | None:
        """(index chosen, whether it was priced); None where none of its choices is."""
        for i, c in self.points.items():
            if x[c] > 0.5:
                return i, True
        for first, _last, g, o in self.gaps:
            if x[g] > 0.5:
                return first + int(round(x[o])), False
        return None


class _Space:
    """Every negotiable term of an offer as a decision of the programme, in every branch."""

    def __init__(self, prepared: Prepared, values: Mapping[str, TermValue], keep: Iterable[str]):
        self.prepared, self.values, self.keep = prepared, dict(values), set(keep)
        self.models = prepared.models
        self.dataset = self.models[0].dataset
        spec, option = prepared.spec, prepared.offer.option
        self.spec, self.option = spec, option
        terms = [t for t in values if t.split(":", 1)[0] in NEGOTIABLE]
        for term in NEGOTIABLE:
            if term == "milestone":
                terms += [f"milestone:{e.id}" for e in self.dataset.agreement.milestone_events]
            elif term == "in_kind":
                terms += [f"in_kind:{s.id}" for s in self.dataset.agreement.in_kind_services]
            else:
                terms.append(term)
        self.terms = list(dict.fromkeys(terms))
        self.amounts: dict[str, _Amount] = {}
        self.tables: dict[str, _Table] = {}
        r0, c0 = self.values.get("royalty"), self.values.get("royalty_cap")
        self.capped = c0 is not None and _number(r0) > 0
        for term in self.terms:
            kind = term.split(":", 1)[0]
            if kind in LINEAR or term in SPLIT or (term == "royalty" and not self.capped):
                self.amounts[term] = self._amount(term)
            elif term not in ("royalty", "royalty_cap"):
                self.tables[term] = self._table(term)
        self.axes: dict[str, _Axis] = {}
        self.joint: _Joint | None = None
        self._royalty(r0, c0)

    def offered(self, term: str) -> TermValue | None:
        return self.values.get(term)

    def _grid(self, term: str) -> list[float]:
        offered = self.offered(term)
        current = float(offered) if isinstance(offered, (int, float)) else None
        return list(term_grid(self.dataset, self.spec, term, self.option, current))

    def _amount(self, term: str) -> _Amount:
        offered = self.offered(term)
        current = float(offered) if isinstance(offered, (int, float)) else None
        scale = term_scale(self.dataset, self.spec, term, self.option, current)
        return _Amount(term, _number(offered), term in self.values, scale, term in self.keep)

    def _table(self, term: str) -> _Table:
        offered = self.offered(term)
        if term in self.keep:
            choices: list[TermValue | None] = [offered]
        elif term == "access_fee_due":
            choices = [None, *FEE_DUE]
        elif term == "access_route":
            choices = [None, *ACCESS_ROUTES]
        elif term in WORDED:
            choices = list(dict.fromkeys([offered, None, template_wording(self.dataset, term, self.option)]))
        else:  # a length or the exclusivity: its grid (absent where absence means something of its own)
            grid: list[TermValue | None] = list(self._grid(term))
            choices = [None, *grid] if term in ABSENT_DIFFERS else grid
            if offered is None and term not in ABSENT_DIFFERS and 0.0 not in choices:
                choices.insert(0, 0.0)
        if offered is None and term not in ABSENT_DIFFERS and 0.0 in choices:
            current = choices.index(0.0)
        else:
            if offered not in choices:
                choices.append(offered)
            current = choices.index(offered)
        numbers = [float(c) for c in choices if isinstance(c, (int, float))]
        span = (max(numbers) - min(numbers)) if len(numbers) > 1 else 1.0
        costs = []
        for c in choices:
            o = choices[current]
            if isinstance(c, (int, float)) and isinstance(o, (int, float)):
                costs.append(abs(float(c) - float(o)) / max(span, 1e-12))
            else:
                costs.append(0.0 if c == o else 1.0)
        return _Table(term, choices, current, costs)

    def _royalty(self, r0: TermValue | None, c0: TermValue | None) -> None:
        rate0 = _number(r0)
        models = self.models
        linear = [m.transfers({"royalty": 1.0}) for m in models]

        def worth(b: int, rate: float, cap: float | None) -> float:
            if rate == 0:
                return 0.0
            if cap is None:
                return rate * linear[b]
            return models[b].transfers({"royalty": rate, "royalty_cap": cap})

        self.linear = linear
        if not self.capped:  # the rate is an amount; a cap may be added, the rate as offered
            if rate0 > 0 and "royalty_cap" not in self.keep:
                caps: list[float | None] = [*self._grid("royalty_cap"), None]
                self.axes["royalty_cap"] = _Axis(
                    caps, len(caps) - 1, lambda b, c: worth(b, rate0, c), len(models), caps[-2] - caps[0]
                )
            return
        cap0 = float(_number(c0))
        if "royalty" not in self.keep:
            rates = self._grid("royalty")
            self.axes["royalty"] = _Axis(
                rates, rates.index(rate0), lambda b, r: worth(b, float(r), cap0), len(models), rates[-1] - rates[0]
            )
        if "royalty_cap" not in self.keep:
            caps = [*self._grid("royalty_cap"), None]
            self.axes["royalty_cap"] = _Axis(
                caps, caps.index(cap0), lambda b, c: worth(b, rate0, c), len(models), caps[-2] - caps[0]
            )
            if "royalty" not in self.keep:  # the cap removed and the rate moved together
                self.joint = _Joint(rate0, term_scale(self.dataset, self.spec, "royalty", self.option, rate0))

    # --- reading a solution back ---

    def read(self, x: np.ndarray) -> tuple[dict[str, TermValue], list[tuple[_Axis, int]]]:
        """The terms a solution gives, and the unpriced royalty values it picked."""
        values: dict[str, TermValue | None] = dict(self.values)
        for term, amount in self.amounts.items():
            values[term] = amount.read(x)
        for term, table in self.tables.items():
            values[term] = table.read(x)
        unpriced = []
        if self.joint is not None and x[self.joint.on] > 0.5:
            values["royalty"] = self.joint.read(x)
            values["royalty_cap"] = None
        else:
            for term, axis in self.axes.items():
                chosen = axis.read(x)
                if chosen is None:
                    continue
                i, priced = chosen
                if not priced:
                    unpriced.append((axis, i))
                if i != axis.current:
                    values[term] = axis.values[i]
        out: dict[str, TermValue] = {}
        for term, value in values.items():
            if value is None:
                continue
            offered = self.values.get(term)
            if (
                term not in self.values
                and isinstance(value, (int, float))
                and value == 0
                and term not in ABSENT_DIFFERS
            ):
                continue  # absent as offered
            if isinstance(value, (int, float)) and value == 0 and is_money_term(term) and term not in ABSENT_DIFFERS:
                if offered is None or _number(offered) != 0:
                    continue  # an amount moved to 0 leaves the agreement
            out[term] = value
        return out, unpriced


class _Joint:
    """The royalty's cap removed and its rate moved together (two terms moved): ``on``, and the rate
    ``low + step x k``, priced uncapped."""

    def __init__(self, offered: float, scale: tuple[float, float, int]):
        self.offered = offered
        self.low, self.high, self.steps = scale
        self.step = (self.high - self.low) / self.steps if self.steps else 0.0
        self.span = max(self.high - self.low, 1e-12)
        self.smallest = min([v for v in (self.low, self.low + self.step) if v > 0], default=0.0)

    def add(self, p: _Programme, cap_cost: float) -> None:
        self.on = p.binary(cost=2 * p.big + cap_cost)
        self.k = p.var(0.0, float(self.steps), integer=True)
        self.up = p.var(0.0, np.inf, integer=False, cost=1.0 / self.span)
        self.down = p.var(0.0, np.inf, integer=False, cost=1.0 / self.span)
        p.row(_sum(_col(self.k), _col(self.on, -float(self.steps))), -np.inf, 0.0)  # k = 0 unless on
        p.row(_sum(self.rate(), _col(self.on, -self.smallest)), 0.0, np.inf)  # a rate above 0
        # the rate's move from the offered one, where on
        p.row(_sum(self.rate(), _col(self.on, -self.offered), _col(self.up, -1.0), _col(self.down, 1.0)), 0.0, 0.0)

    def rate(self) -> Expr:
        return {self.on: self.low, self.k: self.step}, 0.0

    def read(self, x: np.ndarray) -> float:
        return float(round(self.low + self.step * round(x[self.k]), 10))


def _build(space: _Space, problem: _Problem, *, compliance: bool = True, money: bool = True) -> _Programme:
    n_terms = len(space.amounts) + len(space.tables) + 2
    p = _Programme(float(n_terms + 1))
    for amount in space.amounts.values():
        amount.add(p)
    for table in space.tables.values():
        table.add(p)
    for axis in space.axes.values():
        axis.add(p)
    rate, cap = space.axes.get("royalty"), space.axes.get("royalty_cap")
    if space.capped:
        # one royalty choice at a time: a rate (the cap as offered), a cap (the rate as offered), or the cap
        # removed with the rate moved; the offered royalty is the rate axis's own point where there is one
        columns: dict[int, float] = {}
        for axis in (rate, cap):
            if axis is not None:
                columns.update({c: 1.0 for c in axis.columns})
        if rate is not None and cap is not None:
            p.ub[cap.points[cap.current]] = 0.0
        if space.joint is not None:
            assert cap is not None
            space.joint.add(p, cap.move_cost(len(cap.values) - 1))
            columns[space.joint.on] = 1.0
        if columns:
            p.row((columns, 0.0), 1.0, 1.0)
    elif cap is not None:
        p.row(({c: 1.0 for c in cap.columns}, 0.0), 1.0, 1.0)
        amount = space.amounts.get("royalty")
        if amount is not None:  # a cap is added only to the rate as offered
            off = ({c: 1.0 for c in cap.columns if c != cap.points[cap.current]}, 0.0)
            p.row(_sum(off, amount.moved()), -np.inf, 1.0)
    if money:
        _money_rows(p, space, problem)
    if compliance:
        _compliance_rows(p, space)
    _milestone_rows(p, space)
    return p


def _money_rows(p: _Programme, space: _Space, problem: _Problem) -> None:
    rate = space.axes.get("royalty")
    milestones = {k: v for k, v in space.values.items() if k.startswith("milestone:")}
    for b, model in enumerate(space.models):
        low, high = problem.lower[b], problem.upper[b]
        if low is None and high is None:
            continue
        t0 = model.transfers(space.values)
        scale = max(abs(t0), abs(low or 0.0), abs(high or 0.0), 1000.0)
        parts: list[Expr] = []
        for term, amount in space.amounts.items():
            if term in SPLIT:
                continue
            slope = space.linear[b] if term == "royalty" else model.transfers({term: 1.0})
            parts.append(_sum(amount.value(), _const(-amount.offered), scale=[slope / scale, slope / scale]))
        for amount_term, axis_term in SPLIT.items():
            amount = space.amounts.get(amount_term)
            table = space.tables.get(axis_term)
            if amount is None or table is None:
                continue
            top = max(amount.high, amount.offered)
            split: list[Expr] = []
            for col, timing in zip(table.cols, table.choices):
                unit = {amount_term: 1.0, **({axis_term: timing} if timing is not None else {})}
                extra = milestones if timing == "first_milestone" else {}
                slope = model.transfers({**unit, **extra}) - model.transfers(extra)
                u = p.var(0.0, top, integer=False)
                p.row(_sum(_col(u), _col(col, -top)), -np.inf, 0.0)  # only under the timing chosen
                split.append(_col(u))
                parts.append(_col(u, slope / scale))
            p.row(_sum(*split, amount.value(), scale=[1.0] * len(split) + [-1.0]), 0.0, 0.0)
            timing = space.values.get(axis_term)
            unit = {amount_term: 1.0, **({axis_term: timing} if timing is not None else {})}
            extra = milestones if timing == "first_milestone" else {}
            parts.append(
                _const(-amount.offered * (model.transfers({**unit, **extra}) - model.transfers(extra)) / scale)
            )
        for axis in space.axes.values():
            parts.append(axis.money(p, b, scale))
        if space.joint is not None:
            joint = space.joint
            offered = rate.known[b][rate.current] if rate is not None else 0.0
            # the cap removed: the rate priced uncapped, less what the offered royalty paid
            parts.append(_sum(joint.rate(), scale=[space.linear[b] / scale]))
            parts.append(_col(joint.on, -offered / scale))
        total = _sum(*parts)
        lower = -np.inf if low is None else (low - t0 + PENNY) / scale
        upper = np.inf if high is None else (high - t0) / scale
        p.row(total, lower, upper)


def _presence(space: _Space, term: str) -> Expr | None:
    """An expression equal to 1 where the term carries its mechanism (None: a term as offered, not decided)."""
    if term in space.amounts:
        return _col(space.amounts[term].present)
    if term in space.tables:
        return space.tables[term].where(_present)
    if term == "royalty" and space.capped and (space.axes or space.joint):
        parts: list[Expr] = []
        if "royalty" in space.axes:
            parts.append(space.axes["royalty"].where(_present))
        if "royalty_cap" in space.axes:  # the rate as offered, above 0
            parts.append(({c: 1.0 for c in space.axes["royalty_cap"].columns}, 0.0))
        if space.joint is not None:
            parts.append(_col(space.joint.on))
        return _sum(*parts)
    return None


def _compliance_rows(p: _Programme, space: _Space) -> None:
    dataset = space.dataset
    decided = set(space.amounts) | set(space.tables)
    if _presence(space, "royalty") is not None:
        decided.add("royalty")
    fixed = {t: v for t, v in space.values.items() if t not in decided}
    mechanisms: dict[str, Expr] = {}

    def mechanism(m: str) -> Expr:
        """1 where the mechanism is present (a binary tied to its terms' presences, or a constant)."""
        if m in mechanisms:
            return mechanisms[m]
        if any(_mechanism_of(t) == m and _present(v) for t, v in fixed.items()):
            mechanisms[m] = _const(1.0)
            return mechanisms[m]
        presences = [e for t in space.terms if _mechanism_of(t) == m and (e := _presence(space, t)) is not None]
        if not presences:
            mechanisms[m] = _const(0.0)
            return mechanisms[m]
        col = p.binary()
        for e in presences:
            p.row(_sum(_col(col), e, scale=[1.0, -1.0]), 0.0, np.inf)  # M >= each presence
        p.row(_sum(_col(col), *presences, scale=[1.0] + [-1.0] * len(presences)), -np.inf, 0.0)  # M <= their sum
        mechanisms[m] = _col(col)
        return mechanisms[m]

    def any_of(names: Sequence[str]) -> Expr:
        parts = [mechanism(m) for m in names]
        if any(not c and k >= 1 for c, k in parts):
            return _const(1.0)
        live = [e for e in parts if e[0]]
        if not live:
            return _const(0.0)
        if len(live) == 1:
            return live[0]
        h = p.binary()
        for e in live:
            p.row(_sum(_col(h), e, scale=[1.0, -1.0]), 0.0, np.inf)
        p.row(_sum(_col(h), *live, scale=[1.0] + [-1.0] * len(live)), -np.inf, 0.0)
        return _col(h)

    for model in space.models:
        base = branch_facts(model)
        current = {**base, **option_facts(offer_sheet(model, space.values))}
        for item in dataset.guidance:
            # a person confirms a manual item; the proportionate share (check: valuation) is the money rows'
            # fair-share bound, not a condition on the terms
            if item.check != "automatic":
                continue
            fails: list[Expr] = []
            possible = True
            for c in tuple(item.applies_when) + tuple(item.breaks_when):
                if not c.fact.startswith("option."):
                    if not holds(c, base):
                        possible = False
                        break
                    continue
                if c.fact == "option.mechanisms" and c.op in ("has_any", "lacks_all"):
                    names = [str(v) for v in (c.value if isinstance(c.value, tuple) else (c.value,))]
                    present = any_of(names)
                    # has_any fails where none is present; lacks_all fails where one is
                    fails.append(_sum(_const(1.0), present, scale=[1.0, -1.0]) if c.op == "has_any" else present)
                    continue
                term = {"option.exclusivity_months": "exclusivity_months", "option.access_route": "access_route"}.get(
                    c.fact
                )
                if term is None or term not in space.tables:
                    fails.append(_const(0.0 if holds(c, current) else 1.0))
                    continue

                def failing(v: TermValue | None, c: Condition = c, term: str = term) -> bool:
                    value = _number(v) if term == "exclusivity_months" else v
                    return not holds(c, {c.fact: value})

                fails.append(space.tables[term].where(failing))
            if possible:  # the principle departs where every condition holds: at least one must fail
                p.row(_sum(*fails), 1.0, np.inf)


def _milestone_rows(p: _Programme, space: _Space) -> None:
    """A fee due at the first milestone is priced with the offered milestones: while it is, they stay."""
    due = space.tables.get("access_fee_due")
    if due is None:
        return
    first = due.where(lambda v: v == "first_milestone")
    for term, amount in space.amounts.items():
        if not term.startswith("milestone:"):
            continue
        if not amount.listed:
            change = _col(amount.present)
        elif amount.offered > 0:
            change = _sum(_const(1.0), _col(amount.present), scale=[1.0, -1.0])
        else:
            change = _sum(_const(1.0), _col(amount.cur), _col(amount.present), scale=[1.0, -1.0, -1.0])
        p.row(_sum(first, change), -np.inf, 1.0)


@dataclass(frozen=True)
class _Problem:
    """What a counter-offer must meet, per branch: the transfers the fair share needs and the partner's limit."""

    lower: tuple[float | None, ...]
    upper: tuple[float | None, ...]


def _problem(prepared: Prepared, values: Mapping[str, TermValue]) -> _Problem:
    lower, upper = [], []
    for model in prepared.models:
        lower.append(model.needed)
        t0 = model.transfers(values)
        upper.append(None if model.limit is None else max(model.limit, t0))
    return _Problem(tuple(lower), tuple(upper))


def _solve(space: _Space, problem: _Problem) -> tuple[dict[str, TermValue] | None, int]:
    """The programme solved, the royalty's unpriced values priced and solved again until it picks priced ones."""
    solves = 0
    while True:
        program = _build(space, problem)
        x = program.solve()
        solves += 1
        if x is None:
            return None, solves
        values, unpriced = space.read(x)
        if not unpriced:
            return values, solves
        for axis, i in unpriced:
            axis.evaluate(i)
            known = sorted(axis.known[0])
            k = known.index(i)
            for other in (known[k - 1] if k else None, known[k + 1] if k + 1 < len(known) else None):
                if other is not None and abs(other - i) > 1:
                    axis.evaluate((other + i) // 2)
        if solves > 200:  # pragma: no cover - each solve prices at least one new value
            raise ImagingValueError("the counter-offer search did not settle")


def _why_none(space: _Space, prepared: Prepared, problem: _Problem) -> str:
    """Why no counter-offer exists, in words."""
    from ..core.wording import join_words, term_label, term_value

    models = prepared.models
    kept = sorted(space.keep & set(space.values))
    kept_text = (
        "with "
        + join_words(
            [
                f"{_lower(term_label(t))} kept at {term_value(space.values[t], TERM_UNITS.get(t.split(':', 1)[0], 'text'))}"
                for t in kept
            ]
        )
        + ", "
        if kept
        else ""
    )
    if _build(space, problem, money=False).solve() is None:
        return _sentence(f"{kept_text}no change complies with every automatic national principle in every branch.")
    for model in models:
        if (
            model.needed is not None
            and model.limit is not None
            and model.needed > max(model.limit, model.transfers(space.values))
        ):
            where = _branch_text(model)
            return (
                f"No zone of agreement{where}: the NHS's fair share needs £{model.needed:,.0f} from the partner in "
                f"expectation, more than the £{model.limit:,.0f} its alternative ({model.alternative.sentence()}) "
                f"leaves it willing to pay."
            )
    if _build(space, problem, compliance=False).solve() is None:
        return _sentence(
            f"{kept_text}even with every other term at the top of its allowed range, the NHS does not receive its "
            f"fair share in every branch."
        )
    return _sentence(
        f"{kept_text}no one set of terms both complies and gives the NHS its fair share in every branch the request "
        f"leaves open; state the unstated facts in the offer to negotiate one branch."
    )


def _lower(label: str) -> str:
    """A label mid-sentence: 'royalty on net revenue', but 'NHS discount on the product'."""
    return label[0].lower() + label[1:] if label[1:2].islower() else label


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _branch_text(model: BranchModel) -> str:
    if not model.assumed:
        return ""
    return " if " + ", ".join(f"{k} = {v}" for k, v in model.assumed.items())


def counter_from(
    prepared: Prepared, keep: Iterable[str] = (), *, date: datetime.date | None = None, note: str | None = None
) -> CounterOffer:
    """The counter-offer to a prepared offer (see the module's docstring)."""
    offer = prepared.offer
    values = offer.values()
    keep = tuple(dict.fromkeys(keep))
    for term in keep:
        if term.split(":", 1)[0] not in TERM_UNITS or term in ("milestone", "in_kind"):
            raise ParameterError("--keep", "a term of the vocabulary (royalty, exclusivity_months, ...)", term)
    first = assess(prepared, zone=False)
    if first.acceptable:
        return CounterOffer(
            None,
            (),
            keep,
            False,
            "The offer already complies and gives the NHS its fair share in every branch: no counter-offer is needed.",
            first,
        )
    space = _Space(prepared, values, keep)
    problem = _problem(prepared, values)
    counter, solves = _solve(space, problem)
    if counter is None:
        return CounterOffer(None, (), keep, True, _why_none(space, prepared, problem), None, solves)
    moves = moved_terms(values, counter)
    made = _next_offer(offer, counter, moves, date, note)
    check = assess(prepare_like(prepared, made), zone=False)
    upper = _problem(prepared, values).upper
    limit_ok = all(u is None or b.transfers <= u + 1.0 for b, u in zip(check.branches, upper))
    if not (check.acceptable and limit_ok):  # pragma: no cover - the programme and the assessment price alike
        raise ImagingValueError("the counter-offer found does not pass its own assessment; please report this")
    return CounterOffer(made, moves, keep, True, "", check, solves)


def prepare_like(prepared: Prepared, offer: Offer) -> Prepared:
    """Another offer for the same request and branches, priced on the same draws."""
    return Prepared(
        offer,
        prepared.request,
        prepared.requester,
        tuple(_rebind(m, offer) for m in prepared.models),
        prepared.seed,
        prepared.spec,
    )


def _rebind(model: BranchModel, offer: Offer) -> BranchModel:
    import copy

    other = copy.copy(model)
    other.offer = offer
    return other


def move_words(move: Move) -> str:
    """'Royalty on net revenue from 1% to 5.3%', 'Share of profit added at 17%', 'Royalty cap removed'."""
    from ..core.wording import term_label, term_value

    label = _lower(term_label(move.term))
    if move.offered is None:
        return f"{label} added at {term_value(move.counter, move.unit)}"
    if move.counter is None:
        return f"{label} removed"
    return f"{label} from {term_value(move.offered, move.unit)} to {term_value(move.counter, move.unit)}"


def _next_offer(
    offer: Offer, values: Mapping[str, TermValue], moves: Sequence[Move], date: datetime.date | None, note: str | None
) -> Offer:
    from ..core.wording import join_words

    terms = tuple(OfferTerm(term=t, value=v, unit=unit_for(t)) for t, v in values.items())
    said = join_words([move_words(m) for m in moves])
    return offer.model_copy(
        update={
            "made_by": "consortium",
            "round": offer.round + 1,
            "date": date or datetime.date.today(),
            "terms": terms,
            "note": note or f"Counter-offer to round {offer.round}: {said}.",
        }
    )


def counter_offer(
    dataset: Dataset,
    offer: Offer,
    keep: Iterable[str] = (),
    *,
    seed: int = DEFAULT_SEED,
    draws: int | None = None,
    date: datetime.date | None = None,
) -> CounterOffer:
    """The smallest change to ``offer`` that complies and gives the NHS its fair share in every branch, the
    terms in ``keep`` as offered, written as the next round's offer (see the module's docstring)."""
    return counter_from(prepare(dataset, offer, seed=seed, draws=draws), keep, date=date)
