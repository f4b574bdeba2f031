"""The one set of defaults for the parameters of a report, the explorer and the command line.

:class:`imaging_value.model.params.RequestParams` takes its defaults from here, and so do the
command line's options and the explorer, so the same weights give the same figures
wherever they are asked for. Standard library only: the command line reads these
before it loads anything else.
"""

from __future__ import annotations

__all__ = [
    "DEFAULT_SEED",
    "DEFAULT_SAMPLES",
    "DEFAULT_TOTAL",
    "DEFAULT_SCORE_UNCERTAINTY",
    "DEFAULT_REQUEST",
    "DEFAULT_DATA_DIR",
    "DEFAULT_REVENUE_SCENARIO",
]

DEFAULT_SEED = 20210401  # random seed of every sampled analysis (rank acceptability, sampled Shapley, valuation draws)
DEFAULT_SAMPLES = 10_000  # weight vectors sampled for rank acceptability
DEFAULT_TOTAL = 1_000_000.0  # the illustrative total (GBP) shared among the sites unless told otherwise
DEFAULT_SCORE_UNCERTAINTY = 0.0  # scores taken as exact unless told otherwise
DEFAULT_REQUEST = "scenario-1"  # the request the request notebook shows unless told otherwise
DEFAULT_DATA_DIR = "../data/samples"  # the data folder, relative to the notebooks folder
DEFAULT_REVENUE_SCENARIO = "central"  # the revenue scenario a valuation prices (every valuation.yaml has it)
