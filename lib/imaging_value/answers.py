"""JSON-ready answers to the workbook's questions, shared by the command line, exports and notebooks."""

from __future__ import annotations

from typing import Mapping

from .data import Dataset
from .guidance import check_guidance, flags_by_option
from .portfolio import data_quality_findings, exemplar_recommendations, portfolio_summary
from .schema import Request
from .scoring import normalise_weights, rank_options, requester_at, score_options
from .tree import recommend

__all__ = ["portfolio_answer", "profiles_answer", "recommend_answer", "rank_answer", "resolve_weights",
           "requester_indices"]


def requester_indices(request: Request, requester: int | None) -> list[int]:
    """All requesters of a request, or just the one asked for (validated)."""
    if requester is None:
        return list(range(len(request.requesters)))
    requester_at(request, requester)
    return [requester]


def portfolio_answer(dataset: Dataset) -> dict:
    recommendations = exemplar_recommendations(dataset)
    projects = []
    for project in dataset.projects:
        options = []
        for rec in recommendations[project.name]:
            if rec.option not in options:
                options.append(rec.option)
        projects.append({
            "name": project.name,
            "modalities": list(project.modalities),
            "dataset_size": project.dataset_size,
            "dataset_size_note": project.dataset_size_note,
            "nhs_partners": project.nhs_partners,
            "company": project.company or None,
            "requester_kind": project.requester_kind,
            "requester_assumed": project.requester_assumed,
            "recommended_options": options,
        })
    findings = [f.__dict__ for f in data_quality_findings(dataset)]
    return {"projects": projects, "summary": portfolio_summary(dataset), "findings": findings}


def profiles_answer(dataset: Dataset) -> dict:
    return {
        "profiles": [
            {"name": p.name, "label": p.label, "weights": normalise_weights(p.raw_weights(), dataset.lever_ids),
             "rationale": p.rationale}
            for p in dataset.profiles
        ]
    }


def recommend_answer(dataset: Dataset, request: Request, requester: int | None = None) -> dict:
    entries = []
    for index in requester_indices(request, requester):
        for rec in recommend(dataset, request, index):
            option = dataset.option(rec.option)
            entries.append({
                "requester_index": index,
                "requester": request.requesters[index].summary(),
                "option": rec.option,
                "mechanisms": list(option.mechanisms),
                "exclusivity_months": option.exclusivity_months,
                "path": [step.to_dict() for step in rec.path],
                "assumed": dict(rec.assumed),
            })
    return {"request": request.id, "recommendations": entries}


def resolve_weights(dataset: Dataset, weights: Mapping[str, float] | None = None,
                    profile: str | None = None) -> dict[str, float]:
    """Normalised weights from explicit weights, a stakeholder profile, or (neither) equal weights."""
    from .errors import ParameterError

    if weights is not None and profile is not None:
        raise ParameterError("weights", "either weights or a profile, not both", "both")
    if profile is not None:
        return normalise_weights(dataset.profile(profile).raw_weights(), dataset.lever_ids)
    return normalise_weights(weights, dataset.lever_ids)


def rank_answer(dataset: Dataset, request: Request, weights: Mapping[str, float] | None = None,
                profile: str | None = None, requester: int | None = None) -> dict:
    normalised = resolve_weights(dataset, weights, profile)
    rankings = []
    for index in requester_indices(request, requester):
        ranking = rank_options(score_options(dataset, request, index), normalised)
        flags = flags_by_option(check_guidance(dataset, request, index))
        rows = []
        for option_id in ranking.order:
            rows.append({
                "option": option_id,
                "score": round(float(ranking.totals[option_id]), 6),
                "lever_scores": {lever: float(ranking.table.scores.loc[option_id, lever])
                                 for lever in dataset.lever_ids},
                "exclusivity_months": dataset.option(option_id).exclusivity_months,
                "flags": [flag.to_dict() for flag in flags[option_id]],
            })
        rankings.append({"requester_index": index, "requester": request.requesters[index].summary(),
                         "ranking": rows})
    return {"request": request.id, "weights": normalised, "rankings": rankings}

