"""The capabilities' answers as terminal text (the command line prints these unless given ``--json``).

Requesters are numbered from 1, as the reports number them; the JSON keeps ``requester_index`` from 0.
"""

from __future__ import annotations

__all__ = [
    "who",
    "outcome_line",
    "portfolio",
    "recommend",
    "rank",
    "acceptability",
    "stability",
    "alignment",
    "split",
    "terms",
    "value",
]


def who(entry: dict) -> str:
    """A requester as human-facing text numbers it: from 1, as the reports do (JSON keeps the index from 0)."""
    return f"requester {entry['requester_index'] + 1} ({entry['requester']['kind']})"


def portfolio(answer: dict) -> str:
    lines = [f"{'project':62} {'modalities':12} {'size':>9} {'partners':>8}"]
    for p in answer["projects"]:
        size = f"{p['dataset_size']:,}" if p["dataset_size"] is not None else p["dataset_size_note"]
        lines.append(f"{p['name'][:62]:62} {'/'.join(p['modalities']):12} {size:>9} {p['nhs_partners']:>8}")
    s = answer["summary"]
    lines.append(
        f"{s['projects']} projects, {s['images_known']:,} images known, {s['projects_size_unknown']} of "
        f"unknown size, {s['nhs_partner_links']} NHS partner links"
    )
    lines += [f"finding: {f['project']}: {f['finding']}" for f in answer["findings"]]
    return "\n".join(lines)


def outcome_line(entry: dict) -> str:
    """'requester N (kind): option  [assuming field=value, ...]' for a recommend or terms entry (N from 1)."""
    assumed = ", ".join(f"{k}={v}" for k, v in entry["assumed"].items())
    return f"{who(entry)}: {entry['option']}" + (f"  [assuming {assumed}]" if assumed else "")


def recommend(answer: dict) -> str:
    lines = []
    for rec in answer["recommendations"]:
        lines.append(outcome_line(rec))
        lines += [f"    {step['question']} -> {step['answer']}: {step['rationale']}" for step in rec["path"]]
    return "\n".join(lines)


def rank(answer: dict) -> str:
    lines = ["weights: " + ", ".join(f"{k}={v:.3f}" for k, v in answer["weights"].items())]
    for entry in answer["rankings"]:
        lines.append(f"{who(entry)}:")
        for place, row in enumerate(entry["ranking"], start=1):
            flags = "; ".join(f["reason"] for f in row["flags"])
            lines.append(f"  {place}. {row['option']:26} {row['score']:6.3f}" + (f"  flags: {flags}" if flags else ""))
    return "\n".join(lines)


def acceptability(answer: dict) -> str:
    lines = [f"{answer['samples']} samples, seed {answer['seed']}"]
    for entry in answer["results"]:
        lines.append(f"{who(entry)}: share of samples at rank")
        lines.append(
            f"  {'option':26} " + " ".join(f"{r:>6}" for r in range(1, len(entry["options"]) + 1)) + "  confidence"
        )
        for option, row in zip(entry["options"], entry["rank_acceptability"]):
            conf = entry["confidence"][option]
            lines.append(
                f"  {option:26} " + " ".join(f"{x:6.3f}" for x in row) + f"  {'-' if conf is None else f'{conf:.2f}'}"
            )
    return "\n".join(lines)


def stability(answer: dict) -> str:
    lines = []
    for entry in answer["results"]:
        lines.append(f"{who(entry)}: winner {entry['winner']}")
        for row in entry["levers"]:
            lines.append(
                f"  {row['lever']:22} weight {row['weight']:.3f} stays best on [{row['lower']:.3f}, "
                f"{row['upper']:.3f}]; below: {row['taker_below'] or '-'}; above: {row['taker_above'] or '-'}"
            )
    return "\n".join(lines)


def alignment(answer: dict) -> str:
    lines = []
    for entry in answer["results"]:
        lines.append(f"{who(entry)}: win:win {entry['win_win']}; Pareto set: {', '.join(entry['pareto'])}")
        for profile, ranking in entry["rankings"].items():
            lines.append(f"  {profile:22} " + " > ".join(ranking))
    return "\n".join(lines)


def split(answer: dict) -> str:
    lines = [
        f"total {answer['total']:,.2f} among {len(answer['sites'])} sites"
        + (" (contributions assumed from site defaults)" if answer["contributions_assumed"] else "")
    ]
    for rule, shares in answer["rules"].items():
        lines.append(f"{rule} ({answer['methods'][rule]}):")
        for share in shares:
            err = f" ± {share['stderr']:.2f}" if share["stderr"] is not None else ""
            lines.append(f"  {share['site']:40} {share['share']:>14,.2f}{err}")
    return "\n".join(lines)


def terms(answer: dict) -> str:
    lines = []
    for entry in answer["results"]:
        lines.append(outcome_line(entry))
        lines.append(
            f"  tree: {entry['tree_option']}; best weighted: {entry['best_weighted']}; win:win: {entry['win_win']}"
        )
        lines.append(f"  why: {entry['why']}")
        for term in entry["terms"]:
            value = (
                term["value"]
                if isinstance(term["value"], str)
                else f"{term['value']:,.0f}"
                if term["unit"] == "GBP"
                else f"{term['value']:g}"
            )
            lines.append(
                f"    {term['term']:28} {value} {'' if term['unit'] == 'text' else term['unit']}".rstrip()
                + f"  [{', '.join(term['set_by'])}; {term['source']}]"
            )
        for item in entry["compliance"]:
            if item["status"] != "meets":
                lines.append(f"  {item['status']}: {item['principle']} ({item['source']}): {item['reason']}")
        for view in entry["dissent"]:
            lines.append(
                f"  dissent: {view['label']} ranks it {view['rank']} of {view['of']} (prefers {view['prefers']})"
            )
    return "\n".join(lines)


def value(answer: dict) -> str:
    lines = [
        f"{answer['draws']:,} draws, seed {answer['seed']}, discount rate {answer['discount_rate']:.1%}, "
        f"horizon {answer['horizon']} years; NPV to the NHS in GBP"
    ]
    for entry in answer["results"]:
        lines.append(f"{who(entry)}:")
        lines.append(
            f"  {'option':26} {'mean':>12} {'P10':>12} {'P90':>12} {'p(nothing)':>10} {'breakeven':>9} "
            f"{'NHS share':>9} {'fair royalty':>12}"
        )
        for o in entry["options"]:
            share = "-" if o["nhs_share"] is None else f"{o['nhs_share']:.1%}"
            fair = (o["fair_terms"].get("royalty") or {}).get("fair")
            year = "-" if o["breakeven_year"] is None else f"year {o['breakeven_year']}"
            lines.append(
                f"  {o['option']:26} {o['npv']['mean']:>12,.0f} {o['npv']['p10']:>12,.0f} "
                f"{o['npv']['p90']:>12,.0f} {o['p_nothing']:>10.2f} {year:>9} {share:>9} "
                f"{'-' if fair is None else f'{fair:.2f}%':>12}"
            )
        lines.append(f"  contribution share {entry['options'][0]['contribution_share']:.1%}")
    return "\n".join(lines)
