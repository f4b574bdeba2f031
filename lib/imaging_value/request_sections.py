"""The request report's sections for the built-in capabilities, each drawn from a :class:`View`.

Each function is one capability's ``section``: the HTML (escaped) and figures it
shows for the view's requesters, read from the view's :class:`~imaging_value.case.Case`
(so nothing is computed twice). The request report and the explorer call them
through the capability registry (:mod:`imaging_value.builtin_capabilities`).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from . import views
from .answers import fairness_entry, guidance_entry
from .board import count, money, order_sentence
from .capability import View
from .case import DEFAULT_TOTAL
from .report_html import e as _e, table as _table, tag_ours as _tag_ours, tagged as _tagged
from .sections import agreement_results, render_section

__all__ = ["agreement", "worth", "recommendation", "ranking", "lever_profiles", "stakeholder_views", "robustness",
           "value_split", "fairness", "guidance_checks"]


def recommendation(view: View) -> list:
    case = view.case
    dataset = case.dataset
    items: list[Any] = ["<h2>The decision tree's recommendation</h2>"]
    for index in view.requesters:
        recs = case.recommendations(index)
        parts = [f"<h3>{_e(view.label(index))}</h3>"]
        if len(recs) > 1:
            parts.append(f"<p class='iv-ask'>The request leaves facts the tree asks about unstated; "
                         f"{len(recs)} outcomes follow, one per assumed answer.</p>")
        for rec in recs:
            option = dataset.option(rec.option)
            assumed = ", ".join(f"{k} = {v}" for k, v in rec.assumed.items())
            steps = "".join(
                f"<li class='iv-j'>{_e(step.question)} <b>{_e(step.answer)}</b>{' (assumed)' if step.assumed else ''}"
                f" <span class='iv-muted'>{_e(step.rationale)}</span>{_tag_ours()}</li>" for step in rec.path)
            parts.append(
                f"<p><b>{_e(option.label)}</b> (<code>{_e(option.id)}</code>): {_e(', '.join(option.mechanisms))};"
                f" exclusivity {case.term_sheet(index, rec.option, rec.assumed).exclusivity_months:g}"
                f" months after the term rules"
                + (f" <span class='iv-ask'>if {_e(assumed)}</span>" if assumed else "") + f"</p><ol>{steps}</ol>")
        items.append("".join(parts))
        items.append(views.tree_figure(dataset, recs, title=f"Decision tree: {view.label(index)}"))
    return items


def agreement(view: View) -> str:
    """The agreement to sign per requester: terms, national principles and dissent (a Jinja2 template)."""
    case = view.case
    dataset = case.dataset
    blocks = [{"title": view.label(index), "results": agreement_results(dataset, case.agreements(index))}
              for index in view.requesters]
    return render_section("agreement", blocks=blocks)


def worth(view: View) -> list:
    """What each agreement is worth to the NHS (the valuation, ``valuation.yaml``): tables and four charts."""
    from .appraisal import site_fractions
    from .assumptions import load_assumptions
    from .worth import worth_block, worth_section

    case = view.case
    dataset, request = case.dataset, case.request
    if not (dataset.root / "valuation.yaml").exists():  # an older data folder: say so, do not fail
        return ["<h2>What it is worth</h2><p class='iv-ask'>This data folder has no valuation.yaml, so the "
                "agreements are not priced. Copy data/samples/valuation.yaml into it and adjust its "
                "assumptions.</p>"]
    spec = load_assumptions(dataset.root)
    fractions = site_fractions(dataset, spec, request)
    blocks = [worth_block(dataset, spec, request, index, view.label(index), seed=case.seed,
                          fractions=fractions) for index in view.requesters]
    return worth_section(dataset, spec, blocks, case.seed)


def ranking(view: View) -> list:
    case = view.case
    dataset = case.dataset
    items: list[Any] = ["<h2>Options ranked by weighted value</h2>"
                        f"<p>Weights: {_e(', '.join(f'{k} {v:.0%}' for k, v in case.weights.items()))}.</p>"]
    for index in view.requesters:
        ranked = case.ranking(index)
        items.append(views.ranking_figure(dataset, ranked, title=f"Options ranked: {view.label(index)}"))
        totals = ranked.totals
        items.append(f"<p>Order: {_e(order_sentence([(views.label_of(dataset, o), totals[o]) for o in ranked.order], top=99))}.</p>")
        frame = ranked.frame().reset_index()
        frame["option"] = [views.label_of(dataset, o) for o in frame["option"]]
        items.append(_table(frame.round(2)))
    return items


def lever_profiles(view: View) -> list:
    case = view.case
    dataset = case.dataset
    items: list[Any] = ["<h2>Each option's lever profile</h2><p>Scores are 0 to 10: the base table plus the "
                        "context adjustments that fired for this requester (hover a cell for its rationale).</p>"]
    for index in view.requesters:
        table = case.table(index)
        items.append(views.lever_profile_figure(dataset, table, title=f"Lever scores: {view.label(index)}"))
        if len(table.fired):
            fired = [{"option": views.label_of(dataset, row.option), "lever": views.label_of(dataset, row.lever),
                      "change": f"{row.delta:+g}", "why": row.rationale, "source": "this framework's reading"}
                     for row in table.fired.itertuples()]
            items.append("<h4>Adjustments that fired for this requester</h4>" + _tagged(fired))
    return items


def stakeholder_views(view: View) -> list:
    case = view.case
    dataset = case.dataset
    items: list[Any] = ["<h2>Stakeholder views</h2><p>Choose a view in the chart's menu to see how each "
                        "stakeholder group's weights rank the options (all views are precomputed).</p>"]
    from .analysis import profile_weights

    profiles = profile_weights(dataset)
    for index in view.requesters:
        alignment = case.alignment(index)
        items.append(views.stakeholder_views_figure(dataset, case.table(index), profiles,
                                                    title=f"Option values ({view.label(index)})"))
        items.append(views.alignment_figure(dataset, alignment, title=f"Ranks under each view: "
                                                                            f"{view.label(index)}"))
        items.append(views.tau_figure(dataset, alignment))
        worst = {o: round(v, 2) for o, v in alignment.worst_case.items()}
        spread = max(alignment.disagreement.values())
        contested = [o for o, s in alignment.disagreement.items() if s == spread]
        ranks = alignment.rank_table
        disagreement = "; ".join(
            f"{views.label_of(dataset, o)} (ranked {int(ranks.loc[o].min())} to {int(ranks.loc[o].max())})"
            for o in contested)
        items.append(f"<p>Win:win option: <b>{_e(views.label_of(dataset, alignment.win_win))}</b>, worst-case "
                     f"normalised value {worst[alignment.win_win]:.2f}. Pareto set (no option beats these under "
                     f"every view): {_e(', '.join(views.label_of(dataset, o) for o in alignment.pareto))}. "
                     + (f"The views disagree most about {_e(disagreement)}.</p>" if spread else
                        "Every view ranks the options the same way.</p>"))
    return items


def robustness(view: View) -> list:
    case = view.case
    dataset = case.dataset
    items: list[Any] = [f"<h2>How robust is the answer?</h2><p>Rank acceptability: {case.samples:,} weight "
                        f"vectors drawn uniformly from all possible weightings (seed {case.seed}). Weight "
                        f"stability: the exact range of each lever's weight (the others rescaled in proportion) "
                        f"over which the winner stays first.</p>"]
    for index in view.requesters:
        analysis = case.analysis(index)
        items.append(views.acceptability_figure(dataset, analysis.acceptability,
                                                title=f"Rank acceptability: {view.label(index)}"))
        conf = pd.DataFrame([{"option": views.label_of(dataset, o),
                              "first in (share)": round(analysis.acceptability.first_rank_share[o], 3),
                              "central weights": "" if cw is None else
                              ", ".join(f"{k} {v:.2f}" for k, v in cw.items()),
                              "confidence": "" if analysis.acceptability.confidence[o] is None else
                              round(analysis.acceptability.confidence[o], 3)}
                             for o, cw in analysis.acceptability.central_weights.items()])
        items.append(_table(conf))
        items.append(views.stability_figure(dataset, analysis.stability))
    return items


def value_split(view: View) -> list:
    case = view.case
    dataset, request = case.dataset, case.request
    sites, results = case.split()
    note = ("<p class='iv-ask iv-j'>The request gives no per-site contributions: images and curation effort are "
            f"assumed by site kind from site_defaults.csv.{_tag_ours()}</p>" if sites.assumed else "")
    curve = dataset.pooling
    frame = pd.DataFrame({"site": sites.sites, "kind": [k.replace("_", " ") for k in sites.kinds],
                          "images": [count(v) for v in sites.images],
                          "curation effort": [f"{v:g}" for v in sites.effort]})
    for rule, result in results.items():
        frame[rule] = [money(v) for v in result.table["share"]]
    illustrative = (" (an illustrative default, not a figure from the request)"
                    if case.total == DEFAULT_TOTAL else "")
    return [f"<h2>Sharing the return among the {request.sites.count} sites</h2>"
            f"<p>A total of {money(case.total)}{illustrative} shared four ways; every rule adds up to the total "
            f"to the penny.</p><p class='iv-j'>Shapley value of the pooling game with a {_e(curve.kind)} worth "
            f"curve (exponent {curve.exponent:g}, scale {curve.scale:g}): {_e(curve.rationale)}"
            f"{_tag_ours()}</p>{note}",
            views.split_figure(results), _table(frame)]


def fairness(view: View) -> str:
    case = view.case
    parts = ["<h2>Fairness questions</h2><p>The questions are the report's, which it leaves open; the answers "
             "are this framework's (fairness.yaml).</p>"]
    css = {"not met": "iv-flag", "met": "iv-ok", "to confirm": "iv-ask"}
    for index in view.requesters:
        entry = fairness_entry(case, index)
        rows = [{"the report's open question": q["question"], "this framework's answer": q["answer"],
                 "source": q["source"]} for q in entry["questions"]]
        parts.append(f"<h3>{_e(view.label(index))}</h3>" + _tagged(rows))
        recs = [{**r, "css": css.get(r["status"], "")} for r in entry["recommendations"]]
        parts.append("<h4>The four fairness recommendations</h4>" + _tagged(recs))
    return "".join(parts)


def guidance_checks(view: View) -> str:
    case = view.case
    dataset = case.dataset
    parts = ["<h2>National guidance checks</h2><p>Each agreement option checked against the principles of "
             "DHSC (2019) and NHS England (2023). <span class='iv-flag'>breaks</span> names the principle and "
             "why; <span class='iv-ask'>to confirm</span> cannot be decided from the request file.</p>"]
    for index in view.requesters:
        entry = guidance_entry(case, index)
        rows = [{"option": views.label_of(dataset, r["option"]), "status": r["status"], "principle": r["principle"],
                 "why": r["why"], "source": r["source"], "css": "iv-flag" if r["status"] == "breaks" else "iv-ask"}
                for r in entry["checks"]]
        clean = [views.label_of(dataset, o) for o in entry["clean"]]
        parts.append(f"<h3>{_e(view.label(index))}</h3>"
                     f"<p>Options that break no principle: {_e(', '.join(clean) or 'none')}.</p>"
                     + _tagged(rows))
    return "".join(parts)
