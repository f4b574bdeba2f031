"""The portfolio: the report's exemplar projects, their summary and data-quality findings (the data folder's own
answer, with no request). Its report is the portfolio notebook (:mod:`imaging_value.reports.portfolio`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..engine.capability import Capability
from .common import computed, core_files

if TYPE_CHECKING:
    from ..engine.case import Case
    from ..model.data import Dataset

__all__ = ["NAME", "CAPABILITY", "answer", "text", "csv"]

NAME = "portfolio"


def answer(case: Case) -> dict:
    """Every exemplar project with the options the decision tree recommends for it, the summary and findings."""
    from ..framework.portfolio import data_quality_findings, exemplar_recommendations, portfolio_summary

    dataset = case.dataset
    recommendations = exemplar_recommendations(dataset)
    projects = []
    for project in dataset.projects:
        options = list(dict.fromkeys(rec.option for rec in recommendations[project.name]))
        projects.append(
            {
                "name": project.name,
                "modalities": list(project.modalities),
                "dataset_size": project.dataset_size,
                "dataset_size_note": project.dataset_size_note,
                "nhs_partners": project.nhs_partners,
                "company": project.company or None,
                "requester_kind": project.requester_kind,
                "requester_assumed": project.requester_assumed,
                "recommended_options": options,
            }
        )
    findings = [f.__dict__ for f in data_quality_findings(dataset)]
    return {"projects": projects, "summary": portfolio_summary(dataset), "findings": findings}


def text(answer: dict) -> str:
    """The projects as a table, then the summary and the findings."""
    lines = [f"{'project':62} {'modalities':12} {'size':>9} {'partners':>8}"]
    for p in answer["projects"]:
        size = f"{p['dataset_size']:,}" if p["dataset_size"] is not None else p["dataset_size_note"]
        lines.append(f"{p['name'][:62]:62} {'/'.join(p['modalities']):12} {size:>9} {p['nhs_partners']:>8}")
    s = answer["summary"]
    lines.append(
        f"{s['projects']} projects, {s['images_known']:,} items of known size, {s['projects_size_unknown']} of "
        f"unknown size, {s['nhs_partner_links']} NHS partner links"
    )
    lines += [f"finding: {f['project']}: {f['finding']}" for f in answer["findings"]]
    return "\n".join(lines)


def csv(dataset: Dataset, answer: dict) -> tuple[list[dict[str, Any]], list[str]]:
    """One row per project."""
    rows = [
        {**p, "modalities": ";".join(p["modalities"]), "recommended_options": ";".join(p["recommended_options"])}
        for p in answer["projects"]
    ]
    return rows, list(answer["projects"][0])


CAPABILITY = Capability(
    NAME,
    "The exemplar projects",
    computed(NAME, answer),
    order=0,
    scope="dataset",
    data_files=core_files("projects.csv"),
    in_report=False,
    in_explorer=False,
    command=NAME,
    help="the exemplar projects and their summary",
    options=(),
    text=text,
    export=NAME,
    csv=csv,
)
