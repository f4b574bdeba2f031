"""Optional: the commercial lever scored from each option's expected NHS value instead of the judgement table.

Switched in data (``valuation.yaml``: ``commercial_lever_from_value``), off by default so
today's answers stand. When on, each option's commercial score for a requester is its
expected NHS net present value scaled across the options to 0..10:
``10 x (mean_i - min) / (max - min)`` (5 for every option when all are equal), with the
valuation's default draws and seed 0. The report shows both scores side by side.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from typing import TYPE_CHECKING

import numpy as np

from ..core.errors import DataValidationError, Problem
from ..core.layout import VALUATION_FILE
from ..core.yamlread import read_yaml_text

if TYPE_CHECKING:
    import pandas as pd

    from ..model.assumptions import ValuationSpec

__all__ = ["value_scores", "apply_value_lever", "lever_comparison", "switched_on", "LEVER", "SEED"]

LEVER = "commercial"
SEED = 0


def _plainly_off(path: Path) -> bool:
    """True when the file's switch is certainly not on, read without validating the whole file: the
    switch's ``value`` is ``false`` or the switch is absent (the full file would then fail validation,
    which leaves the switch off too). Anything else, including text pydantic might read as true, is
    left to :func:`_spec`'s full validation."""
    try:
        data, issues = read_yaml_text(path.read_text(encoding="utf-8"))
    except Exception:  # unreadable or malformed: the full load decides (and then the switch is off)
        return False
    if issues or not isinstance(data, dict):
        return False
    switch = data.get("commercial_lever_from_value")
    return switch is None or (isinstance(switch, dict) and switch.get("value") is False)


@lru_cache(maxsize=8)
def _spec(path: str, _mtime_ns: int) -> ValuationSpec | None:
    if _plainly_off(Path(path)):
        return None  # off: the rest of the file is validated where it is used (the value command, the report)
    from ..model.assumptions import load_assumptions

    try:
        return load_assumptions(Path(path).parent)
    except DataValidationError:
        return None  # the value command and the report name the problems; scoring keeps the judgement table


def switched_on(root: Path) -> ValuationSpec | None:
    """The assumptions when the switch is on (None: off, no file, or a file that fails validation)."""
    path = Path(root) / VALUATION_FILE
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        return None
    spec = _spec(str(path), mtime)
    return spec if spec is not None and spec.commercial_lever_from_value.value else None


def value_scores(means: dict[str, float]) -> dict[str, float]:
    """Expected NHS values scaled across the options to 0..10."""
    values = np.array(list(means.values()), dtype=float)
    low, high = values.min(), values.max()
    if high - low <= 1e-9 * max(1.0, abs(high)):
        return {option: 5.0 for option in means}
    return {option: float(10 * (m - low) / (high - low)) for option, m in means.items()}


def apply_value_lever(dataset, request, requester_index: int, table, spec: ValuationSpec):
    """The score table with the commercial lever from expected NHS value; the change listed among the adjustments."""
    from dataclasses import replace

    from .appraisal import appraise_requester

    from .scoring import frozen_array

    if LEVER not in table.levers:  # the switch names the lever it scores; levers.yaml must still have it
        raise DataValidationError([Problem(VALUATION_FILE, "commercial_lever_from_value", "value",
                                           f"false, or a lever '{LEVER}' in levers.yaml to score from value",
                                           "true, and levers.yaml has no such lever")])
    value = appraise_requester(dataset, spec, request, requester_index, seed=SEED, fair=False, shares=False)
    scores = value_scores({v.option: v.mean for v in value.options})
    new = np.array(table.score_values, dtype=float)
    lever = table.levers.index(LEVER)
    rows = []
    for option, score in scores.items():
        row = table.options.index(option)
        delta = score - float(new[row, lever])
        new[row, lever] = score
        rows.append({"id": "commercial-from-value", "option": option, "lever": LEVER, "delta": delta,
                     "rationale": "Commercial lever scored from expected NHS value (valuation.yaml switch)."})
    return replace(table, score_values=frozen_array(new), fired_rows=table.fired_rows + tuple(rows))


def lever_comparison(dataset, spec: ValuationSpec, request, requester_index: int) -> pd.DataFrame:
    """Both commercial scores side by side: option, judgement (base table and adjustments), from_value, in_use."""
    import pandas as pd

    from .appraisal import appraise_requester
    from .scoring import score_options

    table = score_options(dataset, request, requester_index)
    on = switched_on(dataset.root) is not None
    current = table.scores[LEVER]
    swapped = table.fired[table.fired["id"] == "commercial-from-value"].set_index("option")["delta"] if on else None
    judgement = current - swapped.reindex(current.index) if on else current
    value = appraise_requester(dataset, spec, request, requester_index, seed=SEED, fair=False, shares=False)
    from_value = value_scores({v.option: v.mean for v in value.options})
    return pd.DataFrame({"option": list(current.index), "judgement": judgement.to_numpy(dtype=float),
                         "from_value": [from_value[o] for o in current.index],
                         "in_use": "from value" if on else "judgement"})
