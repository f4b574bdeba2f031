"""One case: a data folder, a request, its requesters, a view (weights or a profile), seed, samples, total.

Every entry point (the command line and its ``--json``, the export, the report
notebooks and the explorer) builds a :class:`Case` and reads its answers from it.
Each answer is computed once, when first asked for, and kept: a request report
that shows the ranking in three sections scores each requester once.

The answers that do not depend on the weights (scores, the decision tree, the
guidance checks, term sheets, uniform rank acceptability, stakeholder
alignment, the split) are kept in a store that :meth:`Case.with_weights`
shares, so a new view recomputes only the weighted answers (ranking, weight
stability, the agreement to sign). ``result(name)`` is a registered
capability's result (:mod:`imaging_value.engine.capability`), computed once per case
and view.

Nothing heavy is imported here: ``rank --json`` never loads pandas.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

from ..model.data import Dataset
from ..core.defaults import DEFAULT_SAMPLES, DEFAULT_SEED, DEFAULT_TOTAL
from ..core.errors import ParameterError
from ..model.schema import Request

__all__ = ["Case", "DEFAULT_SAMPLES", "DEFAULT_TOTAL", "resolve_weights", "requester_indices"]


def requester_indices(request: Request, requester: int | None) -> list[int]:
    """All requesters of a request, or just the one asked for (validated)."""
    if requester is None:
        return list(range(len(request.requesters)))
    request.requester(requester)
    return [requester]


def resolve_weights(dataset: Dataset, weights: Mapping[str, float] | None = None,
                    profile: str | None = None) -> dict[str, float]:
    """Normalised weights from explicit weights, a stakeholder profile, or (neither) equal weights."""
    from ..framework.scoring import normalise_weights

    if weights is not None and profile is not None:
        raise ParameterError("weights", "either weights or a profile, not both", "both")
    if profile is not None:
        return normalise_weights(dataset.profile(profile).raw_weights(), dataset.lever_ids)
    return normalise_weights(weights, dataset.lever_ids)


class Case:
    """One request seen by its requesters under one view; every answer computed once, lazily.

    ``request`` None is the data folder's own case (the portfolio). ``requester``
    None means every requester of the request. ``weights`` (raw, normalised here)
    or ``profile`` give the view; neither means equal weights. ``settings`` holds a
    capability's own options (for example ``centred`` acceptability, a split
    ``rule``, Monte Carlo ``draws``), read with :meth:`setting`.
    """

    def __init__(self, dataset: Dataset, request: Request | None = None, requester: int | None = None, *,
                 weights: Mapping[str, float] | None = None, profile: str | None = None, seed: int = DEFAULT_SEED,
                 samples: int = DEFAULT_SAMPLES, total: float = DEFAULT_TOTAL,
                 settings: Mapping[str, Any] | None = None, _store: dict | None = None):
        self.dataset, self.request, self.requester = dataset, request, requester
        self.raw_weights = None if weights is None else dict(weights)
        self.profile = profile
        self.seed, self.samples, self.total = seed, samples, total
        self.settings = dict(settings or {})
        self._store: dict = {} if _store is None else _store  # answers that do not depend on the weights
        self._weighted: dict = {}  # answers under this case's weights
        self._weights: dict[str, float] | None = None

    # --- the view -------------------------------------------------------------------

    @property
    def requesters(self) -> tuple[int, ...]:
        """The requesters this case covers (validated)."""
        if self.request is None:
            return ()
        return self._once(self._store, ("requesters", self.requester),
                          lambda: tuple(requester_indices(self.request, self.requester)))

    @property
    def weights(self) -> dict[str, float]:
        """The normalised weights of the view (a bad weight or unknown profile is a ParameterError)."""
        if self._weights is None:
            self._weights = resolve_weights(self.dataset, self.raw_weights, self.profile)
        return self._weights

    def setting(self, name: str, default: Any = None) -> Any:
        return self.settings.get(name, default)

    def with_weights(self, weights: Mapping[str, float] | None = None, profile: str | None = None) -> "Case":
        """The same case under another view; the answers that do not depend on the weights are shared."""
        return Case(self.dataset, self.request, self.requester, weights=weights, profile=profile, seed=self.seed,
                    samples=self.samples, total=self.total, settings=self.settings, _store=self._store)

    @staticmethod
    def _once(store: dict, key: Any, make: Callable[[], Any]) -> Any:
        if key not in store:
            store[key] = make()
        return store[key]

    # --- answers that do not depend on the weights ----------------------------------

    def table(self, index: int):
        """The requester's score table (base scores plus the adjustments that fired)."""
        from ..framework.scoring import score_options

        return self._once(self._store, ("table", index), lambda: score_options(self.dataset, self.request, index))

    def recommendations(self, index: int):
        """The decision tree's outcomes for the requester (one per assumed answer to an unstated fact)."""
        from ..framework.tree import recommend

        return self._once(self._store, ("tree", index), lambda: recommend(self.dataset, self.request, index))

    def guidance(self, index: int):
        """Every option checked against the national guidance, for the requester."""
        from ..framework.guidance import check_guidance

        return self._once(self._store, ("guidance", index),
                          lambda: check_guidance(self.dataset, self.request, index))

    def term_sheets(self, index: int):
        """Each option's terms for the requester, after the term rules."""
        from ..framework.terms import term_sheets

        return self._once(self._store, ("terms", index), lambda: term_sheets(self.dataset, self.request, index))

    def term_sheet(self, index: int, option: str, assumed: Mapping[str, Any]):
        """One option's terms under the values a decision-tree outcome assumed."""
        from ..framework.terms import term_sheet

        key = ("term_sheet", index, option, tuple(sorted((k, str(v)) for k, v in assumed.items())))
        return self._once(self._store, key, lambda: term_sheet(self.dataset, self.request, index, option, assumed))

    def acceptability(self, index: int):
        """SMAA-2 rank acceptability: uniform weights, or (``centred`` setting) a Dirichlet around the view."""
        from ..framework.analysis import acceptability
        from ..core.checks import check_samples

        check_samples(self.samples)
        centred = bool(self.setting("centred"))
        key = ("acceptability", index, self.samples, self.seed, centred, self.setting("concentration"),
               self.setting("score_uncertainty", 0.0))
        store = self._weighted if centred else self._store
        return self._once(store, key, lambda: acceptability(
            self.table(index), n_samples=self.samples, seed=self.seed,
            centre=self.weights if centred else None, concentration=self.setting("concentration"),
            score_uncertainty=self.setting("score_uncertainty", 0.0)))

    def alignment(self, index: int):
        """Rankings under every stakeholder profile, Kendall's tau and the win:win option."""
        from ..framework.analysis import alignment

        return self._once(self._store, ("alignment", index), lambda: alignment(self.dataset, self.table(index)))

    def split(self, total: float | None = None, rule: str = "all", samples: int | None = None):
        """(site contributions, {rule: SplitResult}) for the total (default: the case's)."""
        from ..framework.analysis import split

        total = self.total if total is None else total
        return self._once(self._store, ("split", total, rule, samples),
                          lambda: split(self.dataset, self.request, total, rule, samples=samples, seed=self.seed))

    # --- answers under the weights ----------------------------------------------------

    def ranking(self, index: int):
        from ..framework.scoring import rank_options

        return self._once(self._weighted, ("ranking", index), lambda: rank_options(self.table(index), self.weights))

    def stability(self, index: int):
        from ..framework.analysis import stability

        return self._once(self._weighted, ("stability", index),
                          lambda: stability(self.table(index), self.ranking(index).weights))

    def agreements(self, index: int):
        """The agreement to sign, one per decision-tree outcome, under the view's weights."""
        from ..framework.agreement import agreements

        return self._once(self._weighted, ("agreements", index),
                          lambda: agreements(self.dataset, self.request, index, self.weights,
                                             ranking=self.ranking(index), aligned=self.alignment(index),
                                             outcomes=self.recommendations(index)))

    def analysis(self, index: int):
        """Scores, ranking, rank acceptability, weight stability and alignment as one record."""
        from ..framework.analysis import Analysis

        return Analysis(self.table(index), self.ranking(index), self.acceptability(index), self.stability(index),
                        self.alignment(index))

    # --- registered capabilities ------------------------------------------------------

    def result(self, name: str):
        """The registered capability's result for this case (computed once)."""
        from .capability import capability

        cap = capability(name)
        return self._once(self._weighted, ("result", name), lambda: cap.compute(self))
