"""The request report's sections for the built-in capabilities, each drawn from a :class:`View`.

Each function is one capability's ``section``: HTML from its Jinja2 template
(``templates/sections/<name>.html.j2``, autoescaped; a template's ``part`` is the
section's opening or one requester's block) with the figures between, for the
view's requesters, read from the view's :class:`~imaging_value.engine.case.Case` (so
nothing is computed twice). The request report and the explorer call them through
the capability registry (:mod:`imaging_value.capabilities.builtin`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..core.defaults import DEFAULT_TOTAL
from ..core.wording import count, count_word, money, order_sentence, term_value
from ..engine.capability import View
from ..framework.agreement import Agreement
from ..model.data import Dataset
from ..present import figures as views
from ..present.templates import render_section
from .answers import fairness_entry, guidance_entry
from .decision import rule_source

__all__ = [
    "agreement_results",
    "agreement",
    "worth",
    "recommendation",
    "ranking",
    "lever_profiles",
    "stakeholder_views",
    "robustness",
    "value_split",
    "fairness",
    "guidance_checks",
]


def _number(value: Any, digits: int) -> str:
    """A table's number as the board reads it: rounded, no trailing zeros (6.4, 7, 0.125)."""
    return f"{round(float(value), digits):g}"


def agreement_results(dataset: Dataset, agreements: Sequence[Agreement]) -> list[dict[str, Any]]:
    """The agreement section's rows for one requester's agreements (one per decision-tree outcome)."""
    css = {"meets": "iv-ok", "departs": "iv-flag", "to_confirm": "iv-ask"}
    results = []
    for a in agreements:
        results.append(
            {
                "option": a.option,
                "label": dataset.label(a.option),
                "assumed": ", ".join(f"{k} = {v}" for k, v in a.assumed.items()),
                "tree": dataset.label(a.tree_option),
                "best": dataset.label(a.best_weighted),
                "win_win": dataset.label(a.win_win),
                "why": a.why,
                "why_source": rule_source(dataset, a),
                "terms": [
                    {
                        "term": t.term,
                        "value": term_value(t.value, t.unit),
                        "unit": "" if t.unit == "text" else t.unit,
                        "set_by": ", ".join(t.set_by),
                        "rationale": t.rationale,
                        "source": t.source,
                    }
                    for t in a.sheet.terms
                ],
                "removed": ", ".join(f"{term} ({rule})" for term, rule in a.sheet.removed),
                "compliance": [
                    {
                        "principle": c.principle,
                        "status": c.status.replace("_", " "),
                        "css": css[c.status],
                        "reason": c.reason,
                        "source": c.source,
                    }
                    for c in a.compliance
                ],
                "dissent": [d.to_dict() | {"prefers": dataset.label(d.prefers)} for d in a.dissent],
            }
        )
    return results


def recommendation(view: View) -> list:
    case = view.case
    dataset = case.dataset
    items: list[Any] = [render_section("tree", part="intro")]
    for index in view.requesters:
        recs = case.recommendations(index)
        outcomes = []
        for rec in recs:
            option = dataset.option(rec.option)
            outcomes.append(
                {
                    "label": option.label,
                    "id": option.id,
                    "mechanisms": ", ".join(option.mechanisms),
                    "exclusivity": f"{case.term_sheet(index, rec.option, rec.assumed).exclusivity_months:g}",
                    "assumed": ", ".join(f"{k} = {v}" for k, v in rec.assumed.items()),
                    "steps": [
                        {"question": s.question, "answer": s.answer, "assumed": s.assumed, "rationale": s.rationale}
                        for s in rec.path
                    ],
                }
            )
        items.append(render_section("tree", part="requester", heading=view.label(index), outcomes=outcomes))
        items.append(views.tree_figure(dataset, recs, title=f"Decision tree: {view.label(index)}"))
    return items


def agreement(view: View) -> str:
    """The agreement to sign per requester: terms, national principles and dissent (a Jinja2 template)."""
    case = view.case
    dataset = case.dataset
    blocks = [
        {"title": view.label(index), "results": agreement_results(dataset, case.agreements(index))}
        for index in view.requesters
    ]
    return render_section("agreement", blocks=blocks)


def worth(view: View) -> list:
    """What each agreement is worth to the NHS (the valuation, ``valuation.yaml``): tables and four charts."""
    from ..framework.appraisal import site_fractions
    from .worth import worth_block, worth_section

    case = view.case
    dataset, request = case.dataset, case.request
    spec = dataset.valuation
    if spec is None:  # an older data folder without valuation.yaml: say so, do not fail
        return [render_section("worth_missing")]
    fractions = site_fractions(dataset, spec, request)
    blocks = [
        worth_block(
            dataset,
            spec,
            request,
            index,
            view.label(index),
            case.agreements(index),
            seed=case.seed,
            fractions=fractions,
        )
        for index in view.requesters
    ]
    return worth_section(dataset, spec, blocks, case.seed)


def ranking(view: View) -> list:
    case = view.case
    dataset = case.dataset
    weights = ", ".join(f"{k} {v:.0%}" for k, v in case.weights.items())
    items: list[Any] = [render_section("ranking", part="intro", weights=weights)]
    for index in view.requesters:
        ranked = case.ranking(index)
        items.append(views.ranking_figure(dataset, ranked, title=f"Options ranked: {view.label(index)}"))
        order = order_sentence([(dataset.label(o), ranked.totals[o]) for o in ranked.order], top=99)
        frame = ranked.frame().reset_index()
        columns = list(frame.columns)
        rows = [
            {c: dataset.label(v) if c == "option" else v if c == "rank" else _number(v, 2) for c, v in record.items()}
            for record in frame.to_dict("records")
        ]
        items.append(render_section("ranking", part="requester", order=order, columns=columns, rows=rows))
    return items


def lever_profiles(view: View) -> list:
    case = view.case
    dataset = case.dataset
    items: list[Any] = [render_section("scores", part="intro")]
    for index in view.requesters:
        table = case.table(index)
        items.append(views.lever_profile_figure(dataset, table, title=f"Lever scores: {view.label(index)}"))
        fired = [
            {
                "option": dataset.label(row.option),
                "lever": dataset.label(row.lever),
                "change": f"{row.delta:+g}",
                "why": row.rationale,
                "source": "this framework's reading",
            }
            for row in table.fired.itertuples()
        ]
        if fired:
            items.append(render_section("scores", part="requester", fired=fired))
    return items


def stakeholder_views(view: View) -> list:
    from ..framework.analysis import profile_weights

    case = view.case
    dataset = case.dataset
    items: list[Any] = [render_section("alignment", part="intro")]
    profiles = profile_weights(dataset)
    label = lambda option: dataset.label(option)  # noqa: E731
    for index in view.requesters:
        alignment = case.alignment(index)
        items.append(
            views.stakeholder_views_figure(
                dataset, case.table(index), profiles, title=f"Option values ({view.label(index)})"
            )
        )
        items.append(views.alignment_figure(dataset, alignment, title=f"Ranks under each view: {view.label(index)}"))
        items.append(views.tau_figure(dataset, alignment))
        spread = max(alignment.disagreement.values())
        contested = [o for o, s in alignment.disagreement.items() if s == spread]
        ranks = alignment.rank_table
        disagreement = (
            "; ".join(f"{label(o)} (ranked {int(ranks.loc[o].min())} to {int(ranks.loc[o].max())})" for o in contested)
            if spread
            else ""
        )
        items.append(
            render_section(
                "alignment",
                part="requester",
                win_win=label(alignment.win_win),
                worst=f"{round(alignment.worst_case[alignment.win_win], 2):.2f}",
                pareto=", ".join(label(o) for o in alignment.pareto),
                disagreement=disagreement,
            )
        )
    return items


def robustness(view: View) -> list:
    case = view.case
    dataset = case.dataset
    items: list[Any] = [render_section("robustness", part="intro", samples=f"{case.samples:,}", seed=case.seed)]
    columns = ["option", "first in (share)", "central weights", "confidence"]
    for index in view.requesters:
        result = case.acceptability(index)
        items.append(views.acceptability_figure(dataset, result, title=f"Rank acceptability: {view.label(index)}"))
        rows = [
            {
                "option": dataset.label(o),
                "first in (share)": _number(result.first_rank_share[o], 3),
                "central weights": "" if cw is None else ", ".join(f"{k} {v:.2f}" for k, v in cw.items()),
                "confidence": "" if result.confidence[o] is None else _number(result.confidence[o], 3),
            }
            for o, cw in result.central_weights.items()
        ]
        items.append(render_section("robustness", part="requester", columns=columns, rows=rows))
        items.append(views.stability_figure(dataset, case.stability(index)))
    return items


def value_split(view: View) -> list:
    case = view.case
    dataset, request = case.dataset, case.request
    sites, results = case.split()
    curve = dataset.pooling
    intro = render_section(
        "split",
        part="intro",
        site_count=request.sites.count,
        total=money(case.total),
        illustrative=case.total == DEFAULT_TOTAL,
        assumed=sites.assumed,
        ways=count_word(len(results)),
        curve={
            "kind": curve.kind,
            "exponent": f"{curve.exponent:g}",
            "scale": f"{curve.scale:g}",
            "rationale": curve.rationale,
        },
    )
    columns = ["site", "kind", "images", "curation effort", *results]
    rows = [
        {
            "site": site,
            "kind": kind.replace("_", " "),
            "images": count(images),
            "curation effort": f"{effort:g}",
            **{rule: money(result.table["share"].iloc[i]) for rule, result in results.items()},
        }
        for i, (site, kind, images, effort) in enumerate(zip(sites.sites, sites.kinds, sites.images, sites.effort))
    ]
    return [intro, views.split_figure(results), render_section("split", part="table", columns=columns, rows=rows)]


_STATUS_CSS = {"not met": "iv-flag", "met": "iv-ok", "to confirm": "iv-ask"}


def fairness(view: View) -> str:
    blocks = []
    for index in view.requesters:
        entry = fairness_entry(view.case, index)
        blocks.append(
            {
                "heading": view.label(index),
                "questions": [
                    {
                        "the report's open question": q["question"],
                        "this framework's answer": q["answer"],
                        "source": q["source"],
                    }
                    for q in entry["questions"]
                ],
                "recommendations": [{**r, "css": _STATUS_CSS.get(r["status"], "")} for r in entry["recommendations"]],
                "count": count_word(len(entry["recommendations"])),
            }
        )
    return render_section("fairness", blocks=blocks)


def guidance_checks(view: View) -> str:
    dataset = view.case.dataset
    blocks = []
    for index in view.requesters:
        entry = guidance_entry(view.case, index)
        blocks.append(
            {
                "heading": view.label(index),
                "clean": ", ".join(dataset.label(o) for o in entry["clean"]) or "none",
                "checks": [
                    {
                        "option": dataset.label(r["option"]),
                        "status": r["status"],
                        "principle": r["principle"],
                        "why": r["why"],
                        "source": r["source"],
                        "css": "iv-flag" if r["status"] == "breaks" else "iv-ask",
                    }
                    for r in entry["checks"]
                ],
            }
        )
    return render_section("guidance", blocks=blocks)
