"""Pure maths, with its formulas and sources: SMAA-2 rank acceptability, weight stability, stakeholder
alignment, value sharing (Shapley and the other rules), weight elicitation and the risk-adjusted valuation.

Takes arrays and plain values, checks them (:mod:`.arrays`) and knows nothing of data files.
"""
