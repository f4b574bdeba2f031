"""The report notebooks' library: page furniture (header, provenance, display) and one module per report
(request, portfolio, comparison, summit, negotiation, board paper). A notebook imports this package and calls one
function per cell."""

from __future__ import annotations

from .board import BoardReport, board_report
from .compare import CompareReport, compare_report
from .furniture import show, use_offline_charts
from .negotiation import NegotiationReport, negotiation_report
from .portfolio import PortfolioReport, portfolio_report
from .request import RequestReport, request_report
from .summit import SummitReport, summit_report

__all__ = [
    "show",
    "use_offline_charts",
    "RequestReport",
    "request_report",
    "PortfolioReport",
    "portfolio_report",
    "CompareReport",
    "compare_report",
    "SummitReport",
    "summit_report",
    "NegotiationReport",
    "negotiation_report",
    "BoardReport",
    "board_report",
]
