"""The report notebooks' library: page furniture (header, provenance, display) and one module per
report (request, portfolio, comparison, summit).
"""
