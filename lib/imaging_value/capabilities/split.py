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

__all__ = ["NAME", "CAPABILITY", "answer", "text", "section", "panel", "SplitPanel", "arguments", "case_options"]

NAME = "split"


def answer(case: Case) -> dict:
    """The case's total shared among the request's sites by the ``rule`` setting (default: every rule)."""
    dataset = case.dataset
    total = case.total
    sites, results = case.split(total, case.setting("rule", "all"), case.setting("split_samples"))
    rules = {
        name: [{"site": s["site"], "share": s["share"], "stderr": s["stderr"]} for s in result.to_dict()["shares"]]
        for name, result in results.items()
    }
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
        "methods": {name: result.method for name, result in results.items()},
        "rules": rules,
    }


def text(answer: dict) -> str:
    """Each rule's share per site (with the sampling error where Shapley is sampled)."""
    from ..core.wording import money, money_column

    lines = [
        f"total {money(answer['total'])} among {len(answer['sites'])} sites"
        + (" (contributions assumed from site defaults)" if answer["contributions_assumed"] else "")
    ]
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


def case_options(args: argparse.Namespace) -> dict[str, Any]:
    """The parsed options as the case's keyword arguments (the total checked as an amount)."""
    from ..core.checks import parse_amount

    return {
        "total": parse_amount(args.total),
        "seed": args.seed,
        "settings": {"rule": args.rule, "split_samples": args.samples},
    }


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
        return case.request.sites, float(self.total.value)

    def update(self, case: Case, index: int) -> None:
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
