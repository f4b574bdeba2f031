"""The framework's rules applied to one request: scores, the decision tree, national guidance, term
sheets, the agreement to sign, the valuation of each agreement, the split among sites, summits and scenarios.

Each function takes what it needs (a dataset, a request, a requester, precomputed pieces) and has one signature;
:class:`~imaging_value.engine.case.Case` decides what is computed once and shared.
"""
