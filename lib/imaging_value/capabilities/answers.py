"""JSON-ready answers to the workbook's questions, each read from a :class:`~imaging_value.engine.case.Case`.

The command line's ``--json``, the export and the capabilities' results
(:mod:`imaging_value.capabilities.builtin`) all give these shapes.
"""

from __future__ import annotations

from ..engine.case import Case
from ..framework.portfolio import data_quality_findings, exemplar_recommendations, portfolio_summary
from ..framework.scoring import normalise_weights
from ..model.data import Dataset
from ..model.schema import Request

__all__ = [
    "portfolio_answer",
    "profiles_answer",
    "recommend_answer",
    "rank_answer",
    "acceptability_answer",
    "stability_answer",
    "alignment_answer",
    "split_answer",
    "terms_answer",
    "scores_answer",
    "fairness_answer",
    "fairness_entry",
    "guidance_answer",
    "guidance_entry",
]


def portfolio_answer(case: Case) -> dict:
    dataset = case.dataset
    recommendations = exemplar_recommendations(dataset)
    projects = []
    for project in dataset.projects:
        options = []
        for rec in recommendations[project.name]:
            if rec.option not in options:
                options.append(rec.option)
        projects.append(
            {
                "name": project.name,
                "modalities": list(project.modalities),
                "dataset_size": project.dataset_size,
                "dataset_size_note": project.dataset_size_note,
                "nhs_partners": project.nhs_partners,
                "company": project.company or None,
                "requester_kind": project.requester_kind,
                "requester_assumed": project.requester_assumed,
                "recommended_options": options,
            }
        )
    findings = [f.__dict__ for f in data_quality_findings(dataset)]
    return {"projects": projects, "summary": portfolio_summary(dataset), "findings": findings}


def profiles_answer(dataset: Dataset) -> dict:
    """profiles.csv's profiles, then the groups elicited at summits (with their provenance), and what is
    wrong with each summit answer file that gave no profile (``invalid``)."""
    return {
        "profiles": [
            {
                "name": p.name,
                "label": p.label,
                "weights": normalise_weights(p.raw_weights(), dataset.lever_ids),
                "rationale": p.rationale,
            }
            | ({"provenance": p.provenance.to_dict()} if hasattr(p, "provenance") else {})
            for p in dataset.profiles + dataset.summit_profiles
        ],
        "invalid": [str(problem) for problem in dataset.summit_problems],
    }


def recommend_answer(case: Case) -> dict:
    """The tree's option per requester and outcome; exclusivity_months from its terms after the term rules."""
    dataset, request = case.dataset, case.request
    entries = []
    for index in case.requesters:
        for rec in case.recommendations(index):
            option = dataset.option(rec.option)
            entries.append(
                {
                    "requester_index": index,
                    "requester": request.requester(index).summary(),
                    "option": rec.option,
                    "mechanisms": list(option.mechanisms),
                    "exclusivity_months": case.term_sheet(index, rec.option, rec.assumed).exclusivity_months,
                    "path": [step.to_dict() for step in rec.path],
                    "assumed": dict(rec.assumed),
                }
            )
    return {"request": request.id, "recommendations": entries}


def rank_answer(case: Case) -> dict:
    from ..framework.guidance import flags_by_option

    dataset, request = case.dataset, case.request
    normalised = case.weights
    rankings = []
    for index in case.requesters:
        ranking = case.ranking(index)
        flags = flags_by_option(case.guidance(index))
        exclusivity = {o: sheet.exclusivity_months for o, sheet in case.term_sheets(index).items()}
        rows = []
        for option_id in ranking.order:
            rows.append(
                {
                    "option": option_id,
                    "score": round(ranking.total(option_id), 6),
                    "lever_scores": {lever: ranking.table.score(option_id, lever) for lever in dataset.lever_ids},
                    "exclusivity_months": exclusivity[option_id],
                    "flags": [flag.to_dict() for flag in flags[option_id]],
                }
            )
        rankings.append({"requester_index": index, "requester": request.requester(index).summary(), "ranking": rows})
    return {"request": request.id, "weights": normalised, "rankings": rankings}


def _requester_entry(request: Request, index: int) -> dict:
    return {"requester_index": index, "requester": request.requester(index).summary()}


def acceptability_answer(case: Case) -> dict:
    """Rank acceptability per requester: uniform weights, or (``centred``) a Dirichlet around the profile."""
    from ..core.checks import check_samples
    from ..framework.analysis import DEFAULT_CONCENTRATION

    check_samples(case.samples)
    request, profile = case.request, case.profile
    concentration = case.setting("concentration")
    results = []
    for index in case.requesters:
        result = case.acceptability(index)
        results.append(
            {
                **_requester_entry(request, index),
                "options": list(result.options),
                "rank_acceptability": result.rank_acceptability.to_numpy().tolist(),
                "central_weights": result.to_dict()["central_weights"],
                "confidence": result.to_dict()["confidence"],
            }
        )
    return {
        "request": request.id,
        "samples": case.samples,
        "seed": case.seed,
        "profile": profile,
        "concentration": None if profile is None else (concentration or DEFAULT_CONCENTRATION),
        "score_uncertainty": case.setting("score_uncertainty", 0.0),
        "results": results,
    }


def stability_answer(case: Case) -> dict:
    results = []
    for index in case.requesters:
        result = case.stability(index).to_dict()
        results.append(
            {**_requester_entry(case.request, index), "winner": result["winner"], "levers": result["levers"]}
        )
    return {"request": case.request.id, "weights": case.weights, "results": results}


def alignment_answer(case: Case) -> dict:
    results = []
    for index in case.requesters:
        results.append({**_requester_entry(case.request, index), **case.alignment(index).to_dict()})
    return {"request": case.request.id, "results": results}


def split_answer(case: Case) -> dict:
    """The case's total shared among the request's sites by the ``rule`` setting (default: every rule)."""
    dataset = case.dataset
    total = case.total
    sites, results = case.split(total, case.setting("rule", "all"), case.setting("split_samples"))
    rules = {}
    methods = {}
    for name, result in results.items():
        rules[name] = [
            {"site": s["site"], "share": s["share"], "stderr": s["stderr"]} for s in result.to_dict()["shares"]
        ]
        methods[name] = result.method
    return {
        "request": case.request.id,
        "total": total,
        "sites": [
            {"site": s, "kind": k, "images": i, "curation_effort": e}
            for s, k, i, e in zip(sites.sites, sites.kinds, sites.images, sites.effort)
        ],
        "contributions_assumed": sites.assumed,
        "curve": {"kind": dataset.pooling.kind, "exponent": dataset.pooling.exponent, "scale": dataset.pooling.scale},
        "seed": case.seed,
        "methods": methods,
        "rules": rules,
    }


def terms_answer(case: Case) -> dict:
    """The agreement to sign per requester (one result per decision-tree outcome), with its terms,
    each national principle's status and the dissent."""
    results = [agreement.to_dict() for index in case.requesters for agreement in case.agreements(index)]
    return {"request": case.request.id, "results": results}


def scores_answer(case: Case) -> dict:
    """Each option's score on each lever per requester, and the context adjustments that fired."""
    results = []
    for index in case.requesters:
        table = case.table(index)
        results.append(
            {
                **_requester_entry(case.request, index),
                "scores": {o: {lever: table.score(o, lever) for lever in table.levers} for o in table.options},
                "adjustments": [
                    {
                        "id": r.id,
                        "option": r.option,
                        "lever": r.lever,
                        "delta": float(r.delta),
                        "rationale": r.rationale,
                    }
                    for r in table.fired.itertuples()
                ],
            }
        )
    return {"request": case.request.id, "results": results}


def fairness_context(case: Case, index: int) -> dict:
    """The values fairness.yaml's answers may name: the recommended option, the consensus, the win:win, ..."""
    dataset = case.dataset
    ranking, alignment = case.ranking(index), case.alignment(index)
    recs = case.recommendations(index)
    signed = {a.option for a in case.agreements(index)}
    recommended = signed.pop() if len(signed) == 1 else ranking.winner
    sheet = case.term_sheets(index)[recommended]
    firsts = [order[0] for order in alignment.rankings.values()]
    consensus = max(set(firsts), key=firsts.count)
    patients = alignment.rankings.get("patients_public", [])
    requester = case.request.requester(index)
    return {
        "recommended": dataset.label(recommended),
        "recommended_id": recommended,
        "exclusivity_months": f"{sheet.exclusivity_months:g}",
        "embargo_months": f"{sheet.value('embargo_months', 0):g}",
        "outcomes": "; ".join(
            f"{r.option} if " + ", ".join(f"{k}={v}" for k, v in r.assumed.items()) for r in recs if r.assumed
        )
        or "one outcome",
        "staff": requester.staff,
        "profile_count": len(alignment.profiles),
        "agree_count": firsts.count(consensus),
        "consensus": dataset.label(consensus),
        "win_win": dataset.label(alignment.win_win),
        "worst_case": f"{alignment.worst_case[alignment.win_win]:.0%}",
        "pareto": ", ".join(dataset.label(o) for o in alignment.pareto),
        "patients_first": dataset.label(patients[0]) if patients else "(no such profile)",
        "patients_rank_of_recommended": (
            f"{patients.index(recommended) + 1} of {len(patients)}" if recommended in patients else "(no such profile)"
        ),
    }


_RECOMMENDATION_STATUS = {
    "breaks": "not met",
    "meets": "met",
    "to confirm": "to confirm",
    "not applicable": "not applicable",
}


def fairness_entry(case: Case, index: int) -> dict:
    """fairness.yaml's answers to the report's open questions for one requester, and the status of each
    fairness recommendation for the option it is recommended."""
    from ..model.conditions import facts_for, fill_reason

    dataset, request = case.dataset, case.request
    context = fairness_context(case, index)
    facts = facts_for(request, request.requester(index), dataset.derived_facts)
    questions = []
    for theme in dataset.fairness.themes:
        value = facts.get(theme.fact) if theme.fact else None
        answer = next((a for a in theme.answers if a.when is not None and value in a.when), None) or next(
            (a for a in theme.answers if a.when is None), None
        )
        text = fill_reason(answer.text, context) if answer else "No answer in fairness.yaml for this case."
        questions.append({"question": theme.question, "answer": text, "source": "this framework's reading"})
    recommendations = []
    winner = context["recommended_id"]
    for rec in dataset.fairness.recommendations:
        if rec.guidance is not None:
            check = next(c for c in case.guidance(index) if c.option == winner and c.item == rec.guidance)
            status, text = _RECOMMENDATION_STATUS[check.status], check.reason or check.principle
        else:
            status, text = "statement", fill_reason(rec.statement or "", context)
        recommendations.append({"recommendation": rec.text, "status": status, "how": text, "source": rec.source})
    return {
        **_requester_entry(request, index),
        "recommended": winner,
        "questions": questions,
        "recommendations": recommendations,
    }


def fairness_answer(case: Case) -> dict:
    return {"request": case.request.id, "results": [fairness_entry(case, i) for i in case.requesters]}


def guidance_entry(case: Case, index: int) -> dict:
    """The guidance checks worth a board's attention for one requester: every option's breaks and the
    winner's points to confirm, in ranking order; and the options that break no principle."""
    checks = case.guidance(index)
    order = list(case.ranking(index).order)
    shown = [
        c
        for c in sorted(checks, key=lambda c: (order.index(c.option), c.item))
        if c.status == "breaks" or c.status == "to confirm" and c.option == order[0]
    ]
    clean = [o for o in order if not any(c.option == o and c.status == "breaks" for c in checks)]
    return {
        **_requester_entry(case.request, index),
        "checks": [
            {
                "option": c.option,
                "item": c.item,
                "status": c.status,
                "principle": c.principle,
                "why": c.reason,
                "source": c.source,
            }
            for c in shown
        ],
        "clean": clean,
    }


def guidance_answer(case: Case) -> dict:
    return {
        "request": case.request.id,
        "weights": case.weights,
        "results": [guidance_entry(case, i) for i in case.requesters],
    }
