"""The value framework workbook for medical imaging data.

A small public surface: load a data folder, load a request, score and rank
the agreement options, follow the decision tree, check national guidance,
give each option its concrete terms (term sheets), reconcile them into one
agreement to sign per requester, and (in the analytics modules) test how robust the answer is and share the
value among contributing sites.

Every public name is imported from its module on first use (PEP 562), so a
command that only ranks options never pays for pandas, scipy or plotly.
To export a new name, add it to ``_EXPORTS`` (name -> module); ``__all__``
follows from it.
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType
from typing import Any

# public name -> the module of this package that defines it
_EXPORTS: dict[str, str] = {
    "Dataset": "data",
    "RequestEntry": "data",
    "load_dataset": "data",
    "load_levers": "data",
    "DerivedFact": "fact_rules",
    "FactRule": "fact_rules",
    "load_request": "data",
    "scan_requests": "data",
    "ImagingValueError": "errors",
    "DataValidationError": "errors",
    "ParameterError": "errors",
    "UnknownRequestError": "errors",
    "Problem": "errors",
    "Fact": "schema",
    "FACTS": "schema",
    "Lever": "schema",
    "Option": "schema",
    "Profile": "schema",
    "Project": "schema",
    "Request": "schema",
    "Requester": "schema",
    "RequestParams": "params",
    "RequestRef": "params",
    "resolve_request": "params",
    "ScoreTable": "scoring",
    "Ranking": "scoring",
    "score_options": "scoring",
    "normalise_weights": "scoring",
    "rank_options": "scoring",
    "Recommendation": "tree",
    "Step": "tree",
    "recommend": "tree",
    "Flag": "guidance",
    "GuidanceCheck": "guidance",
    "check_guidance": "guidance",
    "flags_by_option": "guidance",
    "Finding": "portfolio",
    "portfolio_summary": "portfolio",
    "data_quality_findings": "portfolio",
    "exemplar_recommendations": "portfolio",
    "Analysis": "analysis",
    "analyse": "analysis",
    "SmaaResult": "smaa",
    "smaa": "smaa",
    "StabilityResult": "stability",
    "weight_stability": "stability",
    "AlignmentResult": "alignment",
    "stakeholder_alignment": "alignment",
    "SplitResult": "sharing",
    "WorthCurve": "sharing",
    "split_value": "sharing",
    "split_all": "sharing",
    "SiteContributions": "sites",
    "site_contributions": "sites",
    "split": "analysis",
    "worth_curve": "analysis",
    "Term": "terms",
    "TermSheet": "terms",
    "term_sheet": "terms",
    "term_sheets": "terms",
    "Agreement": "agreement",
    "PrincipleStatus": "agreement",
    "agreements": "agreement",
    "ValuationSpec": "assumptions",
    "load_assumptions": "assumptions",
    "RequesterValue": "appraisal",
    "appraise": "appraisal",
    "value_answer": "appraisal",
    "OptionValue": "valuation",
    "simulate": "valuation",
    "value_option": "valuation",
    "RequestExistsError": "scenario",
    "facts_of": "scenario",
    "request_text": "scenario",
    "save_request": "scenario",
    "validate_facts": "scenario",
    "what_changed": "scenario",
    "Case": "case",
    "Capability": "capability",
    "DataFile": "capability",
    "capabilities": "capability",
    "AhpResult": "elicit",
    "GroupWeights": "elicit",
    "swing_weights": "elicit",
    "rank_order_centroid": "elicit",
    "point_weights": "elicit",
    "ahp_matrix": "elicit",
    "ahp": "elicit",
    "aggregate_group": "elicit",
    "AnswerFile": "summit_files",
    "Provenance": "summit_files",
    "SummitProfile": "summit_files",
    "read_answer_file": "summit_files",
    "load_summit": "summit_files",
    "save_answer_file": "summit_files",
    "Regret": "summit",
    "RequestSummit": "summit",
    "SummitResult": "summit",
    "minimax_regret": "summit",
    "compromise_weights": "summit",
    "grand_summit": "summit",
    "SourceTag": "board",
    "count_word": "board",
    "source_tag": "board",
    "print_pdf": "pdf",
}

__all__ = ["__version__", *_EXPORTS]


def _package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("imaging-value")
    except PackageNotFoundError:  # running from a source tree that was not installed
        return "0+unknown"


def __getattr__(name: str) -> Any:
    if name == "__version__":
        value: Any = _package_version()
    elif name in _EXPORTS:
        value = getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value  # resolved once
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


class _Package(ModuleType):
    """Keeps a public function that shares its module's name (``smaa``) from being hidden by the module.

    Importing a submodule sets it as an attribute of the package; with eager imports the
    ``from .smaa import smaa`` line then rebound the name to the function, and this keeps that so.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, ModuleType) and _EXPORTS.get(name) == name and hasattr(value, name):
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
