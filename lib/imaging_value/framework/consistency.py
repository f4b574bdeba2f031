"""The framework checked against itself: rules that never contradict each other, over every combination of facts.

A data folder holds many judgements (the decision tree, the term rules, the adjustments, the fairness
answers, the national principles, the valuation); each is sensible alone, and together they can still
disagree. :func:`check` walks the space of requests and requesters (:func:`fact_space`) and reports, as
data problems naming the leaf or rule and the facts:

* a tree leaf no request reaches;
* a tree leaf that is replaced in every case where it is reached (it can never be signed);
* an agreement to sign that an adjustment marked ``rules_out``, or a fairness answer's ``forbids``, rules out
  for the same facts;
* exclusivity granted, in any branch or option, where the curation is raw, unstated or only assumed;
* a commercial requester's agreement whose access fee does not recover the cost of access in expected
  present value (exactly, from the valuation's stages and discount rate).

:func:`static_check` is the part that prices nothing (every leaf's own sheet, every option in every branch):
fast enough to run where a data folder is loaded (:func:`imaging_value.engine.capability.load_dataset` warns
with it); :func:`check` adds the reconciliation, which prices every option for the proportionate share
(the ``check`` command and the tests).

The fact space: every value of each fact a rule can test, where the rules can tell values apart. Numbers
(``request.sites.count``) are represented by one value per class of the thresholds the conditions use; free
text (``requester.sector``) by ``unstated`` and one value per revenue row's sector words; a fact no rule
tests by one value. The tree's facts, the requester and the site count are combined in full with the
report's other questions unstated ("the base space"); each value of those other questions is then added to
every fully stated combination of the tree's facts and the requester, one question at a time.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..core.defaults import DEFAULT_SEED
from ..core.errors import Problem
from ..model.conditions import facts_for
from ..model.data import Dataset
from ..model.schema import (
    COMMERCIAL_KINDS,
    FACTS,
    QUESTION_FIELDS,
    REQUESTER_KINDS,
    UNSTATED,
    Condition,
    Request,
)
from .terms import TermSheet, term_sheets, with_assumed
from .tree import Recommendation, recommend

__all__ = [
    "ConsistencyReport",
    "Leaf",
    "fact_space",
    "base_space",
    "question_space",
    "make_request",
    "check",
    "static_check",
    "loader_check",
    "loader_space",
    "describe",
]

RECOVERY_TOLERANCE = 0.5  # GBP: a fee rounded to the pound recovers a cost to within half a pound


@dataclass(frozen=True)
class Leaf:
    """A branch of the decision tree that leads to an option."""

    node: str
    when: tuple[str, ...]
    option: str

    def where(self) -> str:
        """Where the problem lies: the tree node, its branch and the option it leads to."""
        return f"node '{self.node}' branch [{', '.join(self.when)}] -> {self.option}"


@dataclass(frozen=True)
class ConsistencyReport:
    """What :func:`check` found: the problems (none: the framework agrees with itself), and what it walked."""

    problems: tuple[Problem, ...]
    requests: int  # requests checked (one requester each)
    outcomes: int  # decision-tree outcomes among them
    signed: Mapping[str, int] = field(default_factory=dict)  # leaf -> cases where its option was signed
    reached: Mapping[str, int] = field(default_factory=dict)  # leaf -> cases that reached it (facts stated)

    @property
    def ok(self) -> bool:
        """Whether the framework agrees with itself (no problems)."""
        return not self.problems

    def lines(self) -> list[str]:
        """The report as text, one line per problem after a summary line."""
        head = f"{self.requests:,} requests ({self.outcomes:,} decision-tree outcomes) checked: " + (
            "the framework is consistent." if self.ok else f"{len(self.problems)} problem(s)."
        )
        return [head] + [str(p) for p in self.problems]

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON."""
        return {
            "requests": self.requests,
            "outcomes": self.outcomes,
            "consistent": self.ok,
            "problems": [
                {"file": p.file, "location": p.location, "field": p.field, "expected": p.expected, "found": p.found}
                for p in self.problems
            ],
            "leaves": {
                leaf: {"reached": self.reached.get(leaf, 0), "signed": self.signed.get(leaf, 0)}
                for leaf in self.reached
            },
        }


# --- the fact space ---------------------------------------------------------------------------------------


def _conditions(dataset: Dataset) -> Iterator[Condition]:
    """Every condition any rule of the data folder tests."""
    for adj in dataset.adjustments:
        yield adj.condition()
    for rule in dataset.agreement.rules:
        yield from rule.when
    for item in dataset.guidance:
        yield from item.applies_when
        yield from item.breaks_when
    for entry in dataset.derived_facts:
        for rule in entry.rules:
            yield from rule.when
    for theme in dataset.fairness.themes:
        for answer in theme.answers:
            for conditions in answer.forbids:
                yield from conditions
    if dataset.valuation is not None:
        for adjustment in dataset.valuation.stage_adjustments:
            yield from adjustment.when
    for extra in getattr(dataset, "weight_adjustments", ()):
        yield extra.condition()


def _site_counts(dataset: Dataset) -> tuple[int, ...]:
    """One site count per class of the thresholds the conditions test (the smallest of each class)."""
    from ..model.conditions import holds

    tests = [c for c in _conditions(dataset) if c.fact == "request.sites.count"]
    candidates = {1}
    for c in tests:
        bound = float(c.value) if not isinstance(c.value, tuple) else 1.0
        candidates |= {int(bound) - 1, int(bound), int(bound) + 1}
    classes: dict[tuple[bool, ...], int] = {}
    for n in sorted(x for x in candidates if x >= 1):
        key = tuple(holds(c, {"request.sites.count": float(n)}) for c in tests)
        classes.setdefault(key, n)
    return tuple(sorted(classes.values()))


def _sectors(dataset: Dataset, kind: str) -> tuple[str, ...]:
    """``unstated`` and one sector per revenue row of the kind that names sector words."""
    if dataset.valuation is None:
        return (UNSTATED,)
    words = [row.sector_words for row in dataset.valuation.revenue if row.kind == kind and row.sector_words]
    return (UNSTATED, *(" and ".join(w) for w in dict.fromkeys(words)))


def _requesters(dataset: Dataset, stated: bool) -> Iterator[dict[str, Any]]:
    stages = [v for v in FACTS["requester.profit_stage"].values or () if not stated or v != UNSTATED]
    for kind in REQUESTER_KINDS:
        if kind not in COMMERCIAL_KINDS:
            yield {"kind": kind}
            continue
        for stage in stages:
            for sector in _sectors(dataset, kind):
                yield {"kind": kind, "profit_stage": stage, "sector": sector}


def make_request(
    facts: Mapping[str, Any], requester: Mapping[str, Any], *, sites: int = 1, request_id: str = "fact-space"
) -> Request:
    """A request of the fact space: the request fields given (``temporality``, ``curation``, ...; the rest
    unstated), one requester, ``sites`` sites of every kind in turn."""
    data: dict[str, Any] = {
        "id": request_id,
        "title": "A point of the fact space",
        "temporality": UNSTATED,
        "curation": UNSTATED,
        "deidentification": UNSTATED,
        "data_types": ["unstated"],
        "sites": {"count": sites},
        "requesters": [dict(requester)],
    }
    data.update({k: v for k, v in facts.items()})
    return Request.model_validate(data)


def _values(fact: str, stated: bool) -> tuple[str, ...]:
    return tuple(v for v in FACTS[fact].values or () if not stated or v != UNSTATED)


def base_space(dataset: Dataset) -> Iterator[Request]:
    """Every combination of temporality, curation, requester (kind, profit stage, sector) and site-count class,
    the report's other questions unstated."""
    for temporality, curation, sites in itertools.product(
        _values("request.temporality", False), _values("request.curation", False), _site_counts(dataset)
    ):
        for requester in _requesters(dataset, stated=False):
            yield make_request({"temporality": temporality, "curation": curation}, requester, sites=sites)


def question_space(dataset: Dataset) -> Iterator[Request]:
    """Each stated value of each of the report's other questions, on every stated combination of temporality,
    curation and requester (one site-count class: the most common, several sites)."""
    counts = _site_counts(dataset)
    sites = counts[len(counts) // 2]
    stated = list(itertools.product(_values("request.temporality", True), _values("request.curation", True)))
    requesters = [r for r in _requesters(dataset, stated=True) if r.get("sector", UNSTATED) == UNSTATED]
    for name in QUESTION_FIELDS:
        for value in _values(f"request.{name}", True):
            for (temporality, curation), requester in itertools.product(stated, requesters):
                yield make_request(
                    {"temporality": temporality, "curation": curation, name: value}, requester, sites=sites
                )


def fact_space(dataset: Dataset) -> Iterator[Request]:
    """The base space, then the questions' space (see the module docstring)."""
    yield from base_space(dataset)
    yield from question_space(dataset)


def describe(request: Request, assumed: Mapping[str, Any] | None = None) -> str:
    """The facts of a fact-space request (and an outcome's assumed values), as a problem names them."""
    requester = request.requesters[0]
    parts = [f"temporality={request.temporality}", f"curation={request.curation}", f"kind={requester.kind}"]
    if requester.profit_stage is not None:
        parts.append(f"profit_stage={requester.profit_stage}")
    if requester.sector != UNSTATED:
        parts.append(f"sector={requester.sector}")
    parts.append(f"sites={request.sites.count}")
    parts += [f"{name}={getattr(request, name)}" for name in QUESTION_FIELDS if getattr(request, name) != UNSTATED]
    text = ", ".join(parts)
    if assumed:
        text += "; assuming " + ", ".join(
            f"{k}={v if isinstance(v, str) else ' or '.join(v)}" for k, v in assumed.items()
        )
    return text


# --- the checks -------------------------------------------------------------------------------------------


def _leaves(dataset: Dataset) -> dict[tuple[str, tuple[str, ...]], Leaf]:
    return {
        (node.id, branch.when): Leaf(node.id, branch.when, branch.option)
        for node in dataset.tree.nodes
        for branch in node.branches
        if branch.option is not None
    }


def _leaf_of(dataset: Dataset, outcome: Recommendation) -> Leaf:
    last = outcome.path[-1]
    node = next(n for n in dataset.tree.nodes if n.id == last.node)
    branch = next(
        b
        for b in node.branches
        if b.option == outcome.option and (last.answer in b.when or last.answer == " or ".join(b.when))
    )
    return Leaf(node.id, branch.when, outcome.option)


def _curation_open(request: Request, assumed: Mapping[str, Any]) -> bool:
    """The curation is raw, unstated, or only assumed by the tree."""
    return request.curation in ("raw", UNSTATED) or "curation" in assumed


def _exclusivity(request: Request, outcome: Recommendation, sheets: Mapping[str, TermSheet]) -> Iterator[Problem]:
    if not _curation_open(request, outcome.assumed):
        return
    for option, sheet in sheets.items():
        if sheet.exclusivity_months > 0:
            yield Problem(
                "term_rules.yaml",
                f"option '{option}'",
                "exclusivity_months",
                "0 where the curation is raw, unstated or only assumed",
                f"{sheet.exclusivity_months:g} months for {describe(request, outcome.assumed)} "
                f"(rules fired: {', '.join(sheet.fired) or 'none'})",
            )


def recovered(sheet: TermSheet) -> float | None:
    """The access fee's exact expected present value (None: the sheet has no access fee)."""
    fee = sheet.value("access_fee")
    if not isinstance(fee, (int, float)):
        return None
    due = sheet.value("access_fee_due", "signing")
    if due == "signing":
        return float(fee)
    if sheet.deferral is None:  # deferred with no valuation to price the wait: counted at face value
        return float(fee)
    return float(fee) * sheet.deferral.factor


def _recovery(request: Request, outcome: Recommendation, sheet: TermSheet, what: str) -> Iterator[Problem]:
    if request.requesters[0].kind not in COMMERCIAL_KINDS:
        return
    value = recovered(sheet)
    cost = sheet.cost.amount
    if value is None or value < cost - RECOVERY_TOLERANCE:
        found = "no access fee" if value is None else f"£{value:,.0f}"
        yield Problem(
            "terms.yaml",
            f"{what} '{sheet.option}'",
            "access_fee",
            f"an access fee whose expected present value recovers the cost of access (£{cost:,.0f})",
            f"{found} for {describe(request, outcome.assumed)}",
        )


def _unfit(dataset: Dataset, request: Request, outcome: Recommendation, sheet: TermSheet) -> tuple[str, ...]:
    from .agreement import unfit_reasons

    shown_request, shown_requester = with_assumed(request, request.requesters[0], outcome.assumed)
    facts = facts_for(shown_request, shown_requester, dataset.derived_facts, outcome.assumed)
    return unfit_reasons(dataset, facts, sheet)


def _rule_file(dataset: Dataset, reason: str) -> tuple[str, str]:
    if reason.startswith("fairness:"):
        return "fairness.yaml", f"theme '{reason.split(':', 1)[1]}'"
    return "adjustments.csv", f"adjustment '{reason}'"


def _contradictions(
    dataset: Dataset, request: Request, outcome: Recommendation, sheet: TermSheet, what: str
) -> Iterator[Problem]:
    for reason in _unfit(dataset, request, outcome, sheet):
        file, where = _rule_file(dataset, reason)
        yield Problem(
            file,
            where,
            "rules_out" if file == "adjustments.csv" else "forbids",
            f"no {what} that it rules out",
            f"{sheet.option} for {describe(request, outcome.assumed)}",
        )


def _unique(problems: Iterable[Problem], limit: int) -> tuple[Problem, ...]:
    """The problems, each (file, location, field) named at most ``limit`` times (the first cases found)."""
    counts: dict[tuple[str, str, str], int] = {}
    kept = []
    for problem in problems:
        key = (problem.file, problem.location, problem.field)
        counts[key] = counts.get(key, 0) + 1
        if counts[key] <= limit:
            kept.append(problem)
    return tuple(kept)


def static_check(dataset: Dataset, requests: Iterable[Request] | None = None, *, limit: int = 3) -> ConsistencyReport:
    """The checks that price nothing: every leaf reached; the leaf's own option not ruled out where it is reached
    (the tree contradicting the adjustments or fairness answers); no exclusivity where the curation is raw,
    unstated or assumed, in any branch or option; every commercial option's access fee recovering the cost of
    access in expectation. ``requests``: the space to walk (default :func:`fact_space`); ``limit``: how many
    cases to name per problem."""
    leaves = _leaves(dataset)
    reached: dict[str, int] = {leaf.where(): 0 for leaf in leaves.values()}
    problems: list[Problem] = []
    n_requests = n_outcomes = 0
    for request in fact_space(dataset) if requests is None else requests:
        n_requests += 1
        for outcome in recommend(dataset, request, 0):
            n_outcomes += 1
            leaf = _leaf_of(dataset, outcome)
            reached[leaf.where()] += 1
            sheets = term_sheets(dataset, request, 0, outcome.assumed)
            problems.extend(_exclusivity(request, outcome, sheets))
            for sheet in sheets.values():
                problems.extend(_recovery(request, outcome, sheet, "option"))
            problems.extend(_contradictions(dataset, request, outcome, sheets[outcome.option], "tree leaf"))
    for where, count in reached.items():
        if count == 0:
            problems.append(
                Problem("decision_tree.yaml", where, "option", "a leaf some request reaches", "no request reaches it")
            )
    return ConsistencyReport(_unique(problems, limit), n_requests, n_outcomes, {}, reached)


class _Answers:
    """One fact-space request's score tables, alignments and priced shares per branch, each computed once."""

    def __init__(self, dataset: Dataset, request: Request, seed: int, draws: int | None):
        self.dataset, self.request, self.seed, self.draws = dataset, request, seed, draws
        self._tables: dict[tuple, Any] = {}
        self._shares: dict[tuple, Any] = {}

    @staticmethod
    def _key(assumed: Mapping[str, Any]) -> tuple:
        return tuple(sorted((k, str(v)) for k, v in assumed.items()))

    def table(self, assumed: Mapping[str, Any]) -> Any:
        """(score table, alignment) for the branch."""
        from .analysis import align_stakeholders
        from .lever_value import score_table
        from .terms import assumed_request

        key = self._key(assumed)
        if key not in self._tables:
            table = score_table(self.dataset, assumed_request(self.request, 0, assumed), 0)
            self._tables[key] = (table, align_stakeholders(self.dataset, table))
        return self._tables[key]

    def view(self, weights: Mapping[str, float], assumed: Mapping[str, Any]) -> Any:
        """(ranking under ``weights``, alignment) for the branch."""
        from .scoring import rank_options

        table, aligned = self.table(assumed)
        return rank_options(table, weights), aligned

    def shares(self, assumed: Mapping[str, Any], sheets: Mapping[str, TermSheet] | None = None) -> Any:
        """Every option's priced share test for the branch (None without valuation.yaml)."""
        from .appraisal import priced_shares

        spec = self.dataset.valuation
        if spec is None:
            return None
        key = self._key(assumed)
        if key not in self._shares:
            self._shares[key] = priced_shares(
                self.dataset, spec, self.request, 0, assumed=assumed, seed=self.seed, draws=self.draws, sheets=sheets
            )
        return self._shares[key]


def loader_space(dataset: Dataset) -> Iterator[Request]:
    """The base space with one site-count class (several sites) and the sector unstated: every combination of the
    tree's facts and the requester, quick enough to check wherever a data folder is loaded."""
    counts = _site_counts(dataset)
    sites = counts[len(counts) // 2]
    for request in base_space(dataset):
        if request.sites.count == sites and request.requesters[0].sector == UNSTATED:
            yield request


def loader_check(dataset: Dataset) -> ConsistencyReport:
    """:func:`static_check` on :func:`loader_space`: what loading a data folder warns of."""
    return static_check(dataset, loader_space(dataset))


def check(
    dataset: Dataset,
    requests: Iterable[Request] | None = None,
    *,
    seed: int = DEFAULT_SEED,
    draws: int | None = None,
    views: Sequence[str | None] = (None,),
    limit: int = 3,
) -> ConsistencyReport:
    """Every check of the module docstring: :func:`static_check`'s, then the reconciliation's. Each request of
    ``requests`` (default :func:`fact_space`) is reconciled under each of ``views`` (None: equal weights, the
    default; or a profile's name), its options priced at ``draws`` (default valuation.yaml's) with ``seed``, as
    the ``terms`` command prices them; every agreement to sign must fit its facts and recover the cost of
    access, and every leaf must be signed for some request that reaches it with its facts stated (under the
    first view)."""
    from .agreement import agreements
    from .scoring import rank_options, resolve_weights

    space = list(fact_space(dataset) if requests is None else requests)
    static = static_check(dataset, space, limit=limit)
    leaves = _leaves(dataset)
    signed: dict[str, int] = {leaf.where(): 0 for leaf in leaves.values()}
    reached_stated: dict[str, int] = {leaf.where(): 0 for leaf in leaves.values()}
    replaced: dict[str, list[str]] = {leaf.where(): [] for leaf in leaves.values()}
    problems: list[Problem] = list(static.problems)
    weights = {view: resolve_weights(dataset, None, view) for view in views}
    for request in space:
        outcomes = recommend(dataset, request, 0)
        answers = _Answers(dataset, request, seed, draws)
        for position, view in enumerate(views):
            table, aligned = answers.table({})
            results = agreements(
                dataset,
                request,
                0,
                rank_options(table, weights[view]),
                aligned,
                outcomes,
                answers.shares,
                functools.partial(answers.view, weights[view]),
            )
            what = "agreement to sign" + (f" (profile {view})" if view else "")
            for outcome, agreement in zip(outcomes, results):
                problems.extend(_contradictions(dataset, request, outcome, agreement.sheet, what))
                problems.extend(_recovery(request, outcome, agreement.sheet, "agreement to sign"))
                if position == 0 and not outcome.assumed:
                    leaf = _leaf_of(dataset, outcome).where()
                    reached_stated[leaf] += 1
                    if agreement.option == outcome.option:
                        signed[leaf] += 1
                    elif len(replaced[leaf]) < limit:
                        r = agreement.reconciliation
                        replaced[leaf].append(f"{describe(request)}: {r.override} -> {agreement.option}")
    for where, count in reached_stated.items():
        if count and not signed[where]:
            problems.append(
                Problem(
                    "decision_tree.yaml",
                    where,
                    "option",
                    "an option signed for at least one request that reaches the leaf",
                    f"replaced in every one of the {count} requests that reach it, e.g. " + "; ".join(replaced[where]),
                )
            )
    return ConsistencyReport(_unique(problems, limit), static.requests, static.outcomes, signed, reached_stated)
