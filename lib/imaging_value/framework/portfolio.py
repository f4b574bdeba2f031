"""The data audit: the exemplar projects, their summary, and the data-quality findings."""

from __future__ import annotations

from dataclasses import dataclass

from ..model.data import Dataset
from ..model.schema import MODALITIES, Project, Request, Requester, Sites
from .tree import Recommendation, recommend

__all__ = ["Finding", "portfolio_summary", "data_quality_findings", "exemplar_request", "exemplar_recommendations"]


@dataclass(frozen=True)
class Finding:
    """An inconsistency in the report's facts about one project: shown, never silently fixed."""

    project: str
    field: str
    table: str
    text: str
    finding: str


def portfolio_summary(dataset: Dataset) -> dict:
    """Totals over the exemplars. A project with several modalities counts under each of them."""
    projects = dataset.projects
    by_modality = {m: 0 for m in MODALITIES}
    for p in projects:
        for m in p.modalities:
            by_modality[m] += p.dataset_size or 0
    return {
        "projects": len(projects),
        "images_known": sum(p.dataset_size for p in projects if p.dataset_size is not None),
        "projects_size_unknown": sum(1 for p in projects if p.dataset_size is None),
        "nhs_partner_links": sum(p.nhs_partners for p in projects),
        "images_by_modality": by_modality,
    }


def _number(text: str) -> int | None:
    digits = text.replace(",", "").strip()
    return int(digits) if digits.isdigit() else None


def data_quality_findings(dataset: Dataset) -> list[Finding]:
    """Where the report's table and its appendix text disagree about a project."""
    findings: list[Finding] = []
    for p in dataset.projects:
        table_size = f"{p.dataset_size:,}" if p.dataset_size is not None else p.dataset_size_note
        appendix = _number(p.appendix_size)
        if (f"{appendix:,}" if appendix is not None else p.appendix_size) != table_size:
            findings.append(
                Finding(
                    p.name,
                    "dataset_size",
                    table_size,
                    p.appendix_size,
                    f"the table gives the size as {table_size} but the appendix as {p.appendix_size}"
                    + ("; kept as unknown, not zero" if p.dataset_size is None else ""),
                )
            )
        if set(p.text_modalities) and set(p.text_modalities) != set(p.modalities):
            findings.append(
                Finding(
                    p.name,
                    "modalities",
                    ", ".join(p.modalities),
                    ", ".join(p.text_modalities),
                    f"listed as {', '.join(p.modalities)} but its description speaks of "
                    f"{', '.join(p.text_modalities)} data",
                )
            )
        if p.text_patients is not None and p.text_patients != p.dataset_size:
            findings.append(
                Finding(
                    p.name,
                    "dataset_size",
                    table_size,
                    f"{p.text_patients:,} patients",
                    f"its description speaks of {p.text_patients:,} patients while the size of the data set is {table_size}",
                )
            )
    return findings


def exemplar_request(project: Project) -> Request:
    """A request built from an exemplar: what the report does not say is left unstated."""
    return Request(
        id="exemplar",
        title=project.name,
        temporality="unstated",
        curation="unstated",
        deidentification="unstated",
        data_types=tuple(project.modalities),
        sites=Sites(count=project.nhs_partners),
        requesters=(
            Requester(
                kind=project.requester_kind,
                profit_stage=project.requester_profit_stage,
                sector="unstated",
                staff="unstated",
                name=project.company or None,
            ),
        ),
    )


def exemplar_recommendations(dataset: Dataset) -> dict[str, list[Recommendation]]:
    """The decision tree applied to every exemplar (requester kind per exemplar is our assumption)."""
    return {p.name: recommend(dataset, exemplar_request(p), 0) for p in dataset.projects}
