"""The request report: one request's decision first, then the working (every capability's section in the
registry's order), from one :class:`~imaging_value.engine.case.Case` and the notebook's checked parameters."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..capabilities import View, capabilities, capability, load_dataset
from ..capabilities.decision import groups as identical_groups
from ..core.defaults import (
    DEFAULT_DATA_DIR,
    DEFAULT_REQUEST,
    DEFAULT_REVENUE_SCENARIO,
    DEFAULT_SAMPLES,
    DEFAULT_SEED,
    DEFAULT_TOTAL,
)
from ..core.wording import join_words, money, ties
from ..engine.case import Case
from ..model.data import Dataset, load_request
from ..model.files import file_digest
from ..model.params import RequestParams, RequestRef, resolve_request
from ..model.schema import Request
from ..present.templates import render_section
from .furniture import header_html, provenance_html, shown_data_dir

__all__ = ["RequestReport", "request_report", "valuation_settings"]


@dataclass(frozen=True)
class RequestReport:
    """What the request report shows, read from one case: the request's answers computed once, when a section
    first asks for them. ``parameters`` are the notebook's parameters as the report shows them; ``groups``
    maps each group's first requester to every requester with the identical answer (each shown once)."""

    case: Case
    ref: RequestRef
    parameters: dict[str, Any]
    groups: dict[int, tuple[int, ...]]

    @property
    def dataset(self) -> Dataset:
        """The data folder."""
        return self.case.dataset

    @property
    def request(self) -> Request:
        """The request."""
        return self.case.request_or_raise()

    @property
    def requesters(self) -> tuple[int, ...]:
        """The requesters shown: the first of each group of identical answers."""
        return tuple(self.groups)

    @property
    def weights(self) -> dict[str, float]:
        """The view's normalised weights."""
        return self.case.weights

    def header(self) -> str:
        """The title, when and how it was rendered, the view, the total, the seed."""
        case = self.case
        given = case.profile is not None or case.raw_weights is not None
        view = [
            ("Request", self.parameters["request"]),
            (
                "Stakeholder view",
                self.parameters["profile"]
                if case.profile is not None
                else "weights"
                if given
                else "equal weights (default)",
            ),
            ("Weights", ", ".join(f"{k.replace('_', ' ')} {v:.0%}" for k, v in self.weights.items())),
            ("Total shared among sites", money(case.total)),
            ("Seed", case.seed),
            ("Sampled weightings", f"{case.samples:,}"),
        ]
        return header_html(f"Request report: {self.request.title}", view)

    def provenance(self) -> str:
        """The parameters and the sha256 of every input file (the request's included)."""
        digests = dict(self.dataset.digests)
        digests[f"requests/{self.ref.path.name}"] = file_digest(self.ref.path)
        return provenance_html(self.parameters, digests)

    def decisions(self) -> str:
        """The decision in one row per requester (agreement, worth, guidance, what to confirm, who disagrees),
        as the board paper gives it: the first thing the report shows after its title."""
        from .summary import case_decisions

        return case_decisions(self.case)

    def decision(self) -> str:
        """The decision first: one screen per group of requesters, in plain English (the decision capability)."""
        return "".join(str(item) for item in self.section("decision"))

    def working(self) -> str:
        """The heading of the working that follows the decision."""
        return render_section("working")

    def label(self, index: int) -> str:
        """The heading of a requester's block (requesters with identical answers together)."""
        members = self.groups.get(index, (index,))
        requesters = self.request.requesters
        if len(members) > 1:
            return f"Requesters {join_words([str(i + 1) for i in members])}: " + "; ".join(
                requesters[i].label() for i in members
            )
        return f"Requester {index + 1}: {requesters[index].label()}"

    def summary(self) -> str:
        """The request's facts and its requesters, saying which facts it leaves unstated."""
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
        case = self.case
        for index in self.requesters:
            ranking, alignment = case.ranking(index), case.alignment(index)
            options = []
            for rec in case.recommendations(index):
                assumed = ", ".join(f"{k}={v}" for k, v in rec.assumed.items())
                options.append(rec.option + (f" (if {assumed})" if assumed else ""))
            winner = ranking.winner
            share = case.acceptability(index).first_rank_share[winner]
            who = join_words([str(i + 1) for i in self.groups.get(index, (index,))])
            lines.append(f"Requester{'s' if ' and ' in who else ''} {who} ({self.request.requesters[index].kind}):")
            lines.append(f"  decision tree: {'; '.join(options)}")
            best, value = ties([(o, ranking.totals[o]) for o in ranking.order])[0]
            if len(best) > 1:
                lines.append(f"  best weighted value: {' and '.join(best)} tie at {value:.2f} of 10")
            else:
                lines.append(
                    f"  best weighted value: {winner} ({ranking.totals[winner]:.2f} of 10); first "
                    f"in {share:.0%} of sampled weightings"
                )
            lines.append(f"  win:win across stakeholder views: {alignment.win_win}")
            signed = []
            for agreement in case.agreements(index):
                assumed = ", ".join(f"{k}={v}" for k, v in agreement.assumed.items())
                signed.append(f"{agreement.option} by {agreement.rule}" + (f" (if {assumed})" if assumed else ""))
            lines.append(f"  agreement to sign: {'; '.join(signed)}")
            flags = [c.item for c in case.guidance(index) if c.option == winner and c.status == "breaks"]
            lines.append(f"  guidance flags on {winner}: {', '.join(flags) if flags else 'none'}")
        return "\n".join(lines)

    # --- the capabilities' sections, in the registry's order ---

    @property
    def view(self) -> View:
        """What the sections show from: the case, the first requester of each group, and their headings."""
        return View(self.case, self.requesters, self.label)

    def sections(self) -> list[Any]:
        """Every registered capability's section, in the registry's order (HTML and figures)."""
        items: list[Any] = []
        for cap in capabilities("request"):
            if cap.in_report:
                items.extend(cap.present(self.view))
        return items

    def section(self, name: str) -> list[Any]:
        """One capability's section (HTML and figures)."""
        return capability(name).present(self.view)

    def html(self, name: str) -> str:
        """One capability's section, its HTML only."""
        return "".join(item for item in self.section(name) if isinstance(item, str))


def _shown_profile(dataset: Dataset, profile: str) -> str:
    """The profile's name, and for a summit group where its weights come from."""
    if not profile:
        return "(none)"
    provenance = getattr(dataset.profile(profile), "provenance", None)
    return profile if provenance is None else f"{profile}: {provenance.sentence()}"


def valuation_settings(dataset: Dataset, params: RequestParams) -> dict[str, str]:
    """The valuation's settings as the report's parameters show them (what each default stands for)."""
    spec = dataset.valuation
    rate = (
        f"{params.discount_rate:.2%}"
        if params.discount_rate is not None
        else "valuation.yaml's" + (f" ({spec.discount_rate.value:.2%})" if spec is not None else "")
    )
    royalty = "the term sheet's" if params.royalty is None else f"{params.royalty:g}% (the recommended agreement)"
    return {"discount rate": rate, "revenue scenario": params.revenue_scenario, "royalty": royalty}


def request_report(
    request: str = DEFAULT_REQUEST,
    requester: int | None = None,
    profile: str = "",
    weights: Mapping[str, float] | None = None,
    seed: int = DEFAULT_SEED,
    samples: int = DEFAULT_SAMPLES,
    total: float = DEFAULT_TOTAL,
    discount_rate: float | None = None,
    revenue_scenario: str = DEFAULT_REVENUE_SCENARIO,
    royalty: float | None = None,
    data_dir: str = DEFAULT_DATA_DIR,
) -> RequestReport:
    """Validate the request notebook's parameters (:class:`RequestParams`) and make the report's case.

    ``discount_rate``, ``revenue_scenario`` and ``royalty`` are the valuation's settings (the case's
    settings of the same names; the explorer's *What it is worth* controls). Raises
    :class:`ParameterError` naming the parameter and what it allows.
    """
    params = RequestParams(
        request=request,
        requester=requester,
        profile=profile,
        weights=weights,
        seed=seed,
        samples=samples,
        total=total,
        discount_rate=discount_rate,
        revenue_scenario=revenue_scenario,
        royalty=royalty,
        data_dir=data_dir,
    )
    dataset = load_dataset(params.data_dir)
    if dataset.valuation is not None:
        dataset.valuation.scenario(params.revenue_scenario)  # an unknown scenario stops here, named
    ref = resolve_request(params.request, dataset)
    case = Case(
        dataset,
        load_request(ref.path, dataset),
        params.requester,
        weights=dict(params.weights) if params.weights else None,
        profile=params.profile or None,
        seed=params.seed,
        samples=params.samples,
        total=float(params.total),
        settings={
            "discount_rate": params.discount_rate,
            "revenue_scenario": params.revenue_scenario,
            "royalty": params.royalty,
        },
    )
    # the board reads requesters numbered from 1 (as every heading does); the parameter counts from 0
    shown = {
        "request": ref.shown,
        "requester": "every requester"
        if params.requester is None
        else f"Requester {params.requester + 1} only (parameter requester: {params.requester})",
        "profile": _shown_profile(dataset, params.profile),
        "weights": ", ".join(f"{k} {v:.3f}" for k, v in case.weights.items()),
        "seed": params.seed,
        "samples": params.samples,
        "total": params.total,
        **valuation_settings(dataset, params),
        "data_dir": shown_data_dir(data_dir),
    }
    return RequestReport(case, ref, shown, identical_groups(case))
