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
from typing import Any

# public name -> the module of this package that defines it
_EXPORTS: dict[str, str] = {
    "Dataset": "model.data",
    "RequestEntry": "model.data",
    "load_dataset": "capabilities",
    "load_levers": "model.data",
    "DerivedFact": "model.fact_rules",
    "FactRule": "model.fact_rules",
    "load_request": "model.data",
    "scan_requests": "model.data",
    "ImagingValueError": "core.errors",
    "DataValidationError": "core.errors",
    "ParameterError": "core.errors",
    "UnknownRequestError": "core.errors",
    "Problem": "core.errors",
    "Fact": "model.schema",
    "FACTS": "model.schema",
    "Lever": "model.schema",
    "Option": "model.schema",
    "Profile": "model.schema",
    "Project": "model.schema",
    "Request": "model.schema",
    "Requester": "model.schema",
    "RequestParams": "model.params",
    "RequestRef": "model.params",
    "resolve_request": "model.params",
    "ScoreTable": "framework.scoring",
    "Ranking": "framework.scoring",
    "score_options": "framework.scoring",
    "normalise_weights": "framework.scoring",
    "rank_options": "framework.scoring",
    "Recommendation": "framework.tree",
    "Step": "framework.tree",
    "recommend": "framework.tree",
    "Flag": "framework.guidance",
    "GuidanceCheck": "framework.guidance",
    "check_guidance": "framework.guidance",
    "flags_by_option": "framework.guidance",
    "Finding": "framework.portfolio",
    "portfolio_summary": "framework.portfolio",
    "data_quality_findings": "framework.portfolio",
    "exemplar_recommendations": "framework.portfolio",
    "Analysis": "framework.analysis",
    "analyse": "engine.case",
    "SmaaResult": "maths.smaa",
    "rank_acceptability": "maths.smaa",
    "StabilityResult": "maths.stability",
    "weight_stability": "maths.stability",
    "AlignmentResult": "maths.alignment",
    "stakeholder_alignment": "maths.alignment",
    "SplitResult": "maths.sharing",
    "WorthCurve": "maths.sharing",
    "split_value": "maths.sharing",
    "split_all": "maths.sharing",
    "SiteContributions": "framework.sites",
    "site_contributions": "framework.sites",
    "split_among_sites": "framework.site_split",
    "worth_curve": "framework.site_split",
    "Term": "framework.terms",
    "TermSheet": "framework.terms",
    "term_sheet": "framework.terms",
    "term_sheets": "framework.terms",
    "Agreement": "framework.agreement",
    "PrincipleStatus": "framework.agreement",
    "agreements": "framework.agreement",
    "ValuationSpec": "model.assumptions",
    "load_assumptions": "model.assumptions",
    "RequesterValue": "framework.appraisal",
    "appraise": "framework.appraisal",
    "value_answer": "framework.appraisal",
    "OptionValue": "maths.valuation",
    "simulate": "maths.valuation",
    "value_option": "maths.valuation",
    "RequestExistsError": "framework.scenario",
    "facts_of": "framework.scenario",
    "request_text": "framework.scenario",
    "save_request": "framework.scenario",
    "validate_facts": "framework.scenario",
    "what_changed": "framework.scenario",
    "Case": "engine.case",
    "Capability": "capabilities",
    "DataFile": "capabilities",
    "capabilities": "capabilities",
    "AhpResult": "maths.elicit",
    "GroupWeights": "maths.elicit",
    "swing_weights": "maths.elicit",
    "rank_order_centroid": "maths.elicit",
    "point_weights": "maths.elicit",
    "ahp_matrix": "maths.elicit",
    "ahp": "maths.elicit",
    "aggregate_group": "maths.elicit",
    "AnswerFile": "model.summit_files",
    "Provenance": "model.summit_files",
    "SummitProfile": "model.summit_files",
    "read_answer_file": "model.summit_files",
    "load_summit": "model.summit_files",
    "save_answer_file": "model.summit_files",
    "Regret": "framework.summit",
    "RequestSummit": "framework.summit",
    "SummitResult": "framework.summit",
    "minimax_regret": "framework.summit",
    "compromise_weights": "framework.summit",
    "grand_summit": "framework.summit",
    "SourceTag": "core.wording",
    "count_word": "core.wording",
    "source_tag": "core.wording",
    "print_pdf": "render.pdf",
}

__all__ = ["__version__", *_EXPORTS]  # noqa: PLE0604  (the names are the mapping's keys, all strings)


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
