"""The decision first: a one-screen summary per requester, in plain English, for a board to sign from.

Built from the case's answers (the agreements with their reconciliation record, the ranking, the
alignment, the split) and the valuation of each agreement to sign; rendered by
``templates/sections/decision.html.j2``. Labels, never ids; plain words from the glossary
(``glossary.yaml``), never a term it keeps from the board; every judgement carries its source tag;
requesters whose answers are identical are shown once, with the reason. :func:`summary_rows` gives the
same decision as one row per requester, the table every report and the board paper open with
(``templates/sections/decisions.html.j2``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..engine.case import Case
    from ..framework.agreement import Agreement
    from ..model.data import Dataset
    from ..model.schema import Request

from ..core.defaults import DEFAULT_TOTAL
from ..core.wording import (
    about_money,
    count_word,
    join_words,
    money,
    order_sentence,
    requester_groups,
    source_tag,
    term_label,
    term_value,
)
from ..engine.capability import Capability, View
from .common import computed, core_files, requester_entry
from .terms import rule_source

__all__ = [
    "NAME",
    "CAPABILITY",
    "answer",
    "text",
    "section",
    "groups",
    "view_name",
    "answer_fingerprint",
    "identical_requesters",
    "value_fingerprint",
    "same_answer_sentence",
    "decision_context",
    "DEFAULT_TOTAL",
    "short_principle",
    "worth",
    "value_line",
    "summary_rows",
    "summary_html",
    "pack_total",
    "worth_cells",
    "board_block",
    "compliance_sentence",
    "short_compliance",
]

_FACT_WORDS = {
    "profit_stage": "profit stage",
    "curation": "curation",
    "temporality": "temporality",
    "kind": "requester kind",
    "deidentification": "de-identification",
}


def _words(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return " or ".join(_words(v) for v in value)
    return str(value).replace("_", "-" if str(value) in ("pre_profit", "profit_generating") else " ")


def answer_fingerprint(agreements: Sequence[Agreement], matrix: Any, value: Any = None) -> tuple:
    """What a requester's answer is made of: every agreement (option, facts assumed, terms, compliance), the
    score table and what its valuation prices (``value``: :func:`value_fingerprint`). Two requesters with equal
    fingerprints get the same answer, the value included."""
    return (
        value,
        tuple(
            (
                a.option,
                tuple(sorted((k, str(v)) for k, v in a.assumed.items())),
                tuple((t.term, str(t.value)) for t in a.sheet.terms),
                tuple((c.item, c.status) for c in a.compliance),
                tuple(d.profile for d in a.dissent),
            )
            for a in agreements
        ),
        tuple(round(float(x), 9) for x in matrix.ravel()),
    )


def identical_requesters(
    indices: Sequence[int],
    agreements: Mapping[int, Sequence[Agreement]],
    matrices: Mapping[int, Any],
    values: Mapping[int, Any] | None = None,
) -> dict[int, tuple[int, ...]]:
    """{first requester: every requester with the identical answer} (``values``: each one's
    :func:`value_fingerprint`, so requesters whose valuations differ are shown apart)."""
    return requester_groups(
        indices,
        {i: answer_fingerprint(agreements[i], matrices[i], (values or {}).get(i)) for i in indices},
    )


def value_fingerprint(case: Case, index: int) -> Any:
    """What the requester's valuation prices, per agreement to sign (terms, assumptions, contribution share): equal
    for two requesters exactly when every figure of their valuations is equal (None without valuation.yaml)."""
    spec = case.dataset.valuation
    if spec is None:
        return None
    from ..framework.appraisal import pricing_inputs

    return tuple(
        repr(pricing_inputs(case.dataset, spec, case.request, index, assumed=a.assumed).key())
        for a in case.agreements(index)
    )


def _people(indices: Sequence[int]) -> str:
    numbers = [str(i + 1) for i in indices]
    return ("Requester " if len(numbers) == 1 else "Requesters ") + join_words(numbers)


def same_answer_sentence(request: Request, members: Sequence[int]) -> str:
    """'Requesters 2 and 3 get the same answer because ...', naming what they share and what differs."""
    if len(members) < 2:
        return ""
    people = [request.requester(i) for i in members]
    first = people[0]
    shared = [f"{first.kind.replace('_', ' ')}"]
    shared.append(f"profit stage {_words(first.profit_stage)}" if first.profit_stage else "no profit stage")
    differ = [
        name
        for name, get in (("name", lambda q: q.name), ("sector", lambda q: q.sector), ("staff", lambda q: q.staff))
        if len({get(q) for q in people}) > 1
    ]
    return (
        f"{_people(members)} get the same answer because they are the same kind of requester "
        f"({', '.join(shared)}) asking for the same data, and no score, rule, term or value here depends on "
        f"what sets them apart ({join_words(differ) or 'nothing'}); they are reported once."
    )


def short_principle(principle: str, source: str) -> str:
    """'DHSC 2019 principle 2' for a numbered principle; the principle's own sentence otherwise."""
    numbered = re.match(r"Principle (\d+):", principle)
    if numbered:
        return f"{source_tag(source).name} principle {numbered.group(1)}"
    return principle.rstrip(".")


# --- what the agreement to sign is worth -------------------------------------------------


def _share(value: float) -> str:
    """A share as a board reads it: whole per cent unless that would hide its decimal (17.5%)."""
    shown = round(100 * value, 1)
    return f"{shown:.0f}%" if float(shown).is_integer() else f"{shown:.1f}%"


def _chance(value: float) -> str:
    return f"{round(100 * value):.0f}%"


def worth(case: Case, index: int) -> list[dict[str, Any]] | None:
    """What each agreement to sign is worth to the NHS for one requester, one record per decision-tree outcome
    (the valuation of :func:`~imaging_value.framework.appraisal.recommended_values`, under the outcome's assumed
    facts); None for a data folder without ``valuation.yaml``."""
    spec = case.dataset.valuation
    if spec is None:
        return None
    from ..framework.appraisal import recommended_values

    draws, rate, horizon = case.setting("draws"), case.setting("discount_rate"), case.setting("horizon")
    outcomes = recommended_values(
        case.dataset,
        spec,
        case.request_or_raise(),
        index,
        case.agreements(index),
        draws=draws,
        seed=case.seed,
        discount_rate=rate,
        horizon=horizon,
        fair=False,
        shares=False,
    )
    records = []
    for outcome in outcomes:
        p = outcome.priced
        created = float(p.value_created)
        # what the NHS falls short of a return proportionate to its contribution (none when it reaches it)
        shortfall = max(0.0, p.contribution_share * created - p.mean) if created > 0 else None
        records.append(
            {
                "requester_index": index,
                "option": outcome.option,
                "assumed": dict(outcome.assumed),
                "mean": float(p.mean),
                "p10": float(p.p10),
                "p50": float(p.p50),
                "p90": float(p.p90),
                "p_nothing": float(p.p_nothing),
                "breakeven_year": p.breakeven_year,
                "partner_cash_before_revenue": float(p.partner_cash_before_revenue),
                "value_created": created,
                "nhs_share": None if p.nhs_share is None else float(p.nhs_share),
                "contribution_share": float(p.contribution_share),
                "shortfall": shortfall,
                "horizon": outcome.value.assumptions.horizon,
                "discount_rate": outcome.value.assumptions.discount_rate,
                "draws": outcome.value.draws.n,
            }
        )
    return records


def _horizon(years: int) -> str:
    return f"{count_word(years)} year{'s' if years != 1 else ''}"


def _range_words(w: Mapping[str, Any], shown: Mapping[str, str], glossary: Any) -> str:
    """The spread in words: the chance of nothing, a loss, or less than the low amount; and of more."""
    low = glossary.plain("p10")  # "1 in 10 chance of less than"
    high = glossary.plain("p90")  # "1 in 10 chance of more than"
    parts = []
    if w["p_nothing"] >= 0.1:
        parts.append(f"a {_chance(w['p_nothing'])} chance of nothing beyond its costs")
    if w["p10"] < 0:
        parts.append(low.replace("less than", "a loss of more than") + f" {shown['loss']}")
    elif w["p_nothing"] < 0.1:
        parts.append(f"{low} {shown['p10']}")
    parts.append(f"{high} {shown['p90']}")
    return "; ".join(parts)


def _amounts(w: Mapping[str, Any]) -> dict[str, str]:
    """The line's amounts, rounded one way (millions, thousands or pounds, as the largest needs)."""
    mean, p10, p90, loss = about_money([w["mean"], w["p10"], w["p90"], abs(w["p10"])])
    (shortfall,) = about_money([w["shortfall"] or 0.0])
    return {"mean": mean, "p10": p10, "p90": p90, "loss": loss, "shortfall": shortfall}


def value_line(w: Mapping[str, Any], glossary: Any) -> str:
    """What the agreement is worth to the NHS, in plain words: its expected worth with its range, the NHS's
    share of the value created against its contribution (and any shortfall in pounds), what the partner pays
    before any revenue and when the NHS breaks even."""
    shown = _amounts(w)
    years = _horizon(int(w["horizon"]))
    head = (
        f"Worth about {shown['mean']} to the NHS over {years} in today's money"
        if w["mean"] >= 0
        else f"Costs the NHS about {shown['mean'].lstrip(chr(0x2212))} over {years} in today's money"
    )
    sentences = [f"{head} ({_range_words(w, shown, glossary)})."]
    if w["nhs_share"] is None:
        sentences.append("The product creates no commercial value for the NHS to share.")
    else:
        share = (
            f"The NHS receives {_share(w['nhs_share'])} of the value created against a "
            f"{_share(w['contribution_share'])} contribution"
        )
        if w["shortfall"] and round(w["shortfall"]) > 0:
            share += f": a shortfall of {shown['shortfall']}."
        else:
            share += ", so no shortfall."
        sentences.append(share)
    cash = w["partner_cash_before_revenue"]
    pays = (
        f"The partner pays {money(cash, pence=False)} before any revenue"
        if cash > 0
        else "The partner pays nothing before it has revenue"
    )
    year = w["breakeven_year"]
    when = (
        "the NHS is paid back at signing"
        if year == 0
        else f"the NHS breaks even after {_horizon(int(year))}"
        if year is not None
        else f"the NHS does not break even within the {years}"
    )
    sentences.append(f"{pays}; {when}.")
    return " ".join(sentences)


def short_worth(records: Sequence[Mapping[str, Any]], glossary: Any) -> str:
    """Several outcomes' worth in one cell: the expected worth (a range across the outcomes) and the spread."""
    means = [r["mean"] for r in records]
    lows, highs = min(r["p10"] for r in records), max(r["p90"] for r in records)
    lo_mean, hi_mean, low, high = about_money([min(means), max(means), abs(lows), highs])
    expected = lo_mean if lo_mean == hi_mean else f"{lo_mean} to {hi_mean}"
    low_words = glossary.plain("p10")
    if lows < 0:
        low_words = low_words.replace("less than", "a loss of more than")
    return f"about {expected} ({low_words} {low}; {glossary.plain('p90')} {high})"


def _condition(assumed: Mapping[str, Any]) -> str:
    return "If " + join_words([f"{_FACT_WORDS.get(k, k.replace('_', ' '))} is {_words(v)}" for k, v in assumed.items()])


def _labels(dataset: Dataset) -> dict[str, str]:
    spec = dataset.agreement
    labels = {}
    for group in ("milestone_events", "in_kind_services"):
        for item in getattr(spec, group, ()):
            labels[item.id] = item.label
    return labels


def short_compliance(outcomes: Sequence[Sequence[str]]) -> str:
    """The national guidance in a table cell, for one or more outcomes' statuses: 'meets 5 of the 8 that
    apply; 3 to confirm', or 'meets 5 of 8 or 4 of 7 that apply; 3 to confirm' where outcomes differ."""

    def counts(statuses: Sequence[str]) -> tuple[int, int, int, int]:
        meets, departs, confirm = (sum(1 for x in statuses if x == k) for k in ("meets", "departs", "to_confirm"))
        return meets, len(statuses) - sum(1 for x in statuses if x == "not_applicable"), departs, confirm

    seen = list(dict.fromkeys(counts(s) for s in outcomes))
    pairs = list(dict.fromkeys((m, a) for m, a, _d, _c in seen))
    met = (
        f"meets {pairs[0][0]} of the {pairs[0][1]} that apply"
        if len(pairs) == 1
        else "meets " + " or ".join(f"{m} of {a}" for m, a in pairs) + " that apply"
    )
    departs = " or ".join(str(d) for d in dict.fromkeys(d for _m, _a, d, _c in seen))
    confirm = " or ".join(str(c) for c in dict.fromkeys(c for _m, _a, _d, c in seen))
    return (
        met
        + (f"; departs from {departs}" if any(d for _m, _a, d, _c in seen) else "")
        + (f"; {confirm} to confirm" if any(c for _m, _a, _d, c in seen) else "")
    )


def compliance_sentence(statuses: Sequence[str]) -> str:
    """'meets 8 of the 11 national principles checked; 3 to confirm before signing (below).', with the
    principles that do not apply left out of the count and said so."""
    meets, departs, confirm = (sum(1 for x in statuses if x == k) for k in ("meets", "departs", "to_confirm"))
    absent = sum(1 for x in statuses if x == "not_applicable")
    applies = len(statuses) - absent
    return (
        f"meets {meets} of the {applies} national principles "
        + (f"that apply ({absent} {'does' if absent == 1 else 'do'} not apply here)" if absent else "checked")
        + (f"; departs from {departs} (below), which the board must accept" if departs else "")
        + (f"; {confirm} to confirm before signing (below)" if confirm else "")
        + "."
    )


# the units of the terms that move money (the board paper's one line of terms)
_MONEY_UNITS = ("GBP", "GBP/year", "% of net revenue", "% stake", "% of profit")


def _outcome(dataset: Dataset, agreement: Agreement, multiple: bool) -> dict[str, Any]:
    labels = _labels(dataset)
    terms = [
        {
            "label": term_label(t.term, labels),
            "value": term_value(t.value, t.unit),
            "source": t.source,
            "text": t.unit == "text",
            "money": t.unit in _MONEY_UNITS or t.term.startswith(("milestone:", "in_kind:")),
        }
        for t in agreement.sheet.terms
    ]
    departs = [
        {"principle": short_principle(c.principle, c.source), "reason": c.reason, "source": c.source}
        for c in agreement.compliance
        if c.status == "departs"
    ]
    return {
        "condition": _condition(agreement.assumed) if multiple and agreement.assumed else "",
        "assumed": dict(agreement.assumed),
        "label": dataset.option(agreement.option).label,
        "why": _explain(dataset, agreement),
        "why_source": rule_source(dataset, agreement),
        "terms": terms,
        "compliance_sentence": compliance_sentence([c.status for c in agreement.compliance]),
        "compliance_sources": list(dict.fromkeys(c.source.split(",")[0] for c in agreement.compliance)),
        "departs": departs,
        "worth": [],
    }


def _merged(outcomes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Outcomes that sign the same terms are shown once, their conditions joined with 'or'."""
    merged: list[dict[str, Any]] = []
    for outcome in outcomes:
        outcome = {**outcome, "worth": list(outcome["worth"])}
        same = next(
            (
                m
                for m in merged
                if m["label"] == outcome["label"]
                and m["terms"] == outcome["terms"]
                and m["departs"] == outcome["departs"]
            ),
            None,
        )
        if same is None:
            merged.append(outcome)
            continue
        if outcome["condition"]:
            same["condition"] += "; or " + outcome["condition"][0].lower() + outcome["condition"][1:]
        same["worth"] += [w for w in outcome["worth"] if w not in same["worth"]]
    return merged


def _matrix(outcomes: list[dict[str, Any]]) -> dict[str, Any]:
    """One term sheet per outcome side by side: a row per term, a column per outcome ('' where a term is absent)."""
    labels: list[str] = []
    for outcome in outcomes:
        labels += [t["label"] for t in outcome["terms"] if t["label"] not in labels]
    rows = []
    for label in labels:
        cells = [next((t for t in o["terms"] if t["label"] == label), None) for o in outcomes]
        rows.append(
            {
                "label": label,
                "values": [c["value"] if c else "" for c in cells],
                "sources": list(dict.fromkeys(c["source"] for c in cells if c)),
            }
        )
    return {"columns": [f"{o['condition']}: {o['label']}" for o in outcomes], "rows": rows}


def _unstated(results: Sequence[Agreement]) -> str:
    """The facts the agreements assume, in words ('profit stage and curation')."""
    return join_words(list(dict.fromkeys(_FACT_WORDS.get(k, k.replace("_", " ")) for a in results for k in a.assumed)))


def _confirm(case: Case, results: Sequence[Agreement], unstated: str) -> list[dict[str, str]]:
    """What to confirm before signing: each item's sentence, its short name (for the one-row summary) and its
    source."""
    confirm: list[dict[str, str]] = []
    if len(results) > 1:
        confirm.append(
            {
                "text": f"The {unstated}: the agreement to sign changes with it (one answer per value above).",
                "short": f"the {unstated}",
                "source": "",
            }
        )
    for a in results:
        for c in a.compliance:
            if c.status == "to_confirm":
                text = f"{short_principle(c.principle, c.source)}: {c.reason}" if c.reason else c.principle
                if all(item["text"] != text for item in confirm):
                    confirm.append({"text": text, "short": short_principle(c.principle, c.source), "source": c.source})
    if any(t.term == "access_fee" for a in results for t in a.sheet.terms) and any(
        a.sheet.cost.items_assumed for a in results
    ):
        confirm.append(
            {
                "text": "The number of images per site: the access fee assumes typical collections by "
                "site kind (site_defaults.csv).",
                "short": "each site's images",
                "source": "this framework's reading",
            }
        )
    if case.split()[0].assumed:
        confirm.append(
            {
                "text": "Each site's images and curation effort: the split among sites assumes them by site kind.",
                "short": "each site's images and curation effort",
                "source": "this framework's reading",
            }
        )
    if float(case.total) == DEFAULT_TOTAL:
        confirm.append(
            {
                "text": f"The total to share among sites: {money(case.total)} is an illustrative default, "
                f"not a figure from the request.",
                "short": f"the total to share among sites (an illustrative {money(case.total)})",
                "source": "",
                "pack": "yes",
            }
        )
    if case.profile is None and case.raw_weights is None:
        confirm.append(
            {
                "text": "Whose view ranks the options: no stakeholder profile or weights were given, so "
                "every lever weighs the same (the default).",
                "short": "whose view ranks the options (equal weights, the default)",
                "source": "",
                "pack": "yes",
            }
        )
    return confirm


def _short_confirm(confirm: Sequence[Mapping[str, str]], pack: bool | None = None) -> str:
    """The items to confirm in one line: the principles by number, then the facts and figures (``pack`` True:
    only the items every request of the pack shares, the total and the view; False: only the others)."""
    if pack is not None:
        confirm = [item for item in confirm if bool(item.get("pack")) == pack]
    principles: dict[str, list[str]] = {}
    others: list[str] = []
    shorts = [item["short"] for item in confirm]
    for item in confirm:
        if item["short"] == "each site's images" and "each site's images and curation effort" in shorts:
            continue  # said by the next
        numbered = re.match(r"(.+) principle (\d+)$", item["short"])
        if numbered:
            principles.setdefault(numbered.group(1), []).append(numbered.group(2))
        else:
            others.append(item["short"])
    named = [
        f"{source} principle{'s' if len(numbers) > 1 else ''} {join_words(numbers)}"
        for source, numbers in principles.items()
    ]
    return join_words(others[:1] + named + others[1:]) if confirm else "nothing"


def _dissent(dataset: Dataset, results: Sequence[Agreement], views: int) -> tuple[str, str]:
    """Who disagrees with the agreement: a sentence, and the same in a few words."""
    dissent: dict[str, tuple[int, int, str]] = {}
    for a in results:
        for d in a.dissent:
            dissent.setdefault(d.label, (d.rank, d.of, dataset.option(d.prefers).label))
    if not dissent:
        return "No stakeholder view ranks the agreement in its bottom half.", "none"
    alike: dict[tuple, list[str]] = {}
    for name, key in dissent.items():
        alike.setdefault(key, []).append(name)
    sentence = (
        "; ".join(
            f"{join_words(names)} rank{'s' if len(names) == 1 else ''} the agreement "
            f"{rank} of {of} and would choose {prefers}"
            for (rank, of, prefers), names in alike.items()
        )
        + "."
    )
    names = list(dissent)
    who = join_words(names) if len(names) <= 2 else f"{', '.join(names[:2])} and {len(names) - 2} more"
    return sentence, f"{len(names)} of {views} views rank it in their bottom half ({who})"


def _worth_lines(
    glossary: Any, members: Sequence[int], records: Mapping[int, Sequence[Mapping[str, Any]]], k: int
) -> list[dict[str, str]]:
    """The value line of outcome ``k`` for each member of a group (once, when every member's reads the same)."""
    lines = [(m, value_line(records[m][k], glossary)) for m in members if records.get(m)]
    if len({text for _m, text in lines}) <= 1:
        return [{"who": "", "text": text} for _m, text in lines[:1]]
    return [{"who": f"Requester {m + 1}", "text": text} for m, text in lines]


def _group(case: Case, first: int, members: Sequence[int], records: Mapping[int, Any]) -> dict[str, Any]:
    """One group of requesters with identical answers: everything its decision block and summary rows show."""
    dataset, request = case.dataset, case.request_or_raise()
    glossary = dataset.glossary
    results = list(case.agreements(first))
    ranking, alignment = case.ranking(first), case.alignment(first)
    multiple = len(results) > 1
    title = f"{_people(members)}: " + "; ".join(request.requester(i).label() for i in members)
    unstated = _unstated(results)
    confirm = _confirm(case, results, unstated)
    disagree, dissent_short = _dissent(dataset, results, len(alignment.profiles))
    spread = max(alignment.disagreement.values())
    if spread:
        ranks = alignment.rank_table
        contested = [o for o, s in alignment.disagreement.items() if s == spread]
        disagree += (
            " They disagree most about "
            + join_words(
                [
                    f"{dataset.option(o).label} (ranked {int(ranks.loc[o].min())} to {int(ranks.loc[o].max())})"
                    for o in contested
                ]
            )
            + "."
        )
    totals = ranking.totals
    order = order_sentence([(dataset.option(o).label, totals[o]) for o in ranking.order])
    unmerged = []
    for k, a in enumerate(results):
        outcome = _outcome(dataset, a, multiple)
        outcome["worth"] = _worth_lines(glossary, members, records, k) if glossary is not None else []
        unmerged.append(outcome)
    outcomes = _merged(unmerged)
    return {
        "first": first,
        "members": list(members),
        "title": title,
        "matrix": _matrix(outcomes) if len(outcomes) > 1 else None,
        "guidance": list(
            dict.fromkeys((o["label"], o["compliance_sentence"], tuple(o["compliance_sources"])) for o in outcomes)
        ),
        "same": same_answer_sentence(request, members)
        + (
            " What the agreement is worth differs between them, as each line below says."
            if any(len(o["worth"]) > 1 for o in outcomes)
            else ""
        ),
        "outcomes": outcomes,
        "unstated": unstated,
        "confirm": confirm,
        "confirm_short": _short_confirm(confirm),
        "disagree": disagree,
        "dissent_short": dissent_short,
        "disagree_source": "this framework's reading",
        "view": view_name(case),
        "order": order,
        "order_source": "this framework's reading",
        "kind": request.requester(first).kind,
        "levers": count_word(len(dataset.levers)),
        "priced": dataset.valuation is not None,
    }


def _records(case: Case) -> dict[int, list[dict[str, Any]]]:
    """Every requester's worth records, from the decision's answer (computed once per case and view)."""
    answer = case.result(NAME).answer
    out: dict[int, list[dict[str, Any]]] = {}
    for group in answer["groups"]:
        for outcome in group["outcomes"]:
            for record in outcome["worth"]:
                out.setdefault(record["requester_index"], []).append(record)
    return out


def decision_context(case: Case, groups: Mapping[int, Sequence[int]]) -> dict[str, Any]:
    """Everything ``decision.html.j2`` shows, per group of requesters with identical answers."""
    records = _records(case)
    out = [_group(case, first, members, records) for first, members in groups.items()]
    intro = ""
    if len(groups) > 1 or any(len(m) > 1 for m in groups.values()):
        intro = (
            f"{sum(len(m) for m in groups.values())} requesters; {len(groups)} distinct answer"
            f"{'s' if len(groups) != 1 else ''} below."
        )
    return {"groups": out, "intro": intro, "words": case.dataset.glossary}


# --- the decision in one row per requester (every report and the board paper open with it) ------------


def _short_condition(assumed: Mapping[str, Any]) -> str:
    return join_words([_words(v) for v in assumed.values()])


def _sign_cell(results: Sequence[Agreement], dataset: Dataset) -> str:
    """The agreement to sign in a few words; where it depends on unstated facts, each option with its values."""
    if len(results) == 1:
        return dataset.option(results[0].option).label
    by_label: dict[str, list[str]] = {}
    for a in results:
        by_label.setdefault(dataset.option(a.option).label, []).append(_short_condition(a.assumed))
    if len(by_label) == 1:
        return next(iter(by_label))
    return f"{' or '.join(by_label)}, depending on the {_unstated(results)}"


def summary_rows(case: Case, requesters: Sequence[int] | None = None) -> list[dict[str, Any]]:
    """The decision as one row per requester (those of ``requesters``, default the case's): the request, the
    requester, the agreement to sign, its worth with its range, the national guidance, what to confirm and who
    disagrees. Requesters with identical answers each get their row (their worth may differ)."""
    request = case.request_or_raise()
    glossary = case.dataset.glossary
    shown = case.requesters if requesters is None else tuple(requesters)
    records = _records(case)
    rows = []
    for first, members in groups(case).items():
        if not any(m in shown for m in members):
            continue
        group = _group(case, first, members, records)
        results = list(case.agreements(first))
        compliance = short_compliance([[c.status for c in a.compliance] for a in results])
        for m in members:
            if m not in shown:
                continue
            own = records.get(m) or []
            rows.append(
                {
                    "request": request.title.split(":")[0].strip() or request.title,
                    "request_id": request.id,
                    "requester": f"{m + 1}: {request.requester(m).label()}",
                    "index": m,
                    "sign": _sign_cell(results, case.dataset),
                    "worth": short_worth(own, glossary) if own and glossary is not None else "not priced",
                    "means": [r["mean"] for r in own],
                    "horizon": own[0]["horizon"] if own else None,
                    "guidance": compliance,
                    "confirm": _short_confirm(group["confirm"], pack=False),
                    "confirm_items": list(group["confirm"]),
                    "dissent": group["dissent_short"],
                }
            )
    return rows


def pack_total(rows: Sequence[Mapping[str, Any]]) -> str:
    """The pack's worth to the NHS: the requesters' expected worth added up (a range where it depends on facts
    to confirm), or '' when nothing is priced."""
    priced = [r["means"] for r in rows if r["means"]]
    if not priced:
        return ""
    low, high = about_money([sum(min(m) for m in priced), sum(max(m) for m in priced)])
    amount = f"about {low}" if low == high else f"between {low} and {high}, depending on the facts to confirm,"
    return f"Together the {count_word(len(priced))} agreements to sign are worth {amount} to the NHS in today's money."


def worth_cells(w: Mapping[str, Any]) -> dict[str, str]:
    """One agreement's worth in table cells: expected; the amounts with a 1 in 10 chance of less and of more
    (a loss said as one); the chance of nothing beyond its costs; the NHS's share against its contribution
    (and any shortfall); what the partner pays before revenue; when the NHS breaks even."""
    shown = _amounts(w)
    years = _horizon(int(w["horizon"]))
    if w["nhs_share"] is None:
        share = "no commercial value created"
    else:
        share = f"{_share(w['nhs_share'])} against {_share(w['contribution_share'])}" + (
            f"; a shortfall of {shown['shortfall']}"
            if w["shortfall"] and round(w["shortfall"]) > 0
            else "; no shortfall"
        )
    cash = w["partner_cash_before_revenue"]
    year = w["breakeven_year"]
    return {
        "expected": f"about {shown['mean']}" if w["mean"] >= 0 else f"a cost of {shown['mean'].lstrip(chr(0x2212))}",
        "low": f"a loss of {shown['loss']}" if w["p10"] < 0 else shown["p10"],
        "high": shown["p90"],
        "nothing": _chance(w["p_nothing"]),
        "share": share,
        "partner": money(cash, pence=False) if cash > 0 else "nothing",
        "breakeven": "at signing"
        if year == 0
        else f"after {_horizon(int(year))}"
        if year is not None
        else f"not within {years}",
    }


def _set_aside(dataset: Dataset, agreement: Agreement) -> str:
    """Why the decision tree's own option was set aside, in a line (from the reconciliation record)."""
    r = agreement.reconciliation
    tree = dataset.option(r.tree_option).label
    if r.test == "departs":
        sources = {g.id: source_tag(g.source).name for g in dataset.guidance}
        guides = join_words(list(dict.fromkeys(sources.get(item, item) for item in r.tree_departs)))
        reason = f"the decision tree's {tree} departs from {guides} even after the term rules"
    else:
        reason = (
            f"{join_words([dataset.option(o).label for o in r.beaters])} is better than the decision tree's {tree} "
            f"under every stakeholder view"
        )
    return f"{reason}; {dataset.option(r.chosen).label} is the best of the options that qualify."


_BOARD_TERMS = ("access_fee", "subscription", "royalty", "royalty_cap", "profit_share", "equity")


def _board_terms(agreement: Agreement) -> list[tuple[str, str]]:
    """The terms that move money, as the board paper lists them: the fee, subscription, royalty and its cap,
    profit share and equity each, and the milestones and in-kind services each added up."""
    terms = {t.term: t for t in agreement.sheet.terms}
    shown = [(term_label(t).lower(), term_value(terms[t].value, terms[t].unit)) for t in _BOARD_TERMS if t in terms]
    for kind, name in (("milestone", "milestones"), ("in_kind", "in kind")):
        amounts = [float(t.value) for t in agreement.sheet.terms if t.term.startswith(kind + ":")]
        if amounts:
            shown.append((name, money(sum(amounts)) + (" in all" if len(amounts) > 1 else "")))
    return shown


def _terms_by_option(dataset: Dataset, results: Sequence[Agreement]) -> list[tuple[str, str]]:
    """Each option's money terms in one line; a term whose value differs between the outcomes that sign the
    option gives each value ('access fee £37,575 or £65,200, by the facts assumed')."""
    by_option: dict[str, dict[str, list[str]]] = {}
    for a in results:
        terms = by_option.setdefault(dataset.option(a.option).label, {})
        for name, value in _board_terms(a):
            values = terms.setdefault(name, [])
            if value not in values:
                values.append(value)
    lines = []
    for label, terms in by_option.items():
        parts = [
            f"{name} {values[0]}" if len(values) == 1 else f"{name} {' or '.join(values)} (by the facts assumed)"
            for name, values in terms.items()
        ]
        lines.append((label, "; ".join(parts) or "no payment terms"))
    return lines


def board_block(case: Case) -> dict[str, Any]:
    """One request as the board paper shows it: each agreement to sign with its worth in a row (per requester
    and per decision-tree outcome; outcomes that read the same are one row), why the decision tree's own option
    was set aside where it was, and each option's money terms in a line."""
    records = _records(case)
    several = len(case.requesters) > 1
    rows: list[dict[str, Any]] = []
    why: dict[str, dict[str, list[str]]] = {}  # reason -> who -> the facts assumed
    signed: list[Agreement] = []
    for first, members in groups(case).items():
        results = list(case.agreements(first))
        signed += results
        for k, a in enumerate(results):
            for m in members:
                own = records.get(m)
                if not own:
                    continue
                row = {
                    "who": f"{m + 1}",
                    "condition": _short_condition(a.assumed) if a.assumed else "",
                    "sign": case.dataset.option(a.option).label,
                    **worth_cells(own[k]),
                }
                # an outcome that reads the same as another of the requester is one row, its conditions joined
                same = next((d for d in rows if {**d, "condition": ""} == {**row, "condition": ""}), None)
                if same is None:
                    rows.append(row)
                elif row["condition"]:
                    same["condition"] = f"{same['condition']} or {row['condition']}"
            if a.reconciliation.override is not None:
                by_who = why.setdefault(_set_aside(case.dataset, a), {})
                conditions = by_who.setdefault(_people(members) if several else "", [])
                if len(results) > 1 and a.assumed:
                    conditions.append(_short_condition(a.assumed))
    return {
        "rows": rows,
        "several": several,
        "conditional": any(r["condition"] for r in rows),
        "why": [
            (
                "; ".join(
                    ", ".join(x for x in (who, "if " + " or ".join(conditions) if conditions else "") if x)
                    for who, conditions in by_who.items()
                ),
                text,
            )
            for text, by_who in why.items()
        ],
        "terms": _terms_by_option(case.dataset, signed),
    }


def summary_html(
    rows: Sequence[Mapping[str, Any]],
    *,
    heading: str = "The decisions to take",
    request_column: bool = False,
    total: str = "",
    links: Mapping[str, str] | None = None,
    note: str = "",
) -> str:
    """The one-row-per-requester table (``decisions.html.j2``), with the pack's total and links to the reports."""
    from ..present.templates import render_section

    horizon = next((r["horizon"] for r in rows if r.get("horizon")), None)
    # what every row asks to confirm is said once, under the table; each row keeps the rest
    items = [r["confirm_items"] for r in rows]
    common = [
        item
        for item in (items[0] if items else [])
        if item.get("pack") or (len(rows) > 1 and all(item["short"] in {x["short"] for x in other} for other in items))
    ]
    shorts = {item["short"] for item in common}
    rows = [{**r, "confirm": _short_confirm([i for i in r["confirm_items"] if i["short"] not in shorts])} for r in rows]
    return render_section(
        "decisions",
        shared=_short_confirm(common) if common else "",
        heading=heading,
        years=_horizon(int(horizon)) if horizon else "",
        rows=list(rows),
        request_column=request_column,
        total=total,
        links=dict(links or {}),
        note=note,
    )


NAME = "decision"


def _explain(dataset: Dataset, agreement: Agreement) -> str:
    """Why the agreement was chosen, as a board reads it (from the reconciliation record, without rule ids)."""
    from ..framework.agreement import explain

    return explain(dataset, agreement.reconciliation, rule_ids=False)


def groups(case: Case) -> dict[int, tuple[int, ...]]:
    """{first requester: every requester of the case with the identical answer} (each group is shown once)."""
    indices = case.requesters
    return identical_requesters(
        indices,
        {i: case.agreements(i) for i in indices},
        {i: case.table(i).matrix for i in indices},
        {i: value_fingerprint(case, i) for i in indices},
    )


def view_name(case: Case) -> str:
    """Whose view ranks the options, in words: a profile's label, the weights given, or the default."""
    if case.profile is not None:
        return case.dataset.profile(case.profile).label + " weights"
    return "the weights given" if case.raw_weights is not None else "equal weights, the default"


def answer(case: Case) -> dict:
    """The decision as a record, per group of requesters with identical answers: each agreement to sign (the
    option, the rule that set it, the facts it assumes, each principle's status), what it is worth to the NHS
    for each requester of the group (``worth``: expected, P10, P50, P90, the NHS's share against its
    contribution and the shortfall in GBP, what the partner pays before any revenue, the break-even year, and
    ``words``, the same in a sentence), what to confirm and the dissent."""
    glossary = case.dataset.glossary
    out = []
    for first, members in groups(case).items():
        priced = {m: worth(case, m) for m in members}
        results = list(case.agreements(first))
        outcomes = []
        for k, a in enumerate(results):
            records = [
                {**record[k], "words": value_line(record[k], glossary) if glossary is not None else ""}
                for record in priced.values()
                if record is not None
            ]
            outcomes.append(
                {
                    "option": a.option,
                    "label": case.dataset.label(a.option),
                    "rule": a.rule,
                    "reconciliation": a.reconciliation.to_dict(),
                    "assumed": dict(a.assumed),
                    "condition": _condition(a.assumed) if a.assumed else "",
                    "why": _explain(case.dataset, a),
                    "compliance": compliance_sentence([c.status for c in a.compliance]),
                    "departs": [c.item for c in a.compliance if c.status == "departs"],
                    "to_confirm": [c.item for c in a.compliance if c.status == "to_confirm"],
                    "meets": [c.item for c in a.compliance if c.status == "meets"],
                    "not_applicable": [c.item for c in a.compliance if c.status == "not_applicable"],
                    "worth": records,
                    "dissent": [d.to_dict() for d in a.dissent],
                }
            )
        confirm = _confirm(case, results, _unstated(results))
        out.append(
            {
                **requester_entry(case.request, first),
                "requesters": list(members),
                "labels": [case.request.requester(m).label() for m in members],
                "outcomes": outcomes,
                "confirm": [item["short"] for item in confirm],
            }
        )
    return {"request": case.request.id, "view": view_name(case), "groups": out}


def text(answer: dict) -> str:
    """The decision in plain words, one paragraph per group of requesters (numbered from 1): what to sign and
    why, what it is worth, the national guidance and who disagrees."""
    lines = [f"Options ranked by {answer['view']}."]
    for group in answer["groups"]:
        people = [f"{i + 1} ({label})" for i, label in zip(group["requesters"], group["labels"])]
        lines.append(f"Requester{'s' if len(people) > 1 else ''} {join_words(people)}:")
        for o in group["outcomes"]:
            condition = o["condition"]
            lines.append(f"  {condition + ': s' if condition else 'S'}ign {o['label']}. {o['why']}")
            for record in o["worth"]:
                who = f"requester {record['requester_index'] + 1}: " if len(o["worth"]) > 1 else ""
                lines.append(f"    {who}{record['words']}")
            lines.append(f"    National guidance: {o['compliance']}")
            for d in o["dissent"]:
                lines.append(f"    {d['label']} ranks it {d['rank']} of {d['of']}")
        if group["confirm"]:
            lines.append(f"  Confirm before signing: {_short_confirm([{'short': c} for c in group['confirm']])}.")
    return "\n".join(lines)


def section(view: View) -> str:
    """The decision first: one block per group of requesters (``decision.html.j2``)."""
    from ..present.templates import render_section

    case = view.case
    shown = {first: members for first, members in groups(case).items() if first in view.requesters}
    return render_section(NAME, **decision_context(case, shown))


CAPABILITY = Capability(
    NAME,
    "The decision",
    computed(NAME, answer),
    order=-10,
    weighted=True,
    data_files=core_files("glossary.yaml", "valuation.yaml"),
    section=section,
    in_report=False,
    in_explorer=False,
    command=NAME,
    help="the decision per requester in plain words: what to sign, why, what it is worth, what to confirm, "
    "who dissents",
    options=("requester", "weights"),
    text=text,
    export=NAME,
)
