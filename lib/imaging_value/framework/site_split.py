"""Sharing a total among a request's sites, by every rule side by side (pooling.yaml's curve for Shapley)."""

from __future__ import annotations

from ..core.defaults import DEFAULT_SEED
from ..core.errors import ParameterError
from ..maths.sharing import RULES, SplitResult, WorthCurve, split_value
from ..model.data import Dataset
from ..model.schema import Request
from .sites import SiteContributions, site_contributions

__all__ = ["worth_curve", "split_among_sites"]


def worth_curve(dataset: Dataset) -> WorthCurve:
    """The data-pooling game's worth curve, from pooling.yaml."""
    spec = dataset.pooling
    if spec.kind == "power":
        return WorthCurve.power(spec.exponent)
    if spec.kind == "log":
        return WorthCurve.log(spec.scale)
    return WorthCurve.saturating(spec.scale)


def split_among_sites(
    dataset: Dataset,
    request: Request,
    total: float,
    rule: str = "all",
    *,
    samples: int | None = None,
    seed: int = DEFAULT_SEED,
) -> tuple[SiteContributions, dict[str, SplitResult]]:
    """Split ``total`` among the request's sites by one rule or all of them."""
    if rule != "all" and rule not in RULES:
        raise ParameterError("rule", "one of " + ", ".join(RULES) + " or all", rule)
    sites = site_contributions(dataset, request)
    rules = RULES if rule == "all" else (rule,)
    curve = worth_curve(dataset)
    n = dataset.pooling.samples if samples is None else samples
    results = {
        r: split_value(total, sites.sites, sites.images, sites.effort, r, curve=curve, samples=n, seed=seed)
        for r in rules
    }
    return sites, results
