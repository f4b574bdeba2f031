"""One case: a data folder, a request, its requesters, a view (weights or a profile), seed, samples, total.

Every entry point (the command line and its ``--json``, the export, the report
notebooks and the explorer) builds a :class:`Case` and reads its answers from it.
Each answer is computed once, when first asked for, and kept: a request report
that shows the ranking in three sections scores each requester once.

Each answer says whether it depends on the weights (:data:`WEIGHTED`; a registered
capability says so with its ``weighted`` flag). The answers that do not are kept in a
store that :meth:`Case.with_weights` shares, so a new view recomputes only the
weighted ones (ranking, weight stability, the agreement to sign, ...).

Nothing heavy is imported here: ``rank --json`` never loads pandas.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from ..core.defaults import DEFAULT_SAMPLES, DEFAULT_SEED, DEFAULT_TOTAL
from ..model.data import Dataset
from ..model.schema import Request

if TYPE_CHECKING:
    from ..framework.agreement import Agreement
    from ..framework.analysis import Analysis
    from ..framework.appraisal import RequesterValue, ShareTest
    from ..framework.guidance import GuidanceCheck
    from ..framework.scenario import Answers
    from ..framework.scoring import Ranking, ScoreTable
    from ..framework.sites import SiteContributions
    from ..framework.terms import TermSheet
    from ..framework.tree import Recommendation
    from ..maths.alignment import AlignmentResult
    from ..maths.sharing import SplitResult
    from ..maths.smaa import SmaaResult
    from ..maths.stability import StabilityResult
    from .capability import Result

__all__ = ["Case", "analyse", "WEIGHTED"]

T = TypeVar("T")

# the Case's own answers that depend on the weights (a capability's result follows its ``weighted`` flag)
WEIGHTED = frozenset({"ranking", "stability", "agreements", "centred_acceptability"})


class Case:
    """One request seen by its requesters under one view; every answer computed once, lazily.

    ``request`` None is the data folder's own case (the portfolio). ``requester``
    None means every requester of the request. ``weights`` (raw, normalised here)
    or ``profile`` give the view; neither means equal weights. ``settings`` holds a
    capability's own options (for example ``centred`` acceptability, a split
    ``rule``, Monte Carlo ``draws``), read with :meth:`setting`.
    """

    def __init__(
        self,
        dataset: Dataset,
        request: Request | None = None,
        requester: int | None = None,
        *,
        weights: Mapping[str, float] | None = None,
        profile: str | None = None,
        seed: int = DEFAULT_SEED,
        samples: int = DEFAULT_SAMPLES,
        total: float = DEFAULT_TOTAL,
        settings: Mapping[str, Any] | None = None,
        _shared: dict[Hashable, Any] | None = None,
    ):
        self.dataset, self.request, self.requester = dataset, request, requester
        self.raw_weights = None if weights is None else dict(weights)
        self.profile = profile
        self.seed, self.samples, self.total = seed, samples, total
        self.settings = dict(settings or {})
        self._shared: dict[Hashable, Any] = {} if _shared is None else _shared  # answers the weights do not change
        self._weighted: dict[Hashable, Any] = {}  # answers under this case's weights
        self._weights: dict[str, float] | None = None

    # --- the view -------------------------------------------------------------------

    @property
    def requesters(self) -> tuple[int, ...]:
        """The requesters this case covers (validated)."""
        if self.request is None:
            return ()
        request = self.request
        return self._answer("requesters", (self.requester,), lambda: request.requester_indices(self.requester))

    @property
    def weights(self) -> dict[str, float]:
        """The normalised weights of the view (a bad weight or unknown profile is a ParameterError)."""
        if self._weights is None:
            from ..framework.scoring import resolve_weights

            facts = None
            if self.profile is not None and self.request is not None and self.dataset.weight_adjustments:
                from ..model.conditions import facts_for

                facts = facts_for(self.request, self.request.requesters[0], self.dataset.derived_facts)
            self._weights = resolve_weights(self.dataset, self.raw_weights, self.profile, facts)
        return self._weights

    def setting(self, name: str, default: Any = None) -> Any:
        """A capability's own option (None or ``default`` when not set)."""
        return self.settings.get(name, default)

    def with_weights(self, weights: Mapping[str, float] | None = None, profile: str | None = None) -> Case:
        """The same case under another view; the answers that do not depend on the weights are shared."""
        return Case(
            self.dataset,
            self.request,
            self.requester,
            weights=weights,
            profile=profile,
            seed=self.seed,
            samples=self.samples,
            total=self.total,
            settings=self.settings,
            _shared=self._shared,
        )

    def _answer(self, name: str, key: tuple[Hashable, ...], make: Callable[[], T], weighted: bool | None = None) -> T:
        """The answer ``name`` for ``key``, made once: kept with the view's answers when it depends on the
        weights (``weighted``, by default whether ``name`` is in :data:`WEIGHTED`), else shared."""
        store = self._weighted if (name in WEIGHTED if weighted is None else weighted) else self._shared
        full = (name, *key)
        if full not in store:
            store[full] = make()
        return store[full]

    def request_or_raise(self) -> Request:
        """The case's request (a ParameterError for the data folder's own case, which has none)."""
        if self.request is None:
            from ..core.errors import ParameterError

            raise ParameterError("request", "a request (this case is the data folder's own)", None)
        return self.request

    # --- answers that do not depend on the weights ----------------------------------

    def table(self, index: int) -> ScoreTable:
        """The requester's score table (base scores, the adjustments that fired, and the value lever if on)."""
        from ..framework.lever_value import score_table

        return self._answer("table", (index,), lambda: score_table(self.dataset, self.request_or_raise(), index))

    def recommendations(self, index: int) -> list[Recommendation]:
        """The decision tree's outcomes for the requester (one per assumed answer to an unstated fact)."""
        from ..framework.tree import recommend

        return self._answer("tree", (index,), lambda: recommend(self.dataset, self.request_or_raise(), index))

    def guidance(self, index: int) -> list[GuidanceCheck]:
        """Every option checked against the national guidance, for the requester."""
        from ..framework.guidance import check_guidance

        return self._answer("guidance", (index,), lambda: check_guidance(self.dataset, self.request_or_raise(), index))

    def term_sheets(self, index: int) -> dict[str, TermSheet]:
        """Each option's terms for the requester, after the term rules."""
        from ..framework.terms import term_sheets

        return self._answer("terms", (index,), lambda: term_sheets(self.dataset, self.request_or_raise(), index))

    def term_sheet(self, index: int, option: str, assumed: Mapping[str, Any]) -> TermSheet:
        """One option's terms under the values a decision-tree outcome assumed."""
        from ..framework.terms import term_sheet

        key = (index, option, tuple(sorted((k, str(v)) for k, v in assumed.items())))
        return self._answer(
            "term_sheet", key, lambda: term_sheet(self.dataset, self.request_or_raise(), index, option, assumed)
        )

    def acceptability(self, index: int) -> SmaaResult:
        """SMAA-2 rank acceptability: uniform weights, or (``centred`` setting) a Dirichlet around the view."""
        from ..core.checks import check_samples
        from ..framework.analysis import acceptability

        check_samples(self.samples)
        centred = bool(self.setting("centred"))
        key = (
            index,
            self.samples,
            self.seed,
            centred,
            self.setting("concentration"),
            self.setting("score_uncertainty", 0.0),
        )
        return self._answer(
            "centred_acceptability" if centred else "acceptability",
            key,
            lambda: acceptability(
                self.table(index),
                n_samples=self.samples,
                seed=self.seed,
                centre=self.weights if centred else None,
                concentration=self.setting("concentration"),
                score_uncertainty=self.setting("score_uncertainty", 0.0),
            ),
        )

    def alignment(self, index: int) -> AlignmentResult:
        """Rankings under every stakeholder profile, Kendall's tau and the win:win option."""
        from ..framework.analysis import align_stakeholders

        return self._answer("alignment", (index,), lambda: align_stakeholders(self.dataset, self.table(index)))

    def split(
        self, total: float | None = None, rule: str = "all", samples: int | None = None
    ) -> tuple[SiteContributions, dict[str, SplitResult]]:
        """(site contributions, {rule: SplitResult}) for the total (default: the case's)."""
        from ..framework.site_split import split_among_sites

        total = self.total if total is None else total
        return self._answer(
            "split",
            (total, rule, samples),
            lambda: split_among_sites(
                self.dataset, self.request_or_raise(), total, rule, samples=samples, seed=self.seed
            ),
        )

    def valuation(self, index: int, assumed: Mapping[str, Any]) -> RequesterValue | None:
        """Every option priced for the requester under a decision-tree outcome's assumed facts, at valuation.yaml's
        own draws, discount rate and horizon and the case's seed: what the agreement to sign is judged on (the
        proportionate share). None for a data folder without valuation.yaml."""
        spec = self.dataset.valuation
        if spec is None:
            return None
        from ..framework.appraisal import appraise_requester

        key = (index, tuple(sorted((k, str(v)) for k, v in assumed.items())), self.seed)
        return self._answer(
            "valuation",
            key,
            lambda: appraise_requester(
                self.dataset,
                spec,
                self.request_or_raise(),
                index,
                assumed=assumed,
                seed=self.seed,
                fair=False,
                shares=False,
            ),
        )

    def priced_guidance(self, index: int, assumed: Mapping[str, Any]) -> list[GuidanceCheck]:
        """Every option checked against the national guidance under an outcome's assumed facts, the principle judged
        on the valuation included (as the agreement to sign is judged)."""
        from ..framework.guidance import check_guidance
        from ..framework.terms import term_sheets

        key = (index, tuple(sorted((k, str(v)) for k, v in assumed.items())), self.seed)

        def make() -> list[GuidanceCheck]:
            request = self.request_or_raise()
            sheets = term_sheets(self.dataset, request, index, assumed)
            shares = self.share_tests(index, assumed, sheets)
            return check_guidance(self.dataset, request, index, assumed, shares, sheets)

        return self._answer("priced_guidance", key, make)

    def share_tests(
        self, index: int, assumed: Mapping[str, Any], sheets: Mapping[str, TermSheet] | None = None
    ) -> dict[str, ShareTest] | None:
        """Each option's priced NHS share against the contribution share under an outcome's assumed facts, at
        valuation.yaml's own draws, rate and horizon and the case's seed (the same figures as :meth:`valuation`):
        what the agreement to sign is judged on. None for a data folder without valuation.yaml."""
        spec = self.dataset.valuation
        if spec is None:
            return None
        from ..framework.appraisal import priced_shares

        key = (index, tuple(sorted((k, str(v)) for k, v in assumed.items())), self.seed)
        return self._answer(
            "share_tests",
            key,
            lambda: priced_shares(
                self.dataset, spec, self.request_or_raise(), index, assumed=assumed, seed=self.seed, sheets=sheets
            ),
        )

    # --- answers under the weights ----------------------------------------------------

    def ranking(self, index: int) -> Ranking:
        """The options ranked by weighted value under the view's weights."""
        from ..framework.scoring import rank_options

        return self._answer("ranking", (index,), lambda: rank_options(self.table(index), self.weights))

    def stability(self, index: int) -> StabilityResult:
        """How far each lever's weight can move before the winner changes, around the view's weights."""
        from ..framework.analysis import stability

        return self._answer("stability", (index,), lambda: stability(self.table(index), self.ranking(index).weights))

    def agreements(self, index: int) -> list[Agreement]:
        """The agreement to sign, one per decision-tree outcome, under the view's weights."""
        from ..framework.agreement import agreements

        return self._answer(
            "agreements",
            (index,),
            lambda: agreements(
                self.dataset,
                self.request_or_raise(),
                index,
                self.ranking(index),
                self.alignment(index),
                self.recommendations(index),
                lambda assumed, sheets: self.share_tests(index, assumed, sheets),
                lambda assumed: self.branch_views(index, assumed),
            ),
        )

    def branch_views(self, index: int, assumed: Mapping[str, Any]) -> tuple[Ranking, AlignmentResult]:
        """The ranking (under the view's weights) and the stakeholder alignment of a decision-tree outcome, scored
        with the facts it assumed (the adjustments that fire for them)."""
        from ..framework.analysis import align_stakeholders
        from ..framework.lever_value import score_table
        from ..framework.scoring import rank_options
        from ..framework.terms import assumed_request

        if not assumed:
            return self.ranking(index), self.alignment(index)
        key = (index, tuple(sorted((k, str(v)) for k, v in assumed.items())))
        table = self._answer(
            "branch_table",
            key,
            lambda: score_table(self.dataset, assumed_request(self.request_or_raise(), index, assumed), index),
            weighted=False,
        )
        alignment = self._answer(
            "branch_alignment", key, lambda: align_stakeholders(self.dataset, table), weighted=False
        )
        return self._answer("branch_ranking", key, lambda: rank_options(table, self.weights), weighted=True), alignment

    def analysis(self, index: int) -> Analysis:
        """Scores, ranking, rank acceptability, weight stability and alignment as one record."""
        from ..framework.analysis import Analysis

        return Analysis(
            self.table(index),
            self.ranking(index),
            self.acceptability(index),
            self.stability(index),
            self.alignment(index),
        )

    def scenario_answers(self, index: int) -> Answers:
        """What "what changed" compares for the requester (nothing, for a requester the request lacks)."""
        from ..framework.scenario import answers, no_answers

        request = self.request_or_raise()
        if index >= len(request.requesters):
            return no_answers(request)
        return answers(
            request,
            self.recommendations(index),
            self.table(index),
            self.agreements(index),
            self.term_sheets(index),
            self.guidance(index),
        )

    # --- registered capabilities ------------------------------------------------------

    def result(self, name: str) -> Result:
        """The registered capability's result for this case (computed once; kept per view when the capability
        declares that it depends on the weights)."""
        from .capability import capability

        cap = capability(name)
        return self._answer(f"result:{name}", (), lambda: cap.compute(self), weighted=cap.depends_on_weights(self))


def analyse(
    dataset: Dataset,
    request: Request,
    requester_index: int = 0,
    weights: Mapping[str, float] | None = None,
    *,
    n_samples: int = DEFAULT_SAMPLES,
    seed: int = DEFAULT_SEED,
) -> Analysis:
    """The full recompute for one requester: scores, ranking, SMAA, weight stability and stakeholder alignment."""
    return Case(dataset, request, weights=weights, seed=seed, samples=n_samples).analysis(requester_index)
