"""The built-in capabilities, registered in the order the request report shows them.

Each is declared once here: the data files it reads, how it computes its answer
from a :class:`~imaging_value.engine.case.Case` (:mod:`imaging_value.capabilities.answers`), its
section of the request report (:mod:`imaging_value.capabilities.sections`), its
command-line sub-command and text (:mod:`imaging_value.capabilities.text`), and its export
files. The command line, the export, the request report and the explorer list
them from :func:`imaging_value.engine.capability.capabilities`.

Everything heavy is imported inside the functions: the command line builds its
sub-commands from this module.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..core.defaults import DEFAULT_SAMPLES, DEFAULT_SCORE_UNCERTAINTY, DEFAULT_SEED
from ..engine.capability import Capability, DataFile, Result, View, register
from . import text as cli_text

if TYPE_CHECKING:
    from ..engine.case import Case

__all__ = ["BUILTIN"]


def _result(name: str, make: str | Callable[[Case], dict]) -> Callable[[Case], Result]:
    """``make``: a function, or the name of one in :mod:`imaging_value.capabilities.answers` (imported when an answer is
    computed, so listing the capabilities, as ``--help`` does, loads neither numpy nor pydantic)."""

    def compute(case: Case) -> Result:
        if isinstance(make, str):
            from . import answers

            return Result(name, getattr(answers, make)(case))
        return Result(name, make(case))

    compute.__name__ = f"compute_{name}"
    return compute


def _section(name: str) -> Callable[[View], Any]:
    """The request report's section function of that name (imported when a report is drawn)."""

    def section(view: View) -> Any:
        from . import sections as request_sections

        return getattr(request_sections, name)(view)

    return section


def _files(*names: str) -> tuple[DataFile, ...]:
    return tuple(DataFile(name, core=True) for name in names)


# --- command-line arguments and how they make the case -------------------------------------


def add_seed_argument(p: argparse.ArgumentParser) -> None:
    """``--seed``, defaulting to the one default seed (every seeded sub-command takes it the same way)."""
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, metavar="S", help="random seed (default: %(default)s)")


def _acceptability_arguments(p: argparse.ArgumentParser) -> None:
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


def _acceptability_case(args: argparse.Namespace) -> dict[str, Any]:
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


def _split_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--total",
        type=str,
        required=True,
        metavar="AMOUNT",
        help="money or equity points to share: a plain number such as 250000 (up to 1e12)",
    )
    p.add_argument("--rule", default="all", metavar="RULE", help="equal, pro_rata, curation, shapley or all")
    p.add_argument(
        "--samples",
        type=int,
        default=None,
        metavar="N",
        help="permutations for sampled Shapley (default: pooling.yaml's samples)",
    )
    add_seed_argument(p)


def _split_case(args: argparse.Namespace) -> dict[str, Any]:
    from ..core.checks import parse_amount

    return {
        "total": parse_amount(args.total),
        "seed": args.seed,
        "settings": {"rule": args.rule, "split_samples": args.samples},
    }


def _value_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--draws", type=int, default=None, metavar="N", help="Monte Carlo draws (default: valuation.yaml's draws)"
    )
    add_seed_argument(p)
    p.add_argument(
        "--discount-rate",
        type=float,
        default=None,
        metavar="R",
        help="annual discount rate, e.g. 0.035 (default: valuation.yaml's, the Green Book rate)",
    )
    p.add_argument(
        "--horizon",
        type=int,
        default=None,
        metavar="YEARS",
        help="years from signing (default: valuation.yaml's horizon)",
    )


def _value_case(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "seed": args.seed,
        "settings": {"draws": args.draws, "discount_rate": args.discount_rate, "horizon": args.horizon},
    }


def _worth(case: Case) -> dict:
    """What each option is worth to the NHS per requester (``valuation.yaml``), by Monte Carlo."""
    from ..core.checks import check_flags
    from ..framework.appraisal import value_answer

    draws, rate, horizon = case.setting("draws"), case.setting("discount_rate"), case.setting("horizon")
    check_flags(draws, horizon, rate)  # before the valuation model loads
    spec = case.dataset.valuation
    if spec is None:
        from ..core.errors import DataValidationError, Problem

        raise DataValidationError(
            [Problem("valuation.yaml", "", "", "the file to exist in the data folder", "no such file")]
        )
    return value_answer(
        case.dataset,
        spec,
        case.request,
        case.requester,
        draws=draws,
        seed=case.seed,
        discount_rate=rate,
        horizon=horizon,
    )


# --- export rows -----------------------------------------------------------------------------


def _joined(mapping: dict) -> str:
    return ";".join(f"{k}={v}" for k, v in mapping.items())


def _portfolio_csv(dataset: Any, answer: dict) -> tuple[list[dict], list[str]]:
    rows = [
        {**p, "modalities": ";".join(p["modalities"]), "recommended_options": ";".join(p["recommended_options"])}
        for p in answer["projects"]
    ]
    return rows, list(answer["projects"][0])


def _terms_csv(dataset: Any, answer: dict) -> tuple[list[dict], list[str]]:
    rows = [
        {
            "requester_index": r["requester_index"],
            "requester_kind": r["requester"]["kind"],
            "assumed": _joined(r["assumed"]),
            "option": r["option"],
            "term": t["term"],
            "value": t["value"],
            "unit": t["unit"],
            "set_by": ";".join(t["set_by"]),
            "source": t["source"],
            "rationale": t["rationale"],
        }
        for r in answer["results"]
        for t in r["terms"]
    ]
    return rows, [
        "requester_index",
        "requester_kind",
        "assumed",
        "option",
        "term",
        "value",
        "unit",
        "set_by",
        "source",
        "rationale",
    ]


def _recommendation_csv(dataset: Any, answer: dict) -> tuple[list[dict], list[str]]:
    rows = [
        {
            "requester_index": r["requester_index"],
            "requester_kind": r["requester"]["kind"],
            "option": r["option"],
            "assumed": _joined(r["assumed"]),
            "path": " > ".join(f"{s['question']} {s['answer']}" for s in r["path"]),
        }
        for r in answer["recommendations"]
    ]
    return rows, ["requester_index", "requester_kind", "option", "assumed", "path"]


def _ranking_csv(dataset: Any, answer: dict) -> tuple[list[dict], list[str]]:
    rows = [
        {
            "requester_index": entry["requester_index"],
            "requester_kind": entry["requester"]["kind"],
            "rank": place,
            "option": row["option"],
            "score": row["score"],
            **row["lever_scores"],
            "flags": "; ".join(f["reason"] for f in row["flags"]),
        }
        for entry in answer["rankings"]
        for place, row in enumerate(entry["ranking"], start=1)
    ]
    return rows, ["requester_index", "requester_kind", "rank", "option", "score", *dataset.lever_ids, "flags"]


# --- the built-in capabilities, in the report's order --------------------------------------------

BUILTIN = (
    Capability(
        "portfolio",
        "The exemplar projects",
        _result("portfolio", "portfolio_answer"),
        order=0,
        scope="dataset",
        data_files=_files("projects.csv"),
        in_report=False,
        in_explorer=False,
        command="portfolio",
        help="the exemplar projects and their summary",
        options=(),
        text=cli_text.portfolio,
        export="portfolio",
        csv=_portfolio_csv,
    ),
    Capability(
        "agreement",
        "The agreement to sign",
        _result("agreement", "terms_answer"),
        order=10,
        weighted=True,
        data_files=_files("terms.yaml", "costs.csv", "term_rules.yaml", "reconciliation.yaml", "guidance.yaml"),
        section=_section("agreement"),
        command="terms",
        help="the agreement to sign per requester: terms, national principles, dissent",
        options=("requester", "weights"),
        text=cli_text.terms,
        export="terms",
        csv=_terms_csv,
    ),
    Capability(
        "worth",
        "What it is worth to the NHS",
        _result("worth", _worth),
        order=20,
        data_files=_files("valuation.yaml"),
        section=_section("worth"),
        command="value",
        help="what each agreement is worth to the NHS: risk-adjusted NPV by Monte Carlo, fair terms, "
        "the split among sites and broker",
        arguments=_value_arguments,
        case_options=_value_case,
        text=cli_text.value,
    ),
    Capability(
        "tree",
        "The decision tree's recommendation",
        _result("tree", "recommend_answer"),
        order=30,
        data_files=_files("decision_tree.yaml", "options.yaml"),
        section=_section("recommendation"),
        command="recommend",
        help="the decision tree's recommendation and its path, per requester",
        text=cli_text.recommend,
        export="recommendation",
        csv=_recommendation_csv,
    ),
    Capability(
        "ranking",
        "Options ranked by weighted value",
        _result("ranking", "rank_answer"),
        order=40,
        weighted=True,
        data_files=_files("levers.yaml", "options.yaml", "base_scores.csv", "adjustments.csv", "profiles.csv"),
        section=_section("ranking"),
        command="rank",
        help="options ranked by weighted score, with guidance flags, per requester",
        options=("requester", "weights"),
        text=cli_text.rank,
        export="ranking",
        csv=_ranking_csv,
    ),
    Capability(
        "scores",
        "Each option's lever profile",
        _result("scores", "scores_answer"),
        order=50,
        data_files=_files("base_scores.csv", "adjustments.csv"),
        section=_section("lever_profiles"),
    ),
    Capability(
        "alignment",
        "Stakeholder views",
        _result("alignment", "alignment_answer"),
        order=60,
        data_files=_files("profiles.csv"),
        section=_section("stakeholder_views"),
        command="alignment",
        help="rankings under every stakeholder profile, Kendall's tau, win:win option",
        text=cli_text.alignment,
    ),
    Capability(
        "acceptability",
        "How robust is the answer?",
        _result("acceptability", "acceptability_answer"),
        order=70,
        data_files=_files("base_scores.csv"),
        section=_section("robustness"),
        command="acceptability",
        help="SMAA-2 rank acceptability, central weights and confidence",
        arguments=_acceptability_arguments,
        case_options=_acceptability_case,
        text=cli_text.acceptability,
    ),
    # weight stability is shown in the robustness section, beside rank acceptability
    Capability(
        "stability",
        "Weight stability",
        _result("stability", "stability_answer"),
        order=75,
        weighted=True,
        in_report=False,
        command="stability",
        help="how far each lever's weight can move before the winner changes",
        options=("requester", "weights"),
        text=cli_text.stability,
    ),
    Capability(
        "split",
        "Sharing the return among the sites",
        _result("split", "split_answer"),
        order=80,
        data_files=_files("site_defaults.csv", "pooling.yaml"),
        section=_section("value_split"),
        command="split",
        help="share a total among the request's sites",
        options=(),
        arguments=_split_arguments,
        case_options=_split_case,
        text=cli_text.split,
    ),
    Capability(
        "fairness",
        "Fairness questions",
        _result("fairness", "fairness_answer"),
        order=90,
        weighted=True,
        data_files=_files("fairness.yaml"),
        section=_section("fairness"),
        in_explorer=False,
    ),
    Capability(
        "guidance",
        "National guidance checks",
        _result("guidance", "guidance_answer"),
        order=100,
        weighted=True,
        data_files=_files("guidance.yaml"),
        section=_section("guidance_checks"),
        in_explorer=False,
    ),
)

for _capability in BUILTIN:
    register(_capability)
