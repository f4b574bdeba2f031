"""The value framework workbook for medical imaging data.

A small public surface: load a data folder, load a request, score and rank
the agreement options, follow the decision tree, check national guidance,
give each option its concrete terms (term sheets), reconcile them into one
agreement to sign per requester, and (in the analytics modules) test how robust the answer is and share the
value among contributing sites.
"""

from importlib.metadata import PackageNotFoundError, version

from .alignment import AlignmentResult, stakeholder_alignment
from .appraisal import RequesterValue, appraise, value_answer
from .assumptions import ValuationSpec, load_assumptions
from .analysis import Analysis, SiteContributions, analyse, site_contributions, split, worth_curve
from .data import Dataset, RequestEntry, load_dataset, load_request, scan_requests
from .errors import DataValidationError, ImagingValueError, ParameterError, Problem
from .guidance import Flag, GuidanceCheck, check_guidance, flags_by_option
from .portfolio import Finding, data_quality_findings, exemplar_recommendations, portfolio_summary
from .schema import Option, Project, Request, Requester
from .sharing import SplitResult, WorthCurve, split_all, split_value
from .smaa import SmaaResult, smaa
from .stability import StabilityResult, weight_stability
from .scoring import Ranking, ScoreTable, normalise_weights, rank_options, score_options
from .tree import Recommendation, Step, recommend
from .terms import Term, TermSheet, term_sheet, term_sheets
from .agreement import Agreement, PrincipleStatus, agreements
from .valuation import OptionValue, simulate, value_option
from .scenario import RequestExistsError, facts_of, request_text, save_request, validate_facts, what_changed

try:
    __version__ = version("imaging-value")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0+unknown"

__all__ = [
    "RequestExistsError",
    "facts_of",
    "request_text",
    "save_request",
    "validate_facts",
    "what_changed",
    "__version__",
    "Dataset",
    "RequestEntry",
    "load_dataset",
    "load_request",
    "scan_requests",
    "ImagingValueError",
    "DataValidationError",
    "ParameterError",
    "Problem",
    "Option",
    "Project",
    "Request",
    "Requester",
    "ScoreTable",
    "Ranking",
    "score_options",
    "normalise_weights",
    "rank_options",
    "Recommendation",
    "Step",
    "recommend",
    "Flag",
    "GuidanceCheck",
    "check_guidance",
    "flags_by_option",
    "Finding",
    "portfolio_summary",
    "data_quality_findings",
    "exemplar_recommendations",
    "Analysis",
    "analyse",
    "SmaaResult",
    "smaa",
    "StabilityResult",
    "weight_stability",
    "AlignmentResult",
    "stakeholder_alignment",
    "SplitResult",
    "WorthCurve",
    "split_value",
    "split_all",
    "SiteContributions",
    "site_contributions",
    "split",
    "worth_curve",
    "Term",
    "TermSheet",
    "term_sheet",
    "term_sheets",
    "Agreement",
    "PrincipleStatus",
    "agreements",
    "ValuationSpec",
    "load_assumptions",
    "RequesterValue",
    "appraise",
    "value_answer",
    "OptionValue",
    "simulate",
    "value_option",
]
