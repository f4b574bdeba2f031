"""How robust the answer is: SMAA-2 rank acceptability (how often each option comes first, second, ... when the
weights vary), its central weights and confidence, with the weight stability chart beside it in the section."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from ..core.defaults import DEFAULT_SAMPLES, DEFAULT_SCORE_UNCERTAINTY
from ..engine.capability import Capability, View
from ..present.panel import FigurePanel, PanelContext
from .common import add_seed_argument, computed, core_files, labeller, number, requester_entry, who

if TYPE_CHECKING:
    from ..engine.case import Case

__all__ = ["NAME", "CAPABILITY", "answer", "text", "section", "panel", "arguments", "case_options"]

NAME = "acceptability"


def answer(case: Case) -> dict:
    """Rank acceptability per requester: uniform weights, or (``centred``) a Dirichlet around the profile."""
    from ..core.checks import check_samples
    from ..framework.analysis import DEFAULT_CONCENTRATION

    check_samples(case.samples)
    concentration = case.setting("concentration")
    results = []
    for index in case.requesters:
        result = case.acceptability(index)
        as_dict = result.to_dict()
        results.append(
            {
                **requester_entry(case.request, index),
                "options": list(result.options),
                "rank_acceptability": result.rank_acceptability.to_numpy().tolist(),
                "central_weights": as_dict["central_weights"],
                "confidence": as_dict["confidence"],
            }
        )
    return {
        "request": case.request.id,
        "samples": case.samples,
        "seed": case.seed,
        "profile": case.profile,
        "concentration": None if case.profile is None else (concentration or DEFAULT_CONCENTRATION),
        "score_uncertainty": case.setting("score_uncertainty", 0.0),
        "results": results,
    }


def text(answer: dict) -> str:
    """Per requester, each option's share of samples at each rank, and its confidence factor."""
    label = labeller(answer)
    lines = [f"{answer['samples']:,} sampled weightings, seed {answer['seed']}"]
    for entry in answer["results"]:
        lines.append(f"{who(entry)}: share of the sampled weightings under which each option takes each rank")
        lines.append(
            f"  {'option':28} " + " ".join(f"{r:>6}" for r in range(1, len(entry["options"]) + 1)) + "  confidence"
        )
        for option, row in zip(entry["options"], entry["rank_acceptability"]):
            conf = entry["confidence"][option]
            lines.append(
                f"  {label(option):28} "
                + " ".join(f"{x:6.3f}" for x in row)
                + f"  {'-' if conf is None else f'{conf:.2f}'}"
            )
    return "\n".join(lines)


def arguments(p: argparse.ArgumentParser) -> None:
    """The sub-command's own options: samples, seed, a profile to centre on, its concentration, score noise."""
    p.add_argument(
        "--samples", type=int, default=DEFAULT_SAMPLES, metavar="N", help="weight samples (default: %(default)s)"
    )
    add_seed_argument(p)
    p.add_argument(
        "--profile",
        type=str,
        default=None,
        metavar="NAME",
        help="sample weights from a Dirichlet centred on this profile (default: uniform on the simplex)",
    )
    p.add_argument(
        "--concentration",
        type=float,
        default=None,
        metavar="C",
        help="Dirichlet concentration around --profile (default: 50)",
    )
    p.add_argument(
        "--score-uncertainty",
        type=float,
        default=DEFAULT_SCORE_UNCERTAINTY,
        metavar="U",
        help="also draw each score uniformly within +-U points (default: 0, exact scores)",
    )


def case_options(args: argparse.Namespace) -> dict[str, Any]:
    """The parsed options as the case's keyword arguments."""
    return {
        "samples": args.samples,
        "seed": args.seed,
        "profile": args.profile,
        "settings": {
            "centred": args.profile is not None,
            "concentration": args.concentration,
            "score_uncertainty": args.score_uncertainty,
        },
    }


def section(view: View) -> list[Any]:
    """Per requester: the rank acceptability chart, its table, and the weight stability chart."""
    from ..present import figures
    from ..present.templates import render_section

    case = view.case
    dataset = case.dataset
    items: list[Any] = [
        render_section(NAME, part="intro", samples=f"{case.samples:,}", seed=case.seed, glossary=dataset.glossary)
    ]
    columns = ["option", "first in (share)", "central weights", "confidence"]
    for index in view.requesters:
        result = case.acceptability(index)
        items.append(figures.acceptability_figure(dataset, result, title=f"Rank acceptability: {view.label(index)}"))
        rows = [
            {
                "option": dataset.label(o),
                "first in (share)": number(result.first_rank_share[o], 3),
                "central weights": "" if cw is None else ", ".join(f"{k} {v:.2f}" for k, v in cw.items()),
                "confidence": "" if result.confidence[o] is None else number(result.confidence[o], 3),
            }
            for o, cw in result.central_weights.items()
        ]
        items.append(render_section(NAME, part="requester", columns=columns, rows=rows))
        items.append(figures.stability_figure(dataset, case.stability(index)))
    return items


def panel(context: PanelContext) -> FigurePanel:
    """Rank acceptability over uniformly sampled weights (so it follows the facts, not the sliders)."""
    from ..present import figures

    dataset = context.dataset
    return FigurePanel(
        context,
        "acceptability",
        "Robustness: rank acceptability over sampled weight vectors (uniform)",
        lambda case, index: figures.acceptability_figure(dataset, case.acceptability(index)),
    )


CAPABILITY = Capability(
    NAME,
    "How robust is the answer?",
    computed(NAME, answer),
    order=70,
    weighted=lambda case: bool(case.setting("centred")),
    data_files=core_files("base_scores.csv"),
    section=section,
    panel=panel,
    command=NAME,
    help="SMAA-2 rank acceptability, central weights and confidence",
    arguments=arguments,
    case_options=case_options,
    text=text,
)
