"""The grand summit: every stakeholder group's elicited weights side by side, and a compromise.

For one summit (``summits/<summit-id>/`` in the data folder) and every valid request:

* each group's weights with their spread between participants, and for each lever how far the
  groups disagree (the lowest and highest group weight);
* each group's first choice per request and requester (weighted sum with its weights);
* the compromise weights: the weighted mean of the groups' weights, **each group weighing the
  same by default** (``group_weights`` to change it); this framework's reading;
* the minimax-regret option (Savage 1951, "The theory of statistical decision", JASA 46): an
  option's regret for a group is how far its weighted value falls short of that group's best
  option; the option whose largest regret over the groups is smallest. Ties go to the higher
  value under the compromise weights, then to the options file's order;
* rank acceptability (SMAA-2) with weights drawn from a Dirichlet centred on the compromise
  weights (:func:`imaging_value.maths.smaa.rank_acceptability`), seeded.

:func:`minimax_regret` is pure; :func:`grand_summit` connects it to the data folder.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..core.defaults import DEFAULT_SAMPLES, DEFAULT_SEED
from ..core.errors import ParameterError
from ..maths.arrays import check_ids, check_scores, check_vector
from ..maths.elicit import GroupWeights
from ..maths.smaa import SmaaResult, rank_acceptability
from ..model.data import Dataset

__all__ = [
    "Regret",
    "RequestSummit",
    "SummitResult",
    "minimax_regret",
    "compromise_weights",
    "grand_summit",
    "COMPROMISE_RULE",
]

COMPROMISE_RULE = "the mean of the groups' weights, each group weighing the same"


@dataclass(frozen=True)
class Regret:
    """Minimax regret over groups, with the working table."""

    options: tuple[Hashable, ...]
    groups: tuple[str, ...]
    values: np.ndarray  # options x groups: weighted value under each group's weights
    regret: np.ndarray  # options x groups: the group's best value minus the option's
    max_regret: dict[Hashable, float]
    choice: Hashable

    def to_dict(self) -> dict[str, Any]:
        """The regret as JSON: the options, groups, regret table, each option's largest regret and the choice."""
        return {
            "options": list(self.options),
            "groups": list(self.groups),
            "regret": {
                str(o): {g: float(self.regret[i, j]) for j, g in enumerate(self.groups)}
                for i, o in enumerate(self.options)
            },
            "max_regret": {str(o): v for o, v in self.max_regret.items()},
            "choice": self.choice,
        }


def minimax_regret(
    scores: Any,
    options: Sequence[Hashable],
    levers: Sequence[Hashable],
    group_weights: Mapping[str, Any],
    tie_weights: Any = None,
) -> Regret:
    """The option with the least maximum regret across groups (see the module docstring).

    ``scores``: options x levers; ``group_weights``: group -> weight vector (lever order or mapping);
    ``tie_weights``: weights whose value breaks ties in the maximum regret (default: the mean of the groups').
    """
    option_ids = check_ids(options, "options")
    lever_ids = check_ids(levers, "levers")
    s = check_scores(scores, option_ids, lever_ids)
    if not isinstance(group_weights, Mapping) or not group_weights:
        raise ParameterError("group_weights", "a non-empty mapping of group -> weight vector", group_weights)
    groups = tuple(group_weights)
    w = np.array([_vector(group_weights[g], lever_ids, f"group_weights[{g!r}]") for g in groups])  # groups x levers
    values = s @ w.T  # options x groups
    regret = values.max(axis=0, keepdims=True) - values
    worst = np.round(regret.max(axis=1), 9)
    tie = w.mean(axis=0) if tie_weights is None else _vector(tie_weights, lever_ids, "tie_weights")
    tie_value = s @ tie
    # least maximum regret; then highest value under the tie weights; then the options' order
    best = min(range(len(option_ids)), key=lambda i: (worst[i], -round(float(tie_value[i]), 9), i))
    return Regret(
        option_ids,
        groups,
        values,
        regret,
        {o: float(x) for o, x in zip(option_ids, regret.max(axis=1))},
        option_ids[best],
    )


def _vector(weights: Any, levers: tuple[Hashable, ...], parameter: str) -> np.ndarray:
    """Non-negative weights (lever order, or a mapping lever -> weight), not all 0, normalised to sum 1."""
    if isinstance(weights, Mapping):
        if set(weights) != set(levers):
            raise ParameterError(parameter, f"one weight for each lever {list(levers)}", sorted(map(str, weights)))
        weights = [weights[lever] for lever in levers]
    array = check_vector(weights, levers, parameter, unit="lever", noun="weight")
    if array.sum() <= 0:
        raise ParameterError(parameter, "at least one positive weight", "all 0")
    return array / array.sum()


def compromise_weights(
    groups: Mapping[str, Mapping[str, float]], levers: Sequence[str], group_weights: Mapping[str, float] | None = None
) -> dict[str, float]:
    """Aggregate weights across groups: the weighted mean of their normalised weights (equal by default)."""
    names = tuple(groups)
    if not names:
        raise ParameterError("groups", "at least one group's weights", groups)
    share = {g: 1.0 for g in names} if group_weights is None else dict(group_weights)
    if set(share) != set(names) or any(not np.isfinite(v) or v < 0 for v in share.values()) or sum(share.values()) <= 0:
        raise ParameterError(
            "group_weights", "a weight of at least 0 for each group: " + ", ".join(names), group_weights
        )
    total = sum(share.values())
    vectors = {g: _vector(groups[g], tuple(levers), f"groups[{g!r}]") for g in names}
    mean = sum(share[g] / total * vectors[g] for g in names)
    return {lever: float(x) for lever, x in zip(levers, mean)}


@dataclass(frozen=True)
class RequestSummit:
    """One request and requester at the grand summit."""

    request: str
    title: str
    requester_index: int
    requester: str  # kind (and name where given), for display
    first_choice: dict[str, str]  # group -> its best option
    regret: Regret
    acceptability: SmaaResult
    compromise_choice: str  # best option under the compromise weights

    @property
    def minimax_regret(self) -> str:
        """The minimax-regret option: the one whose largest regret over the groups is smallest."""
        return str(self.regret.choice)

    def to_dict(self) -> dict[str, Any]:
        """The ``summit --json`` entry for this request and requester."""
        return {
            "request": self.request,
            "requester_index": self.requester_index,
            "first_choice": dict(self.first_choice),
            "minimax_regret": self.minimax_regret,
        }


@dataclass(frozen=True)
class SummitResult:
    """The grand summit of one summit id, with every group's working."""

    summit: str
    levers: tuple[str, ...]
    groups: tuple[GroupWeights, ...]
    profile_names: dict[str, str]  # group -> its profile name, "<summit-id>/<group>"
    provenance: dict[str, dict[str, Any]]  # group -> summit, method, date, participants, file, sha256
    notes: dict[str, str]  # group -> the file's note (e.g. "illustrative")
    group_shares: dict[str, float]  # each group's weight in the compromise
    compromise_weights: dict[str, float]
    disagreement: dict[str, dict[str, float]]  # lever -> min, max (and sd) of the group weights
    requests: tuple[RequestSummit, ...]
    skipped_requests: tuple[str, ...]  # request files that failed validation
    seed: int
    samples: int
    concentration: float

    @property
    def compromise_rule(self) -> str:
        """How the compromise weights were made, in words (the plain mean, or the mean with the groups' shares)."""
        if len(set(self.group_shares.values())) <= 1:
            return COMPROMISE_RULE
        return "the weighted mean of the groups' weights, with group shares " + ", ".join(
            f"{g} {s:.2f}" for g, s in self.group_shares.items()
        )

    def to_dict(self) -> dict[str, Any]:
        """The ``summit --json`` answer."""
        return {
            "summit": self.summit,
            "groups": [
                {
                    "group": g.group,
                    "method": g.method,
                    "participants": g.participants,
                    "weights": dict(g.weights),
                    "consistency_ratio": g.consistency_ratio,
                }
                for g in self.groups
            ],
            "compromise_weights": dict(self.compromise_weights),
            "disagreement": {lever: {"min": d["min"], "max": d["max"]} for lever, d in self.disagreement.items()},
            "requests": [r.to_dict() for r in self.requests],
        }


def grand_summit(
    dataset: Dataset,
    summit: str,
    *,
    seed: int = DEFAULT_SEED,
    samples: int = DEFAULT_SAMPLES,
    concentration: float | None = None,
    group_weights: Mapping[str, float] | None = None,
) -> SummitResult:
    """Every group of ``summit`` and every valid request of the data folder (see the module docstring)."""
    from ..model.data import scan_requests
    from ..model.summit_files import load_summit
    from .analysis import DEFAULT_CONCENTRATION
    from .lever_value import score_table
    from .scoring import rank_options

    files = load_summit(dataset.root, summit, dataset.lever_ids)
    levers = dataset.lever_ids
    groups = tuple(f.result for f in files)
    by_group = {g.group: g.weights for g in groups}
    shares = {g: 1.0 for g in by_group} if group_weights is None else dict(group_weights)
    compromise = compromise_weights(by_group, levers, shares)
    total = sum(shares.values())
    table = np.array([[g.weights[lever] for lever in levers] for g in groups])
    disagreement = {
        lever: {"min": float(table[:, j].min()), "max": float(table[:, j].max()), "sd": float(table[:, j].std())}
        for j, lever in enumerate(levers)
    }
    conc = DEFAULT_CONCENTRATION if concentration is None else float(concentration)
    entries, skipped = [], []
    for entry in scan_requests(dataset):
        if entry.request is None:
            skipped.append(entry.id)
            continue
        request = entry.request
        for index, requester in enumerate(request.requesters):
            scores = score_table(dataset, request, index)
            first = {g: rank_options(scores, w).winner for g, w in by_group.items()}
            regret = minimax_regret(
                scores.matrix,
                scores.options,
                levers,
                {g: [w[lever] for lever in levers] for g, w in by_group.items()},
                [compromise[lever] for lever in levers],
            )
            sampled = rank_acceptability(
                scores.matrix,
                scores.options,
                levers,
                n_samples=samples,
                seed=seed,
                centre=[compromise[lever] for lever in levers],
                concentration=conc,
            )
            entries.append(
                RequestSummit(
                    request.id,
                    request.title,
                    index,
                    requester.label(),
                    first,
                    regret,
                    sampled,
                    rank_options(scores, compromise).winner,
                )
            )
    return SummitResult(
        summit=summit,
        levers=levers,
        groups=groups,
        profile_names={f.group: f"{summit}/{f.group}" for f in files},
        provenance={f.group: f.provenance.to_dict() for f in files},
        notes={f.group: f.note for f in files},
        group_shares={g: s / total for g, s in shares.items()},
        compromise_weights=compromise,
        disagreement=disagreement,
        requests=tuple(entries),
        skipped_requests=tuple(skipped),
        seed=seed,
        samples=samples,
        concentration=conc,
    )
