"""Sharing the return among the request's sites: equal, pro rata to images, weighted by curation effort, and the
Shapley value of the data-pooling game, side by side; every rule's shares add up to the total to the penny."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from ..core.errors import ImagingValueError
from ..engine.capability import Capability, View
from ..present.panel import FACTS, RED, TOTAL, Panel, PanelContext, error_text, figure_box, section_box, status_html
from .common import add_seed_argument, computed, core_files

if TYPE_CHECKING:
    from ..engine.case import Case

__all__ = [
    "NAME",
    "CAPABILITY",
    "answer",
    "agreement_splits",
    "text",
    "section",
    "panel",
    "SplitPanel",
    "arguments",
    "case_options",
]

NAME = "split"


def agreement_splits(case: Case) -> list[dict[str, Any]]:
    """The expected value of each agreement to sign shared among the sites and the broker, per requester and
    decision-tree outcome, each carrying the facts it assumed (valuation.yaml's sharing rule and broker's
    share; the same draws and figures as the ``value`` command). Empty without valuation.yaml."""
    from ..framework.appraisal import appraise_requester, site_fractions

    dataset, request, spec = case.dataset, case.request, case.dataset.valuation
    if spec is None:
        return []
    fractions = site_fractions(dataset, spec, request)
    out = []
    for index in case.requesters:
        for agreement in case.agreements(index):
            value = appraise_requester(
                dataset,
                spec,
                request,
                index,
                assumed=agreement.assumed,
                seed=case.seed,
                fair=False,
                fractions=fractions,
            )
            out.append(
                {
                    "requester_index": index,
                    "requester": request.requester(index).summary(),
                    "assumed": dict(agreement.assumed),
                    "option": agreement.option,
                    "total": round(value.option(agreement.option).mean, 2),
                    "rule": spec.site_rule.value,
                    "shares": [{"site": site, "share": share} for site, share in value.split[agreement.option]],
                }
            )
    return out


def answer(case: Case) -> dict:
    """The request's sites; each agreement to sign's expected value shared among them and the broker, per
    requester and decision-tree outcome (``results``, each with its ``assumed`` facts); and, with a total
    (``--total``), that total shared by the ``rule`` setting (default: every rule), which assumes nothing."""
    dataset = case.dataset
    total = case.total
    sites, results = case.split(total, case.setting("rule", "all"), case.setting("split_samples"))
    answer: dict[str, Any] = {
        "request": case.request.id,
        "sites": [
            {"site": s, "kind": k, "images": i, "curation_effort": e}
            for s, k, i, e in zip(sites.sites, sites.kinds, sites.images, sites.effort)
        ],
        "contributions_assumed": sites.assumed,
        "curve": {"kind": dataset.pooling.kind, "exponent": dataset.pooling.exponent, "scale": dataset.pooling.scale},
        "seed": case.seed,
    }
    if case.setting("total_given", True):
        answer.update(
            {
                "total": total,
                "assumed": {},
                "methods": {name: result.method for name, result in results.items()},
                "rules": {
                    name: [
                        {"site": s["site"], "share": s["share"], "stderr": s["stderr"]}
                        for s in result.to_dict()["shares"]
                    ]
                    for name, result in results.items()
                },
            }
        )
    answer["results"] = agreement_splits(case)
    return answer


def text(answer: dict) -> str:
    """Each agreement to sign's expected value per site and the broker, per branch; then, with a total, each
    rule's share per site (with the sampling error where Shapley is sampled)."""
    from ..core.wording import money, money_column
    from .common import who

    lines = []
    for entry in answer.get("results", []):
        assumed = ", ".join(f"{k}={v}" for k, v in entry["assumed"].items())
        lines.append(
            f"{who(entry)}: {entry['option']}, expected value {money(entry['total'], pence=True)} shared by "
            f"{entry['rule'].replace('_', ' ')}" + (f"  [assuming {assumed}]" if assumed else "")
        )
        shares = entry["shares"]
        for share, shown in zip(shares, money_column([s["share"] for s in shares])):
            lines.append(f"  {share['site']:40} {shown:>15}")
    if "rules" in answer:
        lines.append(
            f"total {money(answer['total'])} among {len(answer['sites'])} sites"
            + (" (contributions assumed from site defaults)" if answer["contributions_assumed"] else "")
        )
        for rule, shares in answer["rules"].items():
            lines.append(f"{rule.replace('_', ' ')} ({answer['methods'][rule]}):")
            for share, shown in zip(shares, money_column([s["share"] for s in shares])):
                err = f" ± {money(share['stderr'], pence=True)}" if share["stderr"] is not None else ""
                lines.append(f"  {share['site']:40} {shown:>15}{err}")
    return "\n".join(lines)


def arguments(p: argparse.ArgumentParser) -> None:
    """The sub-command's own options: the total, the rule, Shapley's samples, the seed."""
    p.add_argument(
        "--total",
        type=str,
        default=None,
        metavar="AMOUNT",
        help="also share this total, money or equity points: a plain number such as 250000 (up to 1e12); without "
        "it, only each agreement to sign's expected value is shared",
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


def case_options(args: argparse.Namespace) -> dict[str, Any]:
    """The parsed options as the case's keyword arguments (the total checked as an amount)."""
    from ..core.checks import parse_amount

    options: dict[str, Any] = {
        "seed": args.seed,
        "settings": {"rule": args.rule, "split_samples": args.samples, "total_given": args.total is not None},
    }
    if args.total is not None:
        options["total"] = parse_amount(args.total)
    return options


def section(view: View) -> list[Any]:
    """The curve and the total, the chart, and a table of every site's share by every rule."""
    from ..core.defaults import DEFAULT_TOTAL
    from ..core.wording import count, count_word, money, money_column
    from ..present import figures
    from ..present.templates import render_section

    case = view.case
    dataset, request = case.dataset, case.request
    sites, results = case.split()
    curve = dataset.pooling
    intro = render_section(
        NAME,
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
    # one rounding per column: pence on every share of a rule when any of its shares has pence
    shares = {rule: money_column(result.table["share"].tolist()) for rule, result in results.items()}
    rows = [
        {
            "site": site,
            "kind": kind.replace("_", " "),
            "images": count(images),
            "curation effort": f"{effort:g}",
            **{rule: shares[rule][i] for rule in results},
        }
        for i, (site, kind, images, effort) in enumerate(zip(sites.sites, sites.kinds, sites.images, sites.effort))
    ]
    return [intro, figures.split_figure(results), render_section(NAME, part="table", columns=columns, rows=rows)]


class SplitPanel(Panel):
    """The split of a total the user types (``total``) among the sites, by every rule."""

    depends = frozenset({FACTS, TOTAL})

    def __init__(self, context: PanelContext):
        import ipywidgets as widgets

        from ..present.live import new_figure_widget

        self.figure = new_figure_widget()
        self.total = widgets.BoundedFloatText(
            value=context.total,
            min=0.0,
            max=1e12,
            step=1000.0,
            description="Total to share",
            style={"description_width": "110px"},
            layout=widgets.Layout(width="300px"),
        )
        self.total.add_class("iv-split-total")
        self.message = widgets.HTML()
        self.message.add_class("iv-split-message")
        self.box = section_box(
            "Sharing the value among sites", self.total, self.message, figure_box(self.figure, "split")
        )
        self.total.observe(lambda _change: context.changed(TOTAL), names="value")

    def inputs(self, case: Case, index: int) -> Any:
        """The panel is drawn from the request's sites and the total typed in."""
        return case.request.sites, float(self.total.value)

    def update(self, case: Case, index: int) -> None:
        """Split the typed total among the request's sites by every rule and draw it (or say why it cannot)."""
        from ..present import figures
        from ..present.live import sync_figure

        try:
            sites, results = case.split(float(self.total.value))
        except ImagingValueError as exc:
            self.message.value = status_html(error_text(exc), colour=RED)
            return
        note = (
            f"{len(sites.sites)} sites. Images and curation effort per site are assumed from "
            "site_defaults.csv by kind: the request gives no contributions."
            if sites.assumed
            else f"{len(sites.sites)} sites, contributions as the request gives them."
        )
        self.message.value = status_html(f"{note} Every rule's shares add up to the total.")
        sync_figure(self.figure, figures.split_figure(results))


def panel(context: PanelContext) -> SplitPanel:
    """The split panel, with its own total."""
    return SplitPanel(context)


CAPABILITY = Capability(
    NAME,
    "Sharing the return among the sites",
    computed(NAME, answer),
    order=80,
    weighted=True,  # its results share the agreements to sign, which the view's weights choose
    data_files=core_files("site_defaults.csv", "pooling.yaml"),
    section=section,
    panel=panel,
    command=NAME,
    help="share a total among the request's sites",
    options=(),
    arguments=arguments,
    case_options=case_options,
    text=text,
)
