"""The explorer's state in plain Python: request facts, requester, weights, profile; and the one Case they give.

:class:`ExplorerState` holds what a person has chosen; no widgets. :meth:`ExplorerState.case` is the
:class:`~imaging_value.engine.case.Case` of the current facts (the same object while they stay the same),
and :meth:`ExplorerState.weighted` the same case under the sliders' weights: a weight change keeps the
answers that do not depend on the weights and recomputes only those that do.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from typing import Any

from ..core.defaults import DEFAULT_SAMPLES, DEFAULT_SEED
from ..core.errors import ParameterError
from ..engine.case import Case
from ..framework.scenario import facts_of, validate_facts, what_changed
from ..framework.scoring import normalise_weights
from ..model.data import Dataset
from ..model.schema import Request

__all__ = ["ExplorerState"]


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
        self._saved_case: Case | None = None
        self._views: dict[str, Case] = {}  # weights -> the case under them (the latest only)
        self._saved_views: dict[str, Case] = {}  # the same for the saved request

    # --- choosing ---------------------------------------------------------------------

    def start_from(self, rid: str | None, request: Request | None) -> None:
        """Start a scenario from a saved request (None: nothing to explore)."""
        self.saved_id, self.saved = rid, request
        self._saved_case = (
            None if request is None else Case(self.dataset, request, seed=self.seed, samples=self.n_samples)
        )
        self._saved_views = {}
        self.facts = facts_of(request) if request is not None else {}
        self.requester_index = 0

    def set_facts(self, facts: Mapping[str, Any]) -> None:
        """The scenario's facts as a request file's mapping (the requester stays in range)."""
        self.facts = copy.deepcopy(dict(facts))
        count = len(self.facts.get("requesters") or ())
        if count and self.requester_index >= count:
            self.requester_index = count - 1

    def set_requester(self, index: int) -> None:
        """The requester shown, by position from 0."""
        self.requester_index = int(index)

    def set_weights(self, raw: Mapping[str, float], profile: str | None = None) -> None:
        """The sliders' raw weights (levers left out weigh 0), and the profile they came from if any."""
        self.raw_weights = {lever: float(raw.get(lever, 0.0)) for lever in self.dataset.lever_ids}
        self.profile = profile

    # --- what they yield ----------------------------------------------------------------

    @property
    def modified(self) -> bool:
        """True when the facts differ from the saved request's."""
        return self.saved is None or self.facts != facts_of(self.saved)

    def weights(self) -> dict[str, float] | None:
        """The normalised weights, or None when every weight is 0."""
        return None if self.weights_error() is not None else normalise_weights(self.raw_weights, self.dataset.lever_ids)

    def weights_error(self) -> ParameterError | None:
        """Why the weights cannot rank (every weight 0), as the command line says it; None when they can."""
        try:
            normalise_weights(self.raw_weights, self.dataset.lever_ids)
        except ParameterError as exc:
            return exc
        return None

    def request(self) -> Request:
        """The scenario as a request; :class:`DataValidationError` naming every invalid fact."""
        return validate_facts(self.facts) if self._case is None else self.case().request_or_raise()

    def case(self) -> Case:
        """The case of the current facts (the same object while they stay the same), under equal weights."""
        key = json.dumps(self.facts, sort_keys=True, default=str)
        if self._case is None or key != self._case_key:
            request = validate_facts(self.facts)
            self._case = Case(self.dataset, request, seed=self.seed, samples=self.n_samples)
            self._case_key = key
            self._views = {}
        self._case.request_or_raise().requester(self.requester_index)  # a requester the scenario lacks stops here
        return self._case

    def weighted(self, weights: Mapping[str, float]) -> Case:
        """The current case under these (normalised) weights; the unweighted answers are shared."""
        key = json.dumps(sorted(weights.items()))
        case = self.case()
        if key not in self._views:
            self._views = {key: case.with_weights(weights)}  # keep the latest only
        return self._views[key]

    def changes(self, weights: Mapping[str, float]) -> list[str]:
        """What differs from the saved request under these weights (empty when there is none, or nothing differs)."""
        if self._saved_case is None:
            return []
        index = self.requester_index
        key = json.dumps(sorted(weights.items()))
        if key not in self._saved_views:
            self._saved_views = {key: self._saved_case.with_weights(weights)}
        before = self._saved_views[key].scenario_answers(index)
        after = self.weighted(weights).scenario_answers(index)
        return what_changed(self.dataset, before, after, index)
