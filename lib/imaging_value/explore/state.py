"""The explorer's state in plain Python: request facts, requester, weights, profile; and what they yield.

:class:`ExplorerState` holds what a person has chosen; no widgets. Its
:meth:`ExplorerState.case` is a :class:`Case`: every answer the explorer shows for
the current facts and requester, each computed once, when first asked for, and
kept while the facts and requester stay the same (a weight change keeps the
request's answers; only the weighted ones are computed again).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from functools import cached_property
from typing import Any

from ..core.defaults import DEFAULT_SAMPLES, DEFAULT_SEED
from ..core.errors import ParameterError
from ..engine.case import Case as GeneralCase
from ..framework.scenario import Answers, facts_of, validate_facts, what_changed
from ..framework.scoring import normalise_weights
from ..model.data import Dataset
from ..model.schema import Request

__all__ = ["ExplorerState", "Case", "WeightedCase"]


class Case:
    """The answers for one valid request (the scenario) and one requester: a thin use of the general
    :class:`imaging_value.engine.case.Case` (``general``), which computes each answer lazily, once."""

    def __init__(
        self,
        dataset: Dataset,
        request: Request,
        requester_index: int,
        *,
        saved: Request | None,
        n_samples: int,
        seed: int,
        saved_answers: dict[str, Answers] | None = None,
    ):
        self.dataset, self.request, self.requester_index = dataset, request, requester_index
        self.saved, self.n_samples, self.seed = saved, n_samples, seed
        self.general = GeneralCase(dataset, request, requester_index, seed=seed, samples=n_samples)
        self._saved_answers = {} if saved_answers is None else saved_answers  # shared while the saved request stays
        self._weighted: dict[str, WeightedCase] = {}

    @property
    def table(self):
        return self.general.table(self.requester_index)

    @property
    def recommendations(self):
        return self.general.recommendations(self.requester_index)

    @property
    def acceptability(self):
        return self.general.acceptability(self.requester_index)

    @property
    def alignment(self):
        return self.general.alignment(self.requester_index)

    def split(self, total: float):
        """(site contributions, {rule: SplitResult}) for this total."""
        return self.general.split(total)

    def saved_answers(self, weights: Mapping[str, float]) -> Answers | None:
        """The saved request's answers for this requester and weights (computed once per saved request);
        None when the scenario did not start from a saved request."""
        if self.saved is None:
            return None
        key = json.dumps([self.requester_index, sorted(weights.items())])
        if key not in self._saved_answers:
            saved = GeneralCase(self.dataset, self.saved, seed=self.seed, samples=self.n_samples, weights=weights)
            self._saved_answers[key] = saved.scenario_answers(self.requester_index)
        return self._saved_answers[key]

    def weighted(self, weights: Mapping[str, float]) -> WeightedCase:
        key = json.dumps(sorted(weights.items()))
        if key not in self._weighted:
            self._weighted = {key: WeightedCase(self, dict(weights))}  # keep the latest only
        return self._weighted[key]


class WeightedCase:
    """The answers that also depend on the (normalised) weights: the general case under these weights."""

    def __init__(self, case: Case, weights: dict[str, float]):
        self.case, self.weights = case, weights
        self.general = case.general.with_weights(weights)

    @property
    def ranking(self):
        return self.general.ranking(self.case.requester_index)

    @property
    def stability(self):
        return self.general.stability(self.case.requester_index)

    @property
    def agreements(self):
        return self.general.agreements(self.case.requester_index)

    @cached_property
    def changes(self) -> list[str]:
        """What differs from the saved request (empty when there is none, or nothing differs)."""
        case = self.case
        before = case.saved_answers(self.weights)
        if before is None:
            return []
        after = self.general.scenario_answers(case.requester_index)
        return what_changed(case.dataset, before, after, case.requester_index)


class ExplorerState:
    """What a person has chosen in the explorer: the request's facts, the requester, the weights, the profile."""

    def __init__(self, dataset: Dataset, *, n_samples: int = DEFAULT_SAMPLES, seed: int = DEFAULT_SEED):
        self.dataset = dataset
        self.n_samples, self.seed = n_samples, seed
        self.saved: Request | None = None  # the request file the scenario started from
        self.saved_id: str | None = None
        self.facts: dict[str, Any] = {}
        self.requester_index = 0
        self.raw_weights: dict[str, float] = {lever: 1.0 / len(dataset.lever_ids) for lever in dataset.lever_ids}
        self.profile: str | None = None
        self._case: Case | None = None
        self._case_key: str | None = None
        self._saved_answers: dict[str, Answers] = {}

    # --- choosing ---------------------------------------------------------------------

    def start_from(self, rid: str | None, request: Request | None) -> None:
        """Start a scenario from a saved request (None: nothing to explore)."""
        self.saved_id, self.saved = rid, request
        self._saved_answers = {}
        self.facts = facts_of(request) if request is not None else {}
        self.requester_index = 0

    def set_facts(self, facts: Mapping[str, Any]) -> None:
        self.facts = copy.deepcopy(dict(facts))
        count = len(self.facts.get("requesters") or ())
        if count and self.requester_index >= count:
            self.requester_index = count - 1

    def set_requester(self, index: int) -> None:
        self.requester_index = int(index)

    def set_weights(self, raw: Mapping[str, float], profile: str | None = None) -> None:
        self.raw_weights = {lever: float(raw.get(lever, 0.0)) for lever in self.dataset.lever_ids}
        self.profile = profile

    # --- what they yield ----------------------------------------------------------------

    @property
    def modified(self) -> bool:
        """True when the facts differ from the saved request's."""
        return self.saved is None or self.facts != facts_of(self.saved)

    def weights(self) -> dict[str, float] | None:
        """The normalised weights, or None when every weight is 0."""
        try:
            return normalise_weights(self.raw_weights, self.dataset.lever_ids)
        except ParameterError:
            return None

    def request(self) -> Request:
        """The scenario as a request; :class:`DataValidationError` naming every invalid fact."""
        return self.case().request

    def case(self) -> Case:
        """The answers for the current facts and requester (the same object while they stay the same)."""
        key = json.dumps([self.facts, self.requester_index], sort_keys=True, default=str)
        if self._case is None or key != self._case_key:
            request = validate_facts(self.facts)
            request.requester(self.requester_index)  # a requester the scenario does not have stops here
            self._case = Case(
                self.dataset,
                request,
                self.requester_index,
                saved=self.saved,
                n_samples=self.n_samples,
                seed=self.seed,
                saved_answers=self._saved_answers,
            )
            self._case_key = key
        return self._case
