"""The options ranked by weighted value under the view's weights, with the national guidance flags."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..engine.capability import Capability, View
from ..present.panel import FigurePanel, PanelContext, table_key
from .common import computed, core_files, labeller, number, requester_entry, who

if TYPE_CHECKING:
    from ..engine.case import Case
    from ..framework.scoring import Ranking
    from ..model.data import Dataset

__all__ = ["NAME", "CAPABILITY", "answer", "text", "csv", "section", "panel", "RankPanel", "summary_html"]

NAME = "rank"


def answer(case: Case) -> dict:
    """Per requester, every option best first with its score, lever scores, exclusivity and guidance flags."""
    from ..framework.guidance import flags_by_option

    dataset, request = case.dataset, case.request
    rankings = []
    for index in case.requesters:
        ranking = case.ranking(index)
        flags = flags_by_option(case.guidance(index))
        exclusivity = {o: sheet.exclusivity_months for o, sheet in case.term_sheets(index).items()}
        rows = [
            {
                "option": option_id,
                "score": round(ranking.total(option_id), 6),
                "lever_scores": {lever: ranking.table.score(option_id, lever) for lever in dataset.lever_ids},
                "exclusivity_months": exclusivity[option_id],
                "flags": [flag.to_dict() for flag in flags[option_id]],
            }
            for option_id in ranking.order
        ]
        rankings.append({**requester_entry(request, index), "ranking": rows})
    return {"request": request.id, "weights": case.weights, "rankings": rankings}


def text(answer: dict) -> str:
    """The weights, then each requester's options best first with their flags."""
    label = labeller(answer)
    lines = ["weights: " + ", ".join(f"{label(k)} {v:.3f}" for k, v in answer["weights"].items())]
    for entry in answer["rankings"]:
        lines.append(f"{who(entry)}:")
        for place, row in enumerate(entry["ranking"], start=1):
            flags = "; ".join(f["reason"] for f in row["flags"])
            lines.append(
                f"  {place}. {label(row['option']):28} {row['score']:6.3f}" + (f"  flags: {flags}" if flags else "")
            )
    return "\n".join(lines)


def csv(dataset: Dataset, answer: dict) -> tuple[list[dict[str, Any]], list[str]]:
    """One row per requester and option, with its rank, score and lever scores."""
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


def section(view: View) -> list[Any]:
    """The weights, then per requester the ranking chart and its table."""
    from ..core.wording import order_sentence
    from ..present import figures
    from ..present.templates import render_section

    case = view.case
    dataset = case.dataset
    weights = ", ".join(f"{k} {v:.0%}" for k, v in case.weights.items())
    items: list[Any] = [render_section(NAME, part="intro", weights=weights)]
    for index in view.requesters:
        ranked = case.ranking(index)
        items.append(figures.ranking_figure(dataset, ranked, title=f"Options ranked: {view.label(index)}"))
        order = order_sentence([(dataset.label(o), ranked.totals[o]) for o in ranked.order], top=99)
        frame = ranked.frame().reset_index()
        rows = [
            {c: dataset.label(v) if c == "option" else v if c == "rank" else number(v, 2) for c, v in record.items()}
            for record in frame.to_dict("records")
        ]
        items.append(render_section(NAME, part="requester", order=order, columns=list(frame.columns), rows=rows))
    return items


def summary_html(dataset: Dataset, ranking: Ranking) -> str:
    """The winner and its lead over the runner-up, in a sentence."""
    from ..present.templates import render_section

    winner = ranking.winner
    score = float(ranking.totals.loc[winner])
    runner = ranking.order[1] if len(ranking.order) > 1 else None
    context: dict[str, Any] = {"runner": None}
    if runner is not None:
        second = float(ranking.totals.loc[runner])
        context = {"runner": dataset.label(runner), "runner_score": f"{second:.2f}", "gap": f"{score - second:.2f}"}
    return render_section(
        "explorer_summary", winner=winner, label=dataset.label(winner), score=f"{score:.2f}", **context
    )


class RankPanel(FigurePanel):
    """The ranking under the sliders' weights: the winner's summary above the chart. ``ranking`` is the last shown
    (None when there is none to show), ``count`` how often it was drawn."""

    def __init__(self, context: PanelContext):
        from ..present import figures

        dataset = context.dataset
        super().__init__(
            context,
            "ranking",
            "Options ranked under these weights",
            lambda case, index: figures.ranking_figure(dataset, case.ranking(index)),
            key=table_key,
            note=lambda case, index: summary_html(dataset, case.ranking(index)),
            note_class="iv-summary",
            note_first=True,
            weighted=True,
        )
        self.summary = self.note
        self.ranking: Ranking | None = None
        self.count = 0
        self.box.layout.flex, self.box.layout.min_width = "1 1 600px", "480px"

    def update(self, case: Case, index: int) -> None:
        """Rank the options for requester ``index`` under the case's weights, count the recompute, and redraw."""
        self.count += 1
        self.ranking = case.ranking(index)
        super().update(case, index)


def panel(context: PanelContext) -> RankPanel:
    """The ranking panel (weighted)."""
    return RankPanel(context)


CAPABILITY = Capability(
    NAME,
    "Options ranked by weighted value",
    computed(NAME, answer),
    order=40,
    weighted=True,
    data_files=core_files("levers.yaml", "options.yaml", "base_scores.csv", "adjustments.csv", "profiles.csv"),
    section=section,
    panel=panel,
    command=NAME,
    help="options ranked by weighted score, with guidance flags, per requester",
    options=("requester", "weights"),
    text=text,
    export=NAME,
    csv=csv,
)
