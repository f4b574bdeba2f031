"""The documented ranges of the workbook's numbers (README and data/samples/README.md).

Wide enough for any real consortium, narrow enough that no sum or product of them
overflows a float or loses a penny, and that no typo runs for hours.
"""

from __future__ import annotations

__all__ = [
    "MAX_IMAGES",
    "MAX_CURATION_EFFORT",
    "MAX_WEIGHT",
    "MAX_SCALE",
    "MAX_SAMPLES",
    "MAX_TOTAL",
    "MAX_CONCENTRATION",
    "MAX_HORIZON",
    "MAX_DISCOUNT_RATE",
]

MAX_IMAGES = 1e12  # images one site contributes (10,000 sites of this many still sum exactly enough)
MAX_CURATION_EFFORT = 1_000.0  # a site's curation-effort multiplier
MAX_WEIGHT = 1e6  # one lever's raw weight; only the ratios between weights matter
MAX_SCALE = 1e12  # the pooling curve's scale, in images
MAX_SAMPLES = 1_000_000  # sampled weight vectors (SMAA) or permutations (Shapley) in one run
MAX_TOTAL = 1e12  # the amount split among sites: in pennies this stays well inside a float's exact integers
MAX_CONCENTRATION = 1e6  # Dirichlet concentration around a profile; beyond it the draws are the profile itself
MAX_HORIZON = 100  # years from signing a valuation looks ahead
MAX_DISCOUNT_RATE = 1.0  # 100% a year: beyond it nothing after signing is worth anything
