"""What the report notebooks show: validated parameters, headers, tables, figures and text.

The notebooks in ``notebooks/`` are thin: each cell calls one function here and
displays what it returns. Everything a notebook shows that came from a data
file is escaped before it becomes HTML.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import plotly.graph_objects as go
from markupsafe import Markup

from .. import __version__
from ..capabilities import View, capabilities, capability, load_dataset
from ..capabilities.decision import decision_context, identical_requesters
from ..core.checks import check_type
from ..core.defaults import DEFAULT_DATA_DIR, DEFAULT_REQUEST, DEFAULT_SAMPLES, DEFAULT_SEED, DEFAULT_TOTAL
from ..core.layout import LOCK_FILE, lock_digest, project_root, version_text
from ..core.safetext import plotly_text
from ..core.wording import SOURCE_TAGS, join_words, money, ties
from ..engine.case import Case
from ..framework.agreement import Agreement
from ..framework.analysis import Analysis, profile_weights
from ..framework.guidance import GuidanceCheck
from ..framework.portfolio import data_quality_findings, exemplar_recommendations, portfolio_summary
from ..framework.scoring import resolve_weights
from ..framework.tree import Recommendation
from ..model.data import Dataset, load_request, scan_requests
from ..model.files import file_digest
from ..model.params import RequestParams, resolve_request
from ..model.schema import Request
from ..present import figures as views
from ..present.templates import render_section, report_css

__all__ = [
    "use_offline_charts",
    "show",
    "RequestReport",
    "PortfolioReport",
    "CompareReport",
    "request_report",
    "portfolio_report",
    "compare_report",
    "project_root",
    "report_header",
    "report_provenance",
]

CHART_RENDERER = "plotly_mimetype+offline_notebook"  # JupyterLab view + HTML embedding plotly.js once, offline
_CDN_SCRIPT = re.compile(r'<script src="https?://[^"]*"></script>')


def use_offline_charts() -> None:
    """Render plotly charts so JupyterLab shows them live and the HTML export embeds plotly.js once.

    plotly's notebook renderer always adds a MathJax script fetched from a CDN to every chart; the
    reports use no LaTeX, so the renderer registered here drops it and the HTML needs no network.
    """
    import plotly.io as pio
    from plotly.io._base_renderers import NotebookRenderer

    class OfflineNotebookRenderer(NotebookRenderer):
        def to_mimebundle(self, fig_dict):
            bundle = super().to_mimebundle(fig_dict)
            bundle["text/html"] = _CDN_SCRIPT.sub("", bundle["text/html"])
            return bundle

    if "offline_notebook" not in pio.renderers:
        pio.renderers["offline_notebook"] = OfflineNotebookRenderer()
    pio.renderers.default = CHART_RENDERER


def show(*items: Any) -> None:
    """Display HTML snippets, figures and lists of them, in order."""
    from IPython.display import HTML, display

    for item in items:
        if item is None:
            continue
        if isinstance(item, (list, tuple)):
            show(*item)
        elif isinstance(item, str):
            display(HTML(render_section("report_block", body=Markup(item))))
        else:
            display(item)


def _lock_note() -> str:
    """The package version beside the lock file's digest (the full digest on hover)."""
    digest = lock_digest()
    return render_section("version", lock_file=LOCK_FILE, digest=digest, version=version_text(__version__, digest))


def _git_commit() -> str:
    root = project_root()
    if root is None:
        return "an installed package, not a git checkout"
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"], cwd=root, capture_output=True, text=True, timeout=5
        )
        if out.returncode != 0:
            return "not a git checkout"
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=5,
        ).stdout.strip()
        return out.stdout.strip() + (" (with uncommitted changes)" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "git not available"


def _now() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def report_header(title: str, view: Iterable[tuple[str, Any]] = ()) -> str:
    """Title, when and how it was rendered, the view it takes, and the source tags explained once."""
    return render_section(
        "header",
        css=Markup(report_css()),
        title=title,
        rendered=_now(),
        version=Markup(_lock_note()),
        commit=_git_commit(),
        view=[(k, str(v)) for k, v in view],
        tags=SOURCE_TAGS,
    )


def report_provenance(parameters: Mapping[str, Any], digests: Mapping[str, str]) -> str:
    """The parameters and the sha256 of every input file: the last page of every report."""
    return render_section(
        "provenance", parameters=[(k, str(v)) for k, v in parameters.items()], digests=list(digests.items())
    )


def _brief(heading: str, sentences: Iterable[str]) -> str:
    return render_section("brief", heading=heading, sentences=list(sentences))


def _load(data_dir: str) -> Dataset:
    check_type("data_dir", data_dir, (str, os.PathLike), "a path to a data folder")
    return load_dataset(data_dir)


# --- the request report --------------------------------------------------------------


@dataclass(frozen=True)
class RequestReport:
    """Everything the request report shows, computed once from validated parameters."""

    dataset: Dataset
    request: Request
    request_ref: str
    requesters: tuple[int, ...]
    weights: dict[str, float]
    parameters: dict[str, Any]
    seed: int
    samples: int
    total: float
    case: Case  # every answer, computed once when a section first asks for it
    # first requester -> every requester with the identical answer (shown once); ``requesters`` holds the firsts
    groups: dict[int, tuple[int, ...]] = field(default_factory=dict)

    @property
    def analyses(self) -> dict[int, Analysis]:
        return {i: self.case.analysis(i) for i in self.requesters}

    @property
    def recommendations(self) -> dict[int, list[Recommendation]]:
        return {i: self.case.recommendations(i) for i in self.requesters}

    @property
    def guidance(self) -> dict[int, list[GuidanceCheck]]:
        return {i: self.case.guidance(i) for i in self.requesters}

    @property
    def agreements(self) -> dict[int, list[Agreement]]:
        return {i: self.case.agreements(i) for i in self.requesters}

    # --- text and tables ---

    def _digests(self) -> dict[str, str]:
        digests = dict(self.dataset.digests)
        request_file = resolve_request(self.request_ref, self.dataset).path
        digests[f"requests/{request_file.name}"] = file_digest(request_file)
        valuation = self.dataset.root / "valuation.yaml"
        if valuation.exists():
            digests["valuation.yaml"] = file_digest(valuation)
        return digests

    def header(self) -> str:
        p = self.parameters
        view = [
            ("Request", p["request"]),
            (
                "Stakeholder view",
                p["profile"]
                if p["profile"] != "(none)"
                else "equal weights (default)"
                if not self._weights_given
                else "weights",
            ),
            ("Weights", ", ".join(f"{k.replace('_', ' ')} {v:.0%}" for k, v in self.weights.items())),
            ("Total shared among sites", money(self.total)),
            ("Seed", self.seed),
            ("Sampled weightings", f"{self.samples:,}"),
        ]
        return report_header(f"Request report: {self.request.title}", view)

    @property
    def _weights_given(self) -> bool:
        return self.parameters.get("profile") != "(none)" or bool(self.parameters.get("weights_given"))

    def provenance(self) -> str:
        shown = {k: v for k, v in self.parameters.items() if k != "weights_given"}
        return report_provenance(shown, self._digests())

    def decision(self) -> str:
        """The decision first: one screen per requester (identical requesters once), in plain English."""
        sites, _ = self.case.split()
        view = self.header_view_name()
        context = decision_context(
            self.dataset,
            self.request,
            self.groups,
            self.agreements,
            self.analyses,
            view,
            self.total,
            sites.assumed,
            self._weights_given,
        )
        return render_section("decision", **context)

    def header_view_name(self) -> str:
        profile = self.parameters["profile"]
        if profile != "(none)":
            return next((p.label for p in self.dataset.profiles if p.name == profile), profile) + " weights"
        return "the weights given" if self._weights_given else "equal weights, the default"

    def working(self) -> str:
        return render_section("working")

    def _label(self, index: int) -> str:
        members = self.groups.get(index, (index,))
        if len(members) > 1:
            return f"Requesters {join_words([str(i + 1) for i in members])}: " + "; ".join(
                self.request.requesters[i].label() for i in members
            )
        return f"Requester {index + 1}: {self.request.requesters[index].label()}"

    def summary(self) -> str:
        r = self.request
        rows = [
            ("Request", r.id),
            ("Title", r.title),
            ("Temporality", r.temporality),
            ("Curation", r.curation),
            ("De-identification", r.deidentification_text()),
            ("Data types", ", ".join(r.data_types)),
            ("Sites", f"{r.sites.count} ({', '.join(k.replace('_', ' ') for k in r.sites.kinds) or 'kinds unstated'})"),
        ]
        requesters = [
            {
                "#": i + 1,
                "name": q.name or "",
                "kind": q.kind,
                "profit stage": q.profit_stage or "",
                "sector": q.sector,
                "staff": q.staff,
                "in this report": "yes" if any(i in m for m in self.groups.values()) else "no",
            }
            for i, q in enumerate(r.requesters)
        ]
        unstated = [
            name
            for name, value in (
                ("temporality", r.temporality),
                ("curation", r.curation),
                ("de-identification", r.deidentification_text()),
            )
            if value == "unstated"
        ]
        return render_section(
            "request_summary", facts=rows, columns=list(requesters[0]), rows=requesters, unstated=", ".join(unstated)
        )

    def key_findings(self) -> str:
        """Plain-text summary of the answers (stable, so tests can pin it)."""
        lines = [f"Request {self.request.id}; weights: " + ", ".join(f"{k} {v:.2f}" for k, v in self.weights.items())]
        for index in self.requesters:
            analysis = self.analyses[index]
            options = []
            for rec in self.recommendations[index]:
                assumed = ", ".join(f"{k}={v}" for k, v in rec.assumed.items())
                options.append(rec.option + (f" (if {assumed})" if assumed else ""))
            winner = analysis.ranking.winner
            share = analysis.acceptability.first_rank_share[winner]
            who = join_words([str(i + 1) for i in self.groups.get(index, (index,))])
            lines.append(f"Requester{'s' if ' and ' in who else ''} {who} ({self.request.requesters[index].kind}):")
            lines.append(f"  decision tree: {'; '.join(options)}")
            best, value = ties([(o, analysis.ranking.totals[o]) for o in analysis.ranking.order])[0]
            if len(best) > 1:
                lines.append(f"  best weighted value: {' and '.join(best)} tie at {value:.2f} of 10")
            else:
                lines.append(
                    f"  best weighted value: {winner} ({analysis.ranking.totals[winner]:.2f} of 10); first "
                    f"in {share:.0%} of sampled weightings"
                )
            lines.append(f"  win:win across stakeholder views: {analysis.alignment.win_win}")
            signed = []
            for agreement in self.agreements[index]:
                assumed = ", ".join(f"{k}={v}" for k, v in agreement.assumed.items())
                signed.append(f"{agreement.option} by {agreement.rule}" + (f" (if {assumed})" if assumed else ""))
            lines.append(f"  agreement to sign: {'; '.join(signed)}")
            flags = [c.item for c in self.guidance[index] if c.option == winner and c.status == "breaks"]
            lines.append(f"  guidance flags on {winner}: {', '.join(flags) if flags else 'none'}")
        return "\n".join(lines)

    # --- the capabilities' sections, in the registry's order ---

    def label(self, index: int) -> str:
        """The heading of a requester's block (requesters with identical answers together)."""
        return self._label(index)

    @property
    def view(self) -> View:
        return View(self.case, self.requesters, self._label)

    def sections(self) -> list[Any]:
        """Every registered capability's section, in the registry's order (HTML and figures)."""
        items: list[Any] = []
        for cap in capabilities("request"):
            if cap.in_report:
                items.extend(cap.present(self.view))
        return items

    def section(self, name: str) -> list[Any]:
        """One capability's section."""
        return capability(name).present(self.view)

    def agreement(self) -> str:
        return "".join(self.section("agreement"))

    def worth(self) -> list:
        return self.section("worth")

    def recommendation(self) -> list:
        return self.section("tree")

    def ranking(self) -> list:
        return self.section("ranking")

    def lever_profiles(self) -> list:
        return self.section("scores")

    def stakeholder_views(self) -> list:
        return self.section("alignment")

    def robustness(self) -> list:
        return self.section("acceptability")

    def value_split(self) -> list:
        return self.section("split")

    def fairness(self) -> str:
        return "".join(self.section("fairness"))

    def guidance_checks(self) -> str:
        return "".join(self.section("guidance"))


def _shown_profile(dataset: Dataset, profile: str) -> str:
    """The profile's name, and for a summit group where its weights come from."""
    if not profile:
        return "(none)"
    provenance = getattr(dataset.profile(profile), "provenance", None)
    return profile if provenance is None else f"{profile}: {provenance.sentence()}"


def request_report(
    request: str = DEFAULT_REQUEST,
    requester: int | None = None,
    profile: str = "",
    weights: Mapping[str, float] | None = None,
    seed: int = DEFAULT_SEED,
    samples: int = DEFAULT_SAMPLES,
    total: float = DEFAULT_TOTAL,
    data_dir: str = DEFAULT_DATA_DIR,
) -> RequestReport:
    """Validate the request notebook's parameters (:class:`RequestParams`) and compute everything it shows.

    Raises :class:`ParameterError` naming the parameter and what it allows.
    """
    params = RequestParams(
        request=request,
        requester=requester,
        profile=profile,
        weights=weights,
        seed=seed,
        samples=samples,
        total=total,
        data_dir=data_dir,
    )
    dataset = load_dataset(params.data_dir)
    ref = resolve_request(params.request, dataset)
    req = load_request(ref.path, dataset)
    request, requester, profile, weights = params.request, params.requester, params.profile, params.weights
    seed, samples, total = params.seed, params.samples, params.total
    case = Case(
        dataset,
        req,
        requester,
        weights=dict(weights) if weights else None,
        profile=profile or None,
        seed=seed,
        samples=samples,
        total=float(total),
    )
    normalised = case.weights
    indices = tuple(params.requester_indices(req))
    # the board reads requesters numbered from 1 (as every heading does); the parameter counts from 0
    shown = {
        "request": ref.shown,
        "requester": "every requester"
        if requester is None
        else f"Requester {requester + 1} only (parameter requester: {requester})",
        "profile": _shown_profile(dataset, profile),
        "weights": ", ".join(f"{k} {v:.3f}" for k, v in normalised.items()),
        "seed": seed,
        "samples": samples,
        "total": total,
        "data": Path(data_dir).name,
        "weights_given": bool(profile or weights),
    }
    groups = identical_requesters(
        indices, {i: case.agreements(i) for i in indices}, {i: case.table(i).matrix for i in indices}
    )
    return RequestReport(
        dataset, req, request, tuple(groups), normalised, shown, seed, samples, float(total), case, groups=groups
    )


# --- the portfolio report ------------------------------------------------------------


@dataclass(frozen=True)
class PortfolioReport:
    dataset: Dataset
    parameters: dict[str, Any]

    def header(self) -> str:
        return report_header("Portfolio: the exemplar projects", [("Data", self.parameters["data"])])

    def provenance(self) -> str:
        return report_provenance(self.parameters, self.dataset.digests)

    def brief(self) -> str:
        """The portfolio in sentences, before any chart."""
        s = portfolio_summary(self.dataset)
        top = sorted(s["images_by_modality"].items(), key=lambda kv: -kv[1])
        findings = data_quality_findings(self.dataset)
        recs = exemplar_recommendations(self.dataset)
        depends = sum(1 for outcomes in recs.values() if len({r.option for r in outcomes}) > 1)
        return _brief(
            "In brief",
            [
                f"The report's {s['projects']} exemplar projects hold {s['images_known']:,} images of known size; "
                f"{s['projects_size_unknown']} projects do not state their size and are shown as unknown, never as zero.",
                "By modality: " + join_words([f"{m} {n:,}" for m, n in top]) + " images "
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
        s = portfolio_summary(self.dataset)
        lines = [
            f"{s['projects']} exemplar projects; {s['images_known']:,} images of known size; "
            f"{s['projects_size_unknown']} projects of unknown size; {s['nhs_partner_links']} NHS partner links"
        ]
        lines += [f"  {m}: {n:,} images" for m, n in s["images_by_modality"].items()]
        lines.append(f"{len(data_quality_findings(self.dataset))} data-quality findings")
        return "\n".join(lines)

    def exemplar_table(self) -> str:
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
        return [
            render_section("portfolio", part="charts"),
            views.modality_figure(self.dataset),
            views.partners_figure(self.dataset),
            views.size_figure(self.dataset),
        ]

    def findings(self) -> str:
        rows = [
            {"project": f.project, "field": f.field, "table says": f.table, "text says": f.text, "finding": f.finding}
            for f in data_quality_findings(self.dataset)
        ]
        return render_section(
            "portfolio", part="findings", rows=rows, columns=["project", "field", "table says", "text says", "finding"]
        )

    def recommendations(self) -> str:
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
    dataset = _load(data_dir)
    return PortfolioReport(dataset, {"data": Path(data_dir).name})


# --- the comparison report -----------------------------------------------------------


@dataclass(frozen=True)
class CompareReport:
    dataset: Dataset
    requests: tuple[Request, ...]
    invalid: tuple[tuple[str, str], ...]
    parameters: dict[str, Any]
    weights: dict[str, float]
    seed: int
    profile: str | None = None
    _cases: dict[str, Case] = field(default_factory=dict, repr=False, compare=False)

    def case(self, request: Request) -> Case:
        """The request's case under the comparison's view: each requester scored once for every section."""
        if request.id not in self._cases:
            self._cases[request.id] = Case(self.dataset, request, profile=self.profile, seed=self.seed)
        return self._cases[request.id]

    def header(self) -> str:
        return report_header(
            "All requests compared",
            [("Best weighted under", self.parameters["profile"]), ("Seed", self.parameters["seed"])],
        )

    def provenance(self) -> str:
        digests = dict(self.dataset.digests)
        for request in self.requests:
            digests[f"requests/{request.id}.yaml"] = file_digest(self.dataset.requests_dir / f"{request.id}.yaml")
        return report_provenance(self.parameters, digests)

    def brief(self) -> str:
        """The comparison in sentences: which agreement each requester gets, and what it depends on."""
        sentences = []
        for request in self.requests:
            parts = []
            for index in range(len(request.requesters)):
                signed = self.case(request).agreements(index)
                options = list(dict.fromkeys(self.dataset.label(a.option) for a in signed))
                who = f"requester {index + 1} ({request.requesters[index].label()})"
                if len(options) > 1:
                    facts = join_words(list(dict.fromkeys(k.replace("_", " ") for a in signed for k in a.assumed)))
                    parts.append(f"{who} signs {' or '.join(options)}, depending on the {facts} (unstated)")
                else:
                    parts.append(f"{who} signs {options[0]}")
            sentences.append(f"{request.title}: " + "; ".join(parts) + ".")
        if self.invalid:
            sentences.append(f"{len(self.invalid)} request file(s) failed validation and are left out (listed below).")
        return _brief("In brief", sentences)

    def _rows(self) -> Iterable[tuple[Request, int]]:
        for request in self.requests:
            for index in range(len(request.requesters)):
                yield request, index

    def overview(self) -> str:
        profiles = profile_weights(self.dataset)
        profile_labels = {p.name: p.label for p in self.dataset.profiles}
        label = self.dataset.label
        rows, firsts = [], []
        for request, index in self._rows():
            requester = request.requesters[index]
            case = self.case(request)
            ranking, alignment = case.ranking(index), case.alignment(index)
            recs = case.recommendations(index)
            tree = list(dict.fromkeys(label(r.option) for r in recs))
            who = f"{request.id} #{index + 1}"
            best, value = ties([(label(o), ranking.totals[o]) for o in ranking.order])[0]
            rows.append(
                {
                    "request": who,
                    "requester": requester.label(),
                    "facts": "; ".join(
                        f
                        for f in [
                            requester.kind.replace("_", " "),
                            requester.profit_stage and f"profit stage {requester.profit_stage.replace('_', '-')}",
                            f"temporality {request.temporality}",
                            f"curation {request.curation}",
                            f"{request.sites.count} site{'s' if request.sites.count != 1 else ''}",
                        ]
                        if f
                    ),
                    "decision tree": " / ".join(tree) + (" (depends on unstated facts)" if len(recs) > 1 else ""),
                    "best weighted": " and ".join(best) + (f" (tie at {value:.2f})" if len(best) > 1 else ""),
                    "win:win": label(alignment.win_win),
                    "agreement to sign": " / ".join(dict.fromkeys(label(a.option) for a in case.agreements(index))),
                }
            )
            firsts.append(
                {
                    "request": who,
                    **{profile_labels.get(name, name): label(alignment.rankings[name][0]) for name in profiles},
                }
            )
        return render_section(
            "compare",
            part="overview",
            columns=list(rows[0]) if rows else [],
            rows=rows,
            invalid=list(self.invalid),
            first_columns=list(firsts[0]) if firsts else [],
            firsts=firsts,
        )

    def key_findings(self) -> str:
        lines = []
        for request, index in self._rows():
            recs = self.case(request).recommendations(index)
            lines.append(
                f"{request.id} requester {index + 1} ({request.requesters[index].kind}): "
                + " / ".join(sorted({r.option for r in recs}))
            )
        return "\n".join(lines)

    def differences(self) -> str:
        """Why answers differ: the facts that differ, and the adjustments that fired for some requesters only."""
        fired: dict[str, set[str]] = {}
        labels = []
        for request, index in self._rows():
            label = f"{request.id} #{index + 1}"
            labels.append(label)
            for aid in self.case(request).table(index).fired["id"]:
                fired.setdefault(aid, set()).add(label)
        rationale = {a.id: a.rationale for a in self.dataset.adjustments}
        rows = [
            {"adjustment": aid, "fires for": ", ".join(sorted(who)), "rationale": rationale[aid]}
            for aid, who in sorted(fired.items())
            if len(who) < len(labels)
        ]
        return render_section(
            "compare", part="differences", columns=["adjustment", "fires for", "rationale"], rows=rows
        )

    def chart(self) -> go.Figure:
        """Weighted value of every option for every (request, requester), one view per stakeholder (menu)."""
        profiles = profile_weights(self.dataset)
        keys = [f"{r.id} #{i + 1} ({r.requesters[i].kind})" for r, i in self._rows()]
        tables = [self.case(r).table(i) for r, i in self._rows()]
        fig = go.Figure()
        buttons = []
        names = list(profiles)
        for k, name in enumerate(names):
            w = np.array([profiles[name][lever] for lever in self.dataset.lever_ids])
            z = np.array([t.matrix @ w for t in tables])
            fig.add_trace(
                go.Heatmap(
                    z=z.round(2),
                    x=[plotly_text(self.dataset.label(o)) for o in self.dataset.option_ids],
                    y=[plotly_text(k_) for k_ in keys],
                    zmin=0,
                    zmax=10,
                    colorscale="Blues",
                    text=z.round(1),
                    texttemplate="%{text}",
                    visible=(k == 0),
                    hovertemplate="%{y}<br>%{x}: %{z:.2f}<extra></extra>",
                )
            )
            label = next(p.label for p in self.dataset.profiles if p.name == name)
            buttons.append(
                dict(
                    label=plotly_text(label),
                    method="update",
                    args=[
                        {"visible": [j == k for j in range(len(names))]},
                        {"title.text": f"Weighted value by request: {plotly_text(label)}"},
                    ],
                )
            )
        first = next(p.label for p in self.dataset.profiles if p.name == names[0])
        fig.update_layout(
            title=dict(text=f"Weighted value by request: {plotly_text(first)}", x=0),
            updatemenus=[dict(buttons=buttons, x=1, xanchor="right", y=1.18)],
            height=140 + 40 * len(keys),
            template=views.TEMPLATE,
            margin=dict(l=10, r=10, t=90, b=40),
        )
        fig.update_yaxes(autorange="reversed")
        return fig


def compare_report(data_dir: str = DEFAULT_DATA_DIR, profile: str = "", seed: int = DEFAULT_SEED) -> CompareReport:
    RequestParams(profile=profile, seed=seed, data_dir=data_dir)  # the same checks as a request report's
    dataset = load_dataset(data_dir)
    weights = resolve_weights(dataset, None, profile or None)
    entries = scan_requests(dataset)
    valid = tuple(e.request for e in entries if e.request is not None)
    invalid = tuple((e.id, e.error.one_line()) for e in entries if e.error is not None)
    return CompareReport(
        dataset,
        valid,
        invalid,
        {"data": Path(data_dir).name, "profile": profile or "(equal)", "seed": seed},
        weights,
        seed,
        profile or None,
    )
