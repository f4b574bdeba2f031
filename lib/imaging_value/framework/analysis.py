"""Robustness, stakeholder alignment and value sharing for a request, from the data folder.

This module connects the data (options, scores, profiles, site defaults, the
pooling curve) to the pure maths in :mod:`smaa`, :mod:`stability`,
:mod:`alignment` and :mod:`sharing`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from ..maths.alignment import AlignmentResult, stakeholder_alignment
from ..model.data import Dataset
from ..core.errors import ParameterError
from ..core.defaults import DEFAULT_SAMPLES, DEFAULT_SEED
from ..model.schema import Request
from .scoring import Ranking, ScoreTable, normalise_weights, rank_options, score_options
from ..maths.sharing import RULES, SplitResult, WorthCurve, split_value
from .sites import SiteContributions, site_contributions
from ..maths.smaa import DEFAULT_CONCENTRATION, SmaaResult, rank_acceptability
from ..maths.stability import StabilityResult, weight_stability

__all__ = ["SiteContributions", "site_contributions", "worth_curve", "acceptability", "stability", "alignment",
           "split", "Analysis", "analyse", "profile_weights", "DEFAULT_SAMPLES", "DEFAULT_CONCENTRATION"]


def profile_weights(dataset: Dataset, *, summits: bool = False) -> dict[str, dict[str, float]]:
    """Every stakeholder profile's normalised weights, by profile name: those of profiles.csv, and with
    ``summits`` also the groups elicited at summits (named "<summit-id>/<group>")."""
    profiles = dataset.profiles + (dataset.summit_profiles if summits else ())
    return {p.name: normalise_weights(p.raw_weights(), dataset.lever_ids) for p in profiles}


def acceptability(table: ScoreTable, *, n_samples: int = DEFAULT_SAMPLES, seed: int = DEFAULT_SEED,
                  centre: Mapping[str, float] | None = None, concentration: float | None = None,
                  score_uncertainty: float = 0.0) -> SmaaResult:
    """SMAA-2 on one requester's score table; weights uniform, or Dirichlet around ``centre``.

    ``score_uncertainty`` u > 0 also draws every score uniformly within +-u points (clipped to 0..10),
    which makes the confidence factors informative (with exact scores they are 1 or 0).
    """
    vector = None if centre is None else [centre[lever] for lever in table.levers]
    if centre is not None and concentration is None:
        concentration = DEFAULT_CONCENTRATION
    return rank_acceptability(table.matrix, table.options, table.levers, n_samples=n_samples, seed=seed, centre=vector,
                concentration=concentration, score_uncertainty=score_uncertainty)


def stability(table: ScoreTable, weights: Mapping[str, float]) -> StabilityResult:
    return weight_stability(table.matrix, table.options, table.levers, [weights[lever] for lever in table.levers])


def alignment(dataset: Dataset, table: ScoreTable) -> AlignmentResult:
    profiles = {name: [w[lever] for lever in table.levers] for name, w in profile_weights(dataset).items()}
    return stakeholder_alignment(table.matrix, table.options, table.levers, profiles)


@dataclass(frozen=True)
class Analysis:
    """Everything the workbook recomputes for one (request, requester) and one set of weights."""

    table: ScoreTable
    ranking: Ranking
    acceptability: SmaaResult
    stability: StabilityResult
    alignment: AlignmentResult


def analyse(dataset: Dataset, request: Request, requester_index: int = 0,
            weights: Mapping[str, float] | None = None, *, n_samples: int = DEFAULT_SAMPLES,
            seed: int = DEFAULT_SEED) -> Analysis:
    """The full recompute: scores, ranking, SMAA, weight stability and stakeholder alignment."""
    table = score_options(dataset, request, requester_index)
    ranking = rank_options(table, weights)
    return Analysis(table, ranking, acceptability(table, n_samples=n_samples, seed=seed),
                    stability(table, ranking.weights), alignment(dataset, table))


# --- value sharing -------------------------------------------------------------------


def worth_curve(dataset: Dataset) -> WorthCurve:
    spec = dataset.pooling
    if spec.kind == "power":
        return WorthCurve.power(spec.exponent)
    if spec.kind == "log":
        return WorthCurve.log(spec.scale)
    return WorthCurve.saturating(spec.scale)


def split(dataset: Dataset, request: Request, total: float, rule: str = "all", *, samples: int | None = None,
          seed: int = DEFAULT_SEED) -> tuple[SiteContributions, dict[str, SplitResult]]:
    """Split ``total`` among the request's sites by one rule or all of them."""
    if rule != "all" and rule not in RULES:
        raise ParameterError("rule", "one of " + ", ".join(RULES) + " or all", rule)
    sites = site_contributions(dataset, request)
    rules = RULES if rule == "all" else (rule,)
    curve = worth_curve(dataset)
    n = dataset.pooling.samples if samples is None else samples
    results = {r: split_value(total, sites.sites, sites.images, sites.effort, r, curve=curve, samples=n, seed=seed)
               for r in rules}
    return sites, results
