"""Robustness and stakeholder alignment for a request, from the data folder.

This module connects the data (scores and profiles) to the pure maths in
:mod:`~imaging_value.maths.smaa`, :mod:`~imaging_value.maths.stability` and
:mod:`~imaging_value.maths.alignment`; the split among sites is :mod:`.site_split`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..core.defaults import DEFAULT_SAMPLES, DEFAULT_SEED
from ..maths.alignment import AlignmentResult, stakeholder_alignment
from ..maths.smaa import DEFAULT_CONCENTRATION, SmaaResult, rank_acceptability
from ..maths.stability import StabilityResult, weight_stability
from ..model.data import Dataset
from .scoring import Ranking, ScoreTable, normalise_weights

__all__ = [
    "acceptability",
    "stability",
    "align_stakeholders",
    "Analysis",
    "profile_weights",
    "DEFAULT_SAMPLES",
    "DEFAULT_CONCENTRATION",
]


def profile_weights(
    dataset: Dataset, *, summits: bool = False, facts: Mapping[str, Any] | None = None
) -> dict[str, dict[str, float]]:
    """Every stakeholder profile's normalised weights, by profile name: those of profiles.csv, and with
    ``summits`` also the groups elicited at summits (named "<summit-id>/<group>"); with a request's ``facts``,
    moved by the weight adjustments that fire for them (weight_adjustments.csv)."""
    from .scoring import adjusted_weights

    profiles = dataset.profiles + (dataset.summit_profiles if summits else ())
    return {
        p.name: normalise_weights(adjusted_weights(dataset, p.name, p.raw_weights(), facts), dataset.lever_ids)
        for p in profiles
    }


def acceptability(
    table: ScoreTable,
    *,
    n_samples: int = DEFAULT_SAMPLES,
    seed: int = DEFAULT_SEED,
    centre: Mapping[str, float] | None = None,
    concentration: float | None = None,
    score_uncertainty: float = 0.0,
) -> SmaaResult:
    """SMAA-2 on one requester's score table; weights uniform, or Dirichlet around ``centre``.

    ``score_uncertainty`` u > 0 also draws every score uniformly within +-u points (clipped to 0..10),
    which makes the confidence factors informative (with exact scores they are 1 or 0).
    """
    vector = None if centre is None else [centre[lever] for lever in table.levers]
    if centre is not None and concentration is None:
        concentration = DEFAULT_CONCENTRATION
    return rank_acceptability(
        table.matrix,
        table.options,
        table.levers,
        n_samples=n_samples,
        seed=seed,
        centre=vector,
        concentration=concentration,
        score_uncertainty=score_uncertainty,
    )


def stability(table: ScoreTable, weights: Mapping[str, float]) -> StabilityResult:
    """How far each lever's weight can move before the winner changes, on one requester's score table."""
    return weight_stability(table.matrix, table.options, table.levers, [weights[lever] for lever in table.levers])


def align_stakeholders(dataset: Dataset, table: ScoreTable) -> AlignmentResult:
    """The ranking under every stakeholder profile, Kendall's tau between them and the win:win option."""
    weights = profile_weights(dataset, facts=table.facts)
    profiles = {name: [w[lever] for lever in table.levers] for name, w in weights.items()}
    return stakeholder_alignment(table.matrix, table.options, table.levers, profiles)


@dataclass(frozen=True)
class Analysis:
    """Everything the workbook recomputes for one (request, requester) and one set of weights."""

    table: ScoreTable
    ranking: Ranking
    acceptability: SmaaResult
    stability: StabilityResult
    alignment: AlignmentResult


def profiles_answer(dataset: Dataset) -> dict:
    """profiles.csv's profiles, then the groups elicited at summits (with their provenance), and what is wrong with
    each summit answer file that gave no profile (``invalid``), as JSON."""
    return {
        "profiles": [
            {
                "name": p.name,
                "label": p.label,
                "weights": normalise_weights(p.raw_weights(), dataset.lever_ids),
                "rationale": p.rationale,
            }
            | ({"provenance": p.provenance.to_dict()} if hasattr(p, "provenance") else {})
            for p in dataset.profiles + dataset.summit_profiles
        ],
        "invalid": [str(problem) for problem in dataset.summit_problems],
    }
