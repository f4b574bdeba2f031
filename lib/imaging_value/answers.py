"""JSON-ready answers to the workbook's questions, shared by the command line, exports and notebooks."""

from __future__ import annotations

from typing import Mapping

from .data import Dataset
from .errors import ParameterError
from .guidance import check_guidance, flags_by_option
from .portfolio import data_quality_findings, exemplar_recommendations, portfolio_summary
from .schema import Request
from .scoring import normalise_weights, rank_options, score_options
from .checks import check_samples
from .defaults import DEFAULT_SAMPLES, DEFAULT_SCORE_UNCERTAINTY, DEFAULT_SEED
from .terms import term_sheets
from .tree import recommend

__all__ = ["portfolio_answer", "profiles_answer", "recommend_answer", "rank_answer", "acceptability_answer",
           "stability_answer", "alignment_answer", "split_answer", "terms_answer", "resolve_weights",
           "requester_indices"]


def requester_indices(request: Request, requester: int | None) -> list[int]:
    """All requesters of a request, or just the one asked for (validated)."""
    if requester is None:
        return list(range(len(request.requesters)))
    request.requester(requester)
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
    """profiles.csv's profiles, then the groups elicited at summits (with their provenance)."""
    return {
        "profiles": [
            {"name": p.name, "label": p.label, "weights": normalise_weights(p.raw_weights(), dataset.lever_ids),
             "rationale": p.rationale}
            | ({"provenance": p.provenance.to_dict()} if hasattr(p, "provenance") else {})
            for p in dataset.profiles + dataset.summit_profiles
        ]
    }


def recommend_answer(dataset: Dataset, request: Request, requester: int | None = None) -> dict:
    """The tree's option per requester and outcome; exclusivity_months from its terms after the term rules."""
    from .terms import term_sheet

    entries = []
    for index in requester_indices(request, requester):
        for rec in recommend(dataset, request, index):
            option = dataset.option(rec.option)
            entries.append({
                "requester_index": index,
                "requester": request.requester(index).summary(),
                "option": rec.option,
                "mechanisms": list(option.mechanisms),
                "exclusivity_months": term_sheet(dataset, request, index, rec.option, rec.assumed).exclusivity_months,
                "path": [step.to_dict() for step in rec.path],
                "assumed": dict(rec.assumed),
            })
    return {"request": request.id, "recommendations": entries}


def resolve_weights(dataset: Dataset, weights: Mapping[str, float] | None = None,
                    profile: str | None = None) -> dict[str, float]:
    """Normalised weights from explicit weights, a stakeholder profile, or (neither) equal weights."""
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
        exclusivity = {o: sheet.exclusivity_months for o, sheet in term_sheets(dataset, request, index).items()}
        rows = []
        for option_id in ranking.order:
            rows.append({
                "option": option_id,
                "score": round(ranking.total(option_id), 6),
                "lever_scores": {lever: ranking.table.score(option_id, lever) for lever in dataset.lever_ids},
                "exclusivity_months": exclusivity[option_id],
                "flags": [flag.to_dict() for flag in flags[option_id]],
            })
        rankings.append({"requester_index": index, "requester": request.requester(index).summary(),
                         "ranking": rows})
    return {"request": request.id, "weights": normalised, "rankings": rankings}



def _requester_entry(request: Request, index: int) -> dict:
    return {"requester_index": index, "requester": request.requester(index).summary()}


def acceptability_answer(dataset: Dataset, request: Request, *, samples: int = DEFAULT_SAMPLES,
                         seed: int = DEFAULT_SEED, profile: str | None = None, concentration: float | None = None,
                         requester: int | None = None, score_uncertainty: float = DEFAULT_SCORE_UNCERTAINTY) -> dict:
    from .analysis import DEFAULT_CONCENTRATION, acceptability

    check_samples(samples)
    centre = resolve_weights(dataset, profile=profile) if profile is not None else None
    results = []
    for index in requester_indices(request, requester):
        result = acceptability(score_options(dataset, request, index), n_samples=samples, seed=seed, centre=centre,
                               concentration=concentration, score_uncertainty=score_uncertainty)
        results.append({
            **_requester_entry(request, index),
            "options": list(result.options),
            "rank_acceptability": result.rank_acceptability.to_numpy().tolist(),
            "central_weights": result.to_dict()["central_weights"],
            "confidence": result.to_dict()["confidence"],
        })
    return {"request": request.id, "samples": samples, "seed": seed, "profile": profile,
            "concentration": None if profile is None else (concentration or DEFAULT_CONCENTRATION),
            "score_uncertainty": score_uncertainty,
            "results": results}


def stability_answer(dataset: Dataset, request: Request, weights: Mapping[str, float] | None = None,
                     profile: str | None = None, requester: int | None = None) -> dict:
    from .analysis import stability

    normalised = resolve_weights(dataset, weights, profile)
    results = []
    for index in requester_indices(request, requester):
        result = stability(score_options(dataset, request, index), normalised).to_dict()
        results.append({**_requester_entry(request, index), "winner": result["winner"],
                        "levers": result["levers"]})
    return {"request": request.id, "weights": normalised, "results": results}


def alignment_answer(dataset: Dataset, request: Request, requester: int | None = None) -> dict:
    from .analysis import alignment

    results = []
    for index in requester_indices(request, requester):
        result = alignment(dataset, score_options(dataset, request, index)).to_dict()
        results.append({**_requester_entry(request, index), **result})
    return {"request": request.id, "results": results}


def split_answer(dataset: Dataset, request: Request, total: float, rule: str = "all", *,
                 samples: int | None = None, seed: int = DEFAULT_SEED) -> dict:
    from .analysis import split

    sites, results = split(dataset, request, total, rule, samples=samples, seed=seed)
    rules = {}
    methods = {}
    for name, result in results.items():
        rules[name] = [{"site": s["site"], "share": s["share"], "stderr": s["stderr"]}
                       for s in result.to_dict()["shares"]]
        methods[name] = result.method
    return {
        "request": request.id,
        "total": total,
        "sites": [{"site": s, "kind": k, "images": i, "curation_effort": e}
                  for s, k, i, e in zip(sites.sites, sites.kinds, sites.images, sites.effort)],
        "contributions_assumed": sites.assumed,
        "curve": {"kind": dataset.pooling.kind, "exponent": dataset.pooling.exponent, "scale": dataset.pooling.scale},
        "seed": seed,
        "methods": methods,
        "rules": rules,
    }


def terms_answer(dataset: Dataset, request: Request, weights: Mapping[str, float] | None = None,
                 profile: str | None = None, requester: int | None = None) -> dict:
    """The agreement to sign per requester (one result per decision-tree outcome), with its terms,
    each national principle's status and the dissent."""
    from .agreement import agreements

    normalised = resolve_weights(dataset, weights, profile)
    results = [agreement.to_dict() for index in requester_indices(request, requester)
               for agreement in agreements(dataset, request, index, normalised)]
    return {"request": request.id, "results": results}
