"""The portfolio report: the report's exemplar projects, the size of their data sets by modality, partners, sizes, data-quality
findings and the decision tree applied to every exemplar."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..core.defaults import DEFAULT_DATA_DIR
from ..core.wording import join_words
from ..framework.portfolio import data_quality_findings, exemplar_recommendations, portfolio_summary
from ..model.data import Dataset
from ..present import figures as views
from ..present.templates import render_section
from .furniture import brief_html, header_html, load_data, provenance_html, shown_data_dir
from .summary import pack_decisions, report_links

__all__ = ["PortfolioReport", "portfolio_report"]


@dataclass(frozen=True)
class PortfolioReport:
    """What the portfolio report shows for one data folder: the exemplar projects and the decision tree on each."""

    dataset: Dataset
    parameters: dict[str, Any]

    def header(self) -> str:
        """The header: the title and the data folder."""
        return header_html("Portfolio: the exemplar projects", [("Data folder", self.parameters["data_dir"])])

    def provenance(self) -> str:
        """The parameters and the sha256 of every input file: the last page of the report."""
        return provenance_html(self.parameters, self.dataset.digests)

    def decisions(self) -> str:
        """The pack's requests: one row per requester with the agreement to sign and its worth, and what the
        pack is worth to the NHS together (under equal weights, the default view)."""
        from ..engine.case import Case
        from ..model.data import scan_requests

        cases = [Case(self.dataset, e.request) for e in scan_requests(self.dataset) if e.request is not None]
        if not cases:
            return ""
        return pack_decisions(
            cases,
            heading="The requests in this pack",
            links=report_links(cases),
            note="Each requester's agreement to sign under equal weights (the default view); each request's "
            "report gives the working.",
        )

    def brief(self) -> str:
        """The portfolio in sentences, before any chart."""
        s = portfolio_summary(self.dataset)
        top = sorted(s["images_by_modality"].items(), key=lambda kv: -kv[1])
        findings = data_quality_findings(self.dataset)
        recs = exemplar_recommendations(self.dataset)
        depends = sum(1 for outcomes in recs.values() if len({r.option for r in outcomes}) > 1)
        return brief_html(
            "In brief",
            [
                f"The report's {s['projects']} exemplar projects hold data sets of {s['images_known']:,} items of known "
                'size (the report\'s "Size of data set" gives no unit); '
                f"{s['projects_size_unknown']} projects do not state their size and are shown as unknown, never as zero.",
                "By modality: " + join_words([f"{m} {n:,}" for m, n in top]) + " items "
                "(a project with several modalities counts under each).",
                f"Across the projects there are {s['nhs_partner_links']} links to NHS partners.",
                f"{len(findings)} places where the report's table and its appendix disagree are listed below, not "
                f"silently fixed.",
                f"The decision tree's answer depends on facts the report does not give (temporality, curation, the "
                f"requester's profit stage) for {depends} of {len(recs)} exemplars; the requester kind of each is "
                f"this framework's assumption from the company the appendix names.",
            ],
        )

    def key_findings(self) -> str:
        """Plain text: projects, images of known size and by modality, findings (stable, so tests can pin it)."""
        s = portfolio_summary(self.dataset)
        lines = [
            f"{s['projects']} exemplar projects; {s['images_known']:,} items of known size; "
            f"{s['projects_size_unknown']} projects of unknown size; {s['nhs_partner_links']} NHS partner links"
        ]
        lines += [f"  {m}: {n:,} items" for m, n in s["images_by_modality"].items()]
        lines.append(f"{len(data_quality_findings(self.dataset))} data-quality findings")
        return "\n".join(lines)

    def exemplar_table(self) -> str:
        """The exemplar projects' table: modalities, size, NHS partners, company and the requester kind assumed."""
        rows = [
            {
                "project": p.name,
                "modalities": ", ".join(p.modalities),
                "size": f"{p.dataset_size:,}" if p.dataset_size is not None else f"unknown ({p.dataset_size_note})",
                "NHS partners": p.nhs_partners,
                "company (appendix)": p.company,
                "requester kind (our assumption)": p.requester_kind,
            }
            for p in self.dataset.projects
        ]
        return render_section("portfolio", part="exemplars", columns=list(rows[0]), rows=rows)

    def charts(self) -> list:
        """The charts' section, then images by modality, partners per project and data set sizes."""
        return [
            render_section("portfolio", part="charts"),
            views.modality_figure(self.dataset),
            views.partners_figure(self.dataset),
            views.size_figure(self.dataset),
        ]

    def findings(self) -> str:
        """The table of places where the report's table and its appendix text disagree."""
        rows = [
            {"project": f.project, "field": f.field, "table says": f.table, "text says": f.text, "finding": f.finding}
            for f in data_quality_findings(self.dataset)
        ]
        return render_section(
            "portfolio", part="findings", rows=rows, columns=["project", "field", "table says", "text says", "finding"]
        )

    def recommendations(self) -> str:
        """The decision tree's options for every exemplar, with the facts each assumes."""
        rows = []
        for name, recs in exemplar_recommendations(self.dataset).items():
            outcomes = [
                f"{self.dataset.label(r.option)}"
                + (f" (if {', '.join(f'{k}={v}' for k, v in r.assumed.items())})" if r.assumed else "")
                for r in recs
            ]
            project = next(p for p in self.dataset.projects if p.name == name)
            rows.append(
                {
                    "project": name,
                    "requester (assumed)": project.requester_kind + (f", {project.company}" if project.company else ""),
                    "decision tree": "; ".join(outcomes),
                }
            )
        return render_section(
            "portfolio", part="recommendations", rows=rows, columns=["project", "requester (assumed)", "decision tree"]
        )


def portfolio_report(data_dir: str = DEFAULT_DATA_DIR) -> PortfolioReport:
    """Check the portfolio notebook's data folder and load it."""
    dataset = load_data(data_dir)
    return PortfolioReport(dataset, {"data_dir": shown_data_dir(data_dir)})
