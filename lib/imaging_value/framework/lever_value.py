"""Optional: the commercial lever scored from each option's expected NHS value instead of the judgement table.

Switched in data (``valuation.yaml``: ``commercial_lever_from_value``), off by default so
today's answers stand. When on, each option's commercial score for a requester is its
expected NHS net present value scaled across the options to 0..10:
``10 x (mean_i - min) / (max - min)`` (5 for every option when all are equal), with the
valuation's default draws and seed 0. The report shows both scores side by side.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from ..core.errors import DataValidationError, Problem
from ..core.layout import VALUATION_FILE
from ..model.assumptions import VALUE_LEVER
from ..model.data import Dataset
from ..model.schema import Request
from .scoring import ScoreTable, frozen_array, score_options

if TYPE_CHECKING:
    import pandas as pd

    from ..model.assumptions import ValuationSpec

__all__ = ["value_scores", "apply_value_lever", "lever_comparison", "switched_on", "score_table", "LEVER", "SEED"]

LEVER = VALUE_LEVER
SEED = 0


def switched_on(dataset: Dataset) -> ValuationSpec | None:
    """The valuation's assumptions when its switch is on (None: off, or a folder without valuation.yaml)."""
    spec = dataset.valuation
    return spec if spec is not None and spec.commercial_lever_from_value.value else None


def score_table(dataset: Dataset, request: Request, requester_index: int) -> ScoreTable:
    """One requester's score table as every answer reads it: the judgement table (base scores and the
    adjustments that fire) with, when valuation.yaml's switch is on, the commercial lever from value."""
    table = score_options(dataset, request, requester_index)
    spec = switched_on(dataset)
    return table if spec is None else apply_value_lever(dataset, request, requester_index, table, spec)


def value_scores(means: dict[str, float]) -> dict[str, float]:
    """Expected NHS values scaled across the options to 0..10."""
    values = np.array(list(means.values()), dtype=float)
    low, high = values.min(), values.max()
    if high - low <= 1e-9 * max(1.0, abs(high)):
        return {option: 5.0 for option in means}
    return {option: float(10 * (m - low) / (high - low)) for option, m in means.items()}


def apply_value_lever(
    dataset: Dataset, request: Request, requester_index: int, table: ScoreTable, spec: ValuationSpec
) -> ScoreTable:
    """The score table with the commercial lever from expected NHS value; the change listed among the adjustments."""
    from .appraisal import appraise_requester  # the valuation's pandas and scipy, only when the switch is on

    if LEVER not in table.levers:  # the switch names the lever it scores; levers.yaml must still have it
        raise DataValidationError(
            [
                Problem(
                    VALUATION_FILE,
                    "commercial_lever_from_value",
                    "value",
                    f"false, or a lever '{LEVER}' in levers.yaml to score from value",
                    "true, and levers.yaml has no such lever",
                )
            ]
        )
    value = appraise_requester(dataset, spec, request, requester_index, seed=SEED, fair=False, shares=False)
    scores = value_scores({v.option: v.mean for v in value.options})
    new = np.array(table.score_values, dtype=float)
    lever = table.levers.index(LEVER)
    rows = []
    for option, score in scores.items():
        row = table.options.index(option)
        delta = score - float(new[row, lever])
        new[row, lever] = score
        rows.append(
            {
                "id": "commercial-from-value",
                "option": option,
                "lever": LEVER,
                "delta": delta,
                "rationale": "Commercial lever scored from expected NHS value (valuation.yaml switch).",
            }
        )
    return replace(table, score_values=frozen_array(new), fired_rows=table.fired_rows + tuple(rows))


def lever_comparison(dataset: Dataset, spec: ValuationSpec, request: Request, requester_index: int) -> pd.DataFrame:
    """Both commercial scores side by side: option, judgement (base table and adjustments), from_value, in_use."""
    import pandas as pd

    from .appraisal import appraise_requester

    table = score_table(dataset, request, requester_index)
    on = switched_on(dataset) is not None
    current = table.scores[LEVER]
    swapped = table.fired[table.fired["id"] == "commercial-from-value"].set_index("option")["delta"] if on else None
    judgement = current - swapped.reindex(current.index) if on else current
    value = appraise_requester(dataset, spec, request, requester_index, seed=SEED, fair=False, shares=False)
    from_value = value_scores({v.option: v.mean for v in value.options})
    return pd.DataFrame(
        {
            "option": list(current.index),
            "judgement": judgement.to_numpy(dtype=float),
            "from_value": [from_value[o] for o in current.index],
            "in_use": "from value" if on else "judgement",
        }
    )
