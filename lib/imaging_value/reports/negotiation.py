"""The negotiation report (notebook ``08-negotiation.ipynb``): one negotiation's history for the board, the
recommendation first (sign, counter with the counter-offer, or walk away), then each round's compliance and
worth to both sides, the chart of NHS value against partner value with the zone of agreement shaded, what moved
between rounds, and every round in full."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..capabilities.negotiation import move_rows, round_context, round_rows, verdict_context
from ..core.checks import check_seed, check_type
from ..core.defaults import DEFAULT_DATA_DIR, DEFAULT_SEED
from ..framework.rounds import History, negotiation_history
from ..model.data import Dataset
from ..model.files import file_digest
from ..present.negotiation_figures import rounds_figure
from ..present.templates import render_section
from .furniture import header_html, load_data, provenance_html

__all__ = ["NegotiationReport", "negotiation_report", "DEFAULT_NEGOTIATION"]

DEFAULT_NEGOTIATION = "negotiations/scenario-2-healthtech"
NAME = "negotiation"


@dataclass(frozen=True)
class NegotiationReport:
    """What the negotiation report shows, computed once from the notebook's checked parameters."""

    dataset: Dataset
    history: History
    parameters: dict[str, Any]

    def header(self) -> str:
        """The title, when and how it was rendered, the negotiation, the request and the seed."""
        h = self.history
        return header_html(
            f"Negotiation: {h.name}",
            [
                ("Negotiation", self.parameters["negotiation"]),
                ("Request", f"{h.request}, requester {h.requester + 1}"),
                ("Rounds", len(h.rounds)),
                ("Seed", self.parameters["seed"]),
                ("Monte Carlo draws", f"{h.rounds[0].assessment.draws:,}"),
            ],
        )

    def recommendation(self) -> str:
        """The recommendation first, in plain words: sign, counter (with the counter-offer) or walk away."""
        return render_section(NAME, part="verdict", verdict=verdict_context(self.history))

    def key_findings(self) -> str:
        """Plain text: the recommendation and each round's verdict (stable, so tests can pin it)."""
        h = self.history
        lines = [f"{h.name}: {h.request} requester {h.requester}; recommendation: {h.verdict.action}"]
        for r in h.rounds:
            a = r.assessment
            lines.append(
                f"round {a.offer.round} ({a.offer.made_by}): complies {'yes' if a.complies else 'no'}; "
                f"fair share {'met' if a.meets_share else 'not met'}; {len(r.moved)} terms moved"
            )
        counter = h.verdict.counter
        if counter is not None and counter.offer is not None:
            lines.append(f"counter-offer moves {len(counter.moves)}: " + ", ".join(m.term for m in counter.moves))
        return "\n".join(lines)

    def rounds(self) -> str:
        """Each round's compliance and worth to both sides, branch by branch."""
        several = len(self.history.rounds[0].assessment.branches) > 1
        a = self.history.rounds[0].assessment
        return render_section(
            NAME,
            part="rounds",
            rows=round_rows(self.history),
            several=several,
            draws=f"{a.draws:,}",
            seed=a.seed,
        )

    def chart(self) -> Any:
        """NHS value against partner value per round, the zone of agreement shaded."""
        return rounds_figure(
            [r.assessment for r in self.history.rounds], "Worth to the NHS and to the partner, by round"
        )

    def moves(self) -> str:
        """What moved between rounds."""
        return render_section(NAME, part="moves", moves=move_rows(self.history))

    def details(self) -> list[str]:
        """Every round in full: its terms, principles, term rules, both sides' worth and the zone."""
        return [
            render_section(NAME, part="round", round=round_context(self.dataset, r.assessment))
            for r in self.history.rounds
        ]

    def provenance(self) -> str:
        """The parameters and the sha256 of every input file, the offers included."""
        digests = dict(self.dataset.digests)
        root = self.dataset.root.resolve()
        for path in sorted(self.history.folder.glob("round-*.yaml")):
            try:
                shown = str(path.resolve().relative_to(root))
            except ValueError:
                shown = str(path)
            digests[shown] = file_digest(path)
        return provenance_html(self.parameters, digests)


def negotiation_report(
    negotiation: str = DEFAULT_NEGOTIATION, seed: int = DEFAULT_SEED, data_dir: str = DEFAULT_DATA_DIR
) -> NegotiationReport:
    """Validate the negotiation notebook's parameters and assess every round once."""
    check_type("negotiation", negotiation, (str,), "a negotiation folder (negotiations/<name> in the data folder)")
    check_seed(seed)
    dataset = load_data(data_dir)
    history = negotiation_history(dataset, negotiation, seed=seed)
    shown = {"negotiation": negotiation, "seed": seed, "data": Path(data_dir).name}
    return NegotiationReport(dataset, history, shown)
