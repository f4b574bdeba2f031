"""The board paper (notebook ``09-board.ipynb``): the pack's decisions in three printed pages or fewer.

The decisions to take, one row per requester of every request (the agreement, its worth with its range, the
national guidance, what to confirm, who disagrees) and what they are worth together; then each request in at
most a page (each agreement with its worth, why it was chosen, its terms, what to confirm, who disagrees),
linking to its full report for the working. Plain words only: no term of the glossary's ``not_for_board``
list. The view (profile or weights, total, seed) is the request reports', so their numbers agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..capabilities import load_dataset
from ..capabilities.decision import board_block, view_name
from ..core.defaults import DEFAULT_DATA_DIR, DEFAULT_SEED, DEFAULT_TOTAL
from ..core.wording import count_word, money, parameter_text
from ..engine.case import Case
from ..model.data import Dataset, scan_requests
from ..model.params import RequestParams
from ..present.templates import render_section
from .furniture import header_html, shown_data_dir
from .summary import pack_decisions, report_links

__all__ = ["BoardReport", "board_report"]


@dataclass(frozen=True)
class BoardReport:
    """The board paper's content, from one case per valid request of the data folder under the pack's view."""

    dataset: Dataset
    cases: tuple[Case, ...]
    invalid: tuple[tuple[str, str], ...]
    parameters: dict[str, Any]

    def header(self) -> str:
        """The title, when it was rendered, the view, and the source tags in one line."""
        case = self.cases[0] if self.cases else None
        view = [("Stakeholder view", view_name(case) if case else "equal weights, the default")]
        if case is not None:
            view += [("Total shared among sites", money(case.total)), ("Seed", case.seed)]
        return header_html("Board paper: the data-access decisions to take", view, short_legend=True)

    def decisions(self) -> str:
        """The decisions to take, one row per requester, with what they are worth together."""
        note = (
            f"{count_word(len(self.cases)).capitalize()} request{'s' if len(self.cases) != 1 else ''}, one row "
            f"per requester; each request's full report, linked from its name, gives the working."
        )
        if self.invalid:
            note += (
                f" {count_word(len(self.invalid)).capitalize()} request file(s) failed validation and are left out: "
                + "; ".join(f"{rid} ({message})" for rid, message in self.invalid)
                + "."
            )
        return pack_decisions(self.cases, links=report_links(self.cases), note=note)

    def requests(self) -> str:
        """Each request in at most a page: its agreements with their worth, why, terms, what to confirm, dissent."""
        links = report_links(self.cases)
        blocks = [
            {
                "title": case.request_or_raise().title,
                "link": links[case.request_or_raise().id],
                **board_block(case),
            }
            for case in self.cases
        ]
        glossary = self.dataset.glossary
        return render_section(
            "board",
            part="requests",
            blocks=blocks,
            view=view_name(self.cases[0]) if self.cases else "",
            low=glossary.plain("p10") if glossary else "low",
            high=glossary.plain("p90") if glossary else "high",
        )

    def provenance(self) -> str:
        """The parameters in a line, as a person would type them (the digests are in each full report)."""
        return render_section(
            "board", part="provenance", parameters=[(k, parameter_text(v)) for k, v in self.parameters.items()]
        )


def board_report(
    profile: str = "",
    weights: Mapping[str, float] | None = None,
    seed: int = DEFAULT_SEED,
    total: float = DEFAULT_TOTAL,
    data_dir: str = DEFAULT_DATA_DIR,
) -> BoardReport:
    """Validate the board paper's parameters (as a request report's) and make one case per valid request."""
    params = RequestParams(profile=profile, weights=weights, seed=seed, total=total, data_dir=data_dir)
    dataset = load_dataset(params.data_dir)
    entries = scan_requests(dataset)
    cases = tuple(
        Case(
            dataset,
            e.request,
            weights=dict(params.weights) if params.weights else None,
            profile=params.profile or None,
            seed=params.seed,
            total=float(params.total),
        )
        for e in entries
        if e.request is not None
    )
    invalid = tuple((e.id, e.error.one_line()) for e in entries if e.error is not None)
    shown = {
        "profile": params.profile,
        "weights": params.weights,
        "seed": params.seed,
        "total": params.total,
        "data_dir": shown_data_dir(data_dir),
    }
    return BoardReport(dataset, cases, invalid, shown)
