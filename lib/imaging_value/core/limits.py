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
    "MAX_AMOUNT",
    "MAX_REVENUE",
    "MAX_SPREAD",
    "MAX_MULTIPLE",
    "MAX_FACTOR",
    "MAX_PERCENT",
    "MAX_MONTHS",
    "MAX_FILE_BYTES",
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

# amounts and percentages in valuation.yaml, terms.yaml and costs.csv (checked when the folder loads)
MAX_AMOUNT = 1e12  # GBP: one fee, milestone, cap, in-kind service, subscription a year or cost; as MAX_TOTAL
MAX_REVENUE = 1e11  # GBP a year: a product's median net revenue; five times the best-selling medicine's sales
MAX_SPREAD = 5.0  # a lognormal's spread (sd of its log): P10 to P90 is already 1/600 to 600 times the median
MAX_MULTIPLE = 1_000.0  # an exit multiple of peak revenue; far beyond any company sale
MAX_FACTOR = 100.0  # a factor on an assumption (a revenue scenario, the tornado's access-cost range)
MAX_PERCENT = 100.0  # a percentage (royalty, equity, profit share, discount): all of it at most
MAX_MONTHS = 1_200  # a term in months (embargo, exclusivity, product access): a hundred years, as MAX_HORIZON

# files
MAX_FILE_BYTES = 16 * 2**20  # one data, request or answer file; a 10,000-site request is about 1 MB
