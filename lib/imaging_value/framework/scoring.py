"""Scoring the agreement options on the value levers, and ranking them by weighted sum.

Validation (what a request or weight may be) lives elsewhere; these functions
do the arithmetic and keep every intermediate table so a report can show the
working: base scores, the adjustments that fired, the final scores, and each
lever's weighted contribution.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from ..core.errors import ParameterError
from ..core.limits import MAX_WEIGHT
from ..maths.arrays import SCORE_MAX, SCORE_MIN, comparable  # the 0..10 score range, stated once
from ..model.conditions import facts_for, holds
from ..model.data import Dataset
from ..model.schema import Request, Requester

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "resolve_weights",
    "adjusted_weights",
    "ScoreTable",
    "Ranking",
    "score_options",
    "normalise_weights",
    "rank_options",
    "parse_weights",
]


def _frame(values: np.ndarray, options: tuple[str, ...], levers: tuple[str, ...]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(values, index=pd.Index(options, name="option"), columns=pd.Index(levers, name="lever"))


def frozen_array(values: np.ndarray) -> np.ndarray:
    """The array, made read-only (a score table's arrays never change once built)."""
    values.flags.writeable = False
    return values


@dataclass(frozen=True)
class ScoreTable:
    """Every option's score on every lever for one (request, requester), with the working.

    The arithmetic is held as arrays (options x levers, in ``options`` and ``levers`` order);
    the tables a report shows (``base``, ``fired``, ``scores``, ``rationale``) are pandas frames
    built from them on first use, so ranking from the command line never loads pandas.
    """

    request_id: str
    requester_index: int
    requester: Requester
    options: tuple[str, ...]
    levers: tuple[str, ...]
    base_values: np.ndarray  # options x levers, from base_scores.csv
    fired_rows: tuple[dict, ...]  # the adjustments that applied: id, option, lever, delta, rationale
    score_values: np.ndarray  # options x levers, base + adjustments, clipped to 0..10
    notes: np.ndarray  # options x levers, the base score's one-line rationale
    facts: dict = field(default_factory=dict, compare=False)  # the facts the adjustments were tested on

    @property
    def matrix(self) -> np.ndarray:
        """The final scores, options x levers (read-only)."""
        return self.score_values

    def score(self, option: str, lever: str) -> float:
        """The final score of one option on one lever."""
        return float(self.score_values[self.options.index(option), self.levers.index(lever)])

    @cached_property
    def base(self) -> pd.DataFrame:
        """The base scores, options x levers (from base_scores.csv)."""
        return _frame(self.base_values, self.options, self.levers)

    @cached_property
    def fired(self) -> pd.DataFrame:
        """The adjustments that fired, one row each: id, option, lever, delta, rationale."""
        import pandas as pd

        return pd.DataFrame(list(self.fired_rows), columns=["id", "option", "lever", "delta", "rationale"])

    @cached_property
    def scores(self) -> pd.DataFrame:
        """The final scores, options x levers (base plus adjustments, clipped to 0..10)."""
        return _frame(self.score_values, self.options, self.levers)

    @cached_property
    def rationale(self) -> pd.DataFrame:
        """The base scores' one-line rationales, options x levers."""
        return _frame(self.notes, self.options, self.levers)


def score_options(dataset: Dataset, request: Request, requester_index: int = 0) -> ScoreTable:
    """Score every option on every lever: base table plus the context adjustments that fire."""
    requester = request.requester(requester_index)
    options, levers = dataset.option_ids, dataset.lever_ids
    row = {option: i for i, option in enumerate(options)}
    col = {lever: j for j, lever in enumerate(levers)}
    base_values = np.zeros((len(options), len(levers)))
    notes = np.full((len(options), len(levers)), "", dtype=object)
    for cell in dataset.base_scores:
        base_values[row[cell.option], col[cell.lever]] = cell.score
        notes[row[cell.option], col[cell.lever]] = cell.rationale
    facts = facts_for(request, requester, dataset.derived_facts)
    fired_rows = tuple(
        {"id": adj.id, "option": adj.option, "lever": adj.lever, "delta": adj.delta, "rationale": adj.rationale}
        for adj in dataset.adjustments
        if holds(adj.condition(), facts)
    )
    values = base_values.copy()
    for fired_row in fired_rows:
        values[row[fired_row["option"]], col[fired_row["lever"]]] += fired_row["delta"]
    table = ScoreTable(
        request.id,
        requester_index,
        requester,
        tuple(options),
        tuple(levers),
        frozen_array(base_values),
        fired_rows,
        frozen_array(np.clip(values, SCORE_MIN, SCORE_MAX)),
        frozen_array(notes),
        facts,
    )
    return table


def normalise_weights(weights: Mapping[str, float] | None, levers: tuple[str, ...]) -> dict[str, float]:
    """Weights scaled to sum to 1. None: every lever weighs the same. A lever left out weighs 0.

    Raises :class:`ParameterError` for an unknown lever, a negative or non-finite weight, or all zeros.
    """
    if weights is None:
        return {lever: 1.0 / len(levers) for lever in levers}
    unknown = [name for name in weights if name not in levers]
    if unknown:
        raise ParameterError("weights", "lever names from " + ", ".join(levers), ", ".join(unknown))
    values: dict[str, float] = {}
    for lever in levers:
        raw = weights.get(lever, 0.0)
        try:
            value = float(raw)
        except (TypeError, ValueError):
            raise ParameterError("weights", f"a number for lever '{lever}'", raw) from None
        if not math.isfinite(value) or not 0 <= value <= MAX_WEIGHT:
            raise ParameterError(
                "weights",
                f"a non-negative number for lever '{lever}', at most "
                f"{MAX_WEIGHT:,.0f} (only the ratios between weights matter)",
                raw,
            )
        values[lever] = value
    if not any(values.values()):
        raise ParameterError("weights", "at least one positive weight", "all weights 0")
    total = sum(values.values())
    return {lever: value / total for lever, value in values.items()}


def adjusted_weights(
    dataset: Dataset, profile: str, raw: Mapping[str, float], facts: Mapping[str, Any] | None
) -> dict[str, float]:
    """A profile's raw weights with the weight adjustments that fire for the request's facts applied
    (weight_adjustments.csv: the lever's weight times the factor); unchanged without facts."""
    if not facts:
        return dict(raw)
    moved = dict(raw)
    for row in dataset.weight_adjustments:
        if row.profile == profile and row.lever in moved and holds(row.condition(), facts):
            moved[row.lever] = moved[row.lever] * row.factor
    return moved


def resolve_weights(
    dataset: Dataset,
    weights: Mapping[str, float] | None = None,
    profile: str | None = None,
    facts: Mapping[str, Any] | None = None,
) -> dict[str, float]:
    """Normalised weights from explicit weights, a stakeholder profile (moved by the weight adjustments that fire
    for the request's ``facts``), or (neither) equal weights."""
    if weights is not None and profile is not None:
        raise ParameterError("weights", "either weights or a profile, not both", "both")
    if profile is not None:
        raw = adjusted_weights(dataset, profile, dataset.profile(profile).raw_weights(), facts)
        return normalise_weights(raw, dataset.lever_ids)
    return normalise_weights(weights, dataset.lever_ids)


def parse_weights(text: str) -> dict[str, float]:
    """Parse ``clinical=3,commercial=1`` into a mapping (not yet normalised)."""
    weights: dict[str, float] = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        name, sep, value = part.partition("=")
        if not sep:
            raise ParameterError("weights", "LEVER=NUMBER pairs separated by commas", part)
        name = name.strip()
        if name in weights:
            raise ParameterError("weights", "each lever once", name)
        try:
            weights[name] = float(value)
        except ValueError:
            raise ParameterError("weights", f"a number for lever '{name}'", value.strip()) from None
    if not weights:
        raise ParameterError("weights", "LEVER=NUMBER pairs separated by commas", text)
    return weights


@dataclass(frozen=True)
class Ranking:
    """Options ordered by weighted score, best first, with each lever's contribution."""

    table: ScoreTable
    weights: dict[str, float]  # normalised
    total_values: np.ndarray  # weighted score per option, in table.options order
    order: tuple[str, ...]  # option ids, best first (ties keep the options file's order)

    @property
    def winner(self) -> str:
        """The best option's id."""
        return self.order[0]

    def total(self, option: str) -> float:
        """An option's weighted score."""
        return float(self.total_values[self.table.options.index(option)])

    @cached_property
    def contributions(self) -> pd.DataFrame:
        """options x levers: score x weight."""
        w = np.array([self.weights[lever] for lever in self.table.levers])
        return _frame(self.table.score_values * w, self.table.options, self.table.levers)

    @cached_property
    def totals(self) -> pd.Series:
        """option -> weighted score."""
        return self.contributions.sum(axis=1)

    def frame(self) -> pd.DataFrame:
        """One row per option, best first: rank, score and lever scores."""
        frame = self.table.scores.loc[list(self.order)].copy()
        frame.insert(0, "score", self.totals.loc[list(self.order)])
        frame.insert(0, "rank", range(1, len(self.order) + 1))
        return frame


def rank_options(table: ScoreTable, weights: Mapping[str, float] | None = None) -> Ranking:
    """Rank options by the weighted sum of their lever scores (weights normalised first)."""
    normalised = normalise_weights(weights, table.levers)
    w = np.array([normalised[lever] for lever in table.levers])
    totals = (table.score_values * w).sum(axis=1)
    # stable sort on the negated total (rounded, so float noise is no tie-breaker) keeps file order among ties
    order_idx = np.argsort(-comparable(totals), kind="stable")
    order = tuple(table.options[i] for i in order_idx)
    return Ranking(table, normalised, frozen_array(totals), order)
