"""Presentation shared by every capability and report: the Jinja2 environment (autoescaped) and the
plotly figures.
"""
