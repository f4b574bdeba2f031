"""Negotiation: judge the partner's offer, find the zone of agreement, and answer with a counter-offer.

An offer is a file (``negotiations/<name>/round-<n>.yaml`` in the data folder; the data folder's README shows
one). ``imaging-value assess OFFER`` gives, for every branch the request leaves open, each national
principle's status, the term rules it crosses, its worth to the NHS against its fair share, its worth to the
partner against its alternative, and the zone of possible agreement; ``imaging-value counter OFFER`` the
smallest change that complies and gives the NHS its fair share, written as the next round. For a request,
this capability's answer (its section in the request report and its export) is every negotiation on file
with the verdict on its latest offer; its explorer panel edits an offer live.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.errors import ImagingValueError
from ..core.wording import join_words, money, term_label, term_value
from ..engine.capability import Capability, View
from ..present.panel import FACTS, RED, REQUESTER, Panel, PanelContext, error_text, figure_box, section_box, status_html
from .common import computed, core_files

if TYPE_CHECKING:
    from ..engine.case import Case
    from ..framework.counter import CounterOffer, Move
    from ..framework.negotiation import Assessment, BranchAssessment, Prepared
    from ..framework.rounds import History
    from ..model.data import Dataset
    from ..model.offers import Offer

__all__ = [
    "NAME",
    "CAPABILITY",
    "answer",
    "histories",
    "csv",
    "section",
    "panel",
    "NegotiationPanel",
    "assess_answer",
    "assess_text",
    "counter_answer",
    "counter_text",
    "branch_context",
    "verdict_context",
    "round_rows",
    "move_rows",
    "round_context",
    "branch_label",
]

NAME = "negotiation"
_CSS = {True: "iv-ok", False: "iv-flag", None: ""}


# --- the request's negotiations -------------------------------------------------------------------


def histories(case: Case) -> list[History]:
    """Every negotiation on file for the case's request (and requesters), each round assessed."""
    from ..framework.rounds import negotiation_history
    from ..model.offer_files import load_negotiation, negotiation_folders

    request = case.request_or_raise()
    found = []
    for folder in negotiation_folders(case.dataset):
        negotiation = load_negotiation(folder, case.dataset)
        if negotiation.request == request.id and negotiation.requester in case.requesters:
            found.append(negotiation_history(case.dataset, negotiation, seed=case.seed))
    return found


def answer(case: Case) -> dict:
    """The request's negotiations on file: every round assessed, and the verdict on the latest offer."""
    return {"request": case.request_or_raise().id, "negotiations": [h.to_dict() for h in histories(case)]}


def csv(dataset: Dataset, answer: dict) -> tuple[list[dict[str, Any]], list[str]]:
    """One row per negotiation, round and branch."""
    rows = []
    for n in answer["negotiations"]:
        for r in n["rounds"]:
            for b in r["branches"]:
                rows.append(
                    {
                        "negotiation": n["negotiation"],
                        "requester_index": n["requester_index"],
                        "round": r["round"],
                        "made_by": r["made_by"],
                        "date": r["date"],
                        "assumed": ";".join(f"{k}={v}" for k, v in b["assumed"].items()),
                        "complies": b["complies"],
                        "meets_share": b["meets_share"],
                        "nhs_mean": b["nhs"]["mean"],
                        "nhs_se": b["nhs"]["se"],
                        "nhs_p10": b["nhs"]["p10"],
                        "nhs_p90": b["nhs"]["p90"],
                        "fair_value": b["nhs"]["fair_value"],
                        "shortfall": b["nhs"]["shortfall"],
                        "partner_mean": b["partner"]["mean"],
                        "partner_surplus": None if b["partner"]["surplus"] is None else b["partner"]["surplus"]["mean"],
                        "alternative": b["partner"]["alternative"]["kind"],
                        "zone_exists": b["zone"]["exists"],
                        "recommendation": n["recommendation"]["action"] if r is n["rounds"][-1] else "",
                    }
                )
    columns = [
        "negotiation",
        "requester_index",
        "round",
        "made_by",
        "date",
        "assumed",
        "complies",
        "meets_share",
        "nhs_mean",
        "nhs_se",
        "nhs_p10",
        "nhs_p90",
        "fair_value",
        "shortfall",
        "partner_mean",
        "partner_surplus",
        "alternative",
        "zone_exists",
        "recommendation",
    ]
    return rows, columns


# --- what a board reads ----------------------------------------------------------------------------


def branch_label(assumed: dict) -> str:
    """A branch as a heading: 'If profit stage = pre_profit' or 'As stated'."""
    if not assumed:
        return "As stated"
    return "If " + ", ".join(f"{k.replace('_', ' ')} = {v}" for k, v in assumed.items())


def _value(term: str, value: Any) -> str:
    from ..model.terms_schema import unit_of

    if value is None:
        return "(none)"
    return term_value(value, unit_of(term) or "text")


def _estimate(e: Any) -> str:
    return f"{money(e.mean, pence=False)} ± {money(e.se, pence=False)} (P10 {money(e.p10, pence=False)}, P90 {money(e.p90, pence=False)})"


def branch_context(dataset: Dataset, b: BranchAssessment) -> dict[str, Any]:
    """What the templates show of one branch of an assessment."""
    from ..framework.agreement import principle_names

    departs = [s for s in b.compliance if s.status == "departs"]
    confirm = [s.item for s in b.compliance if s.status == "to_confirm"]
    zone_terms = []
    for t in b.zone.terms:
        if t.low is None:
            text, css = "none: no value of this term alone reaches the zone", "iv-flag"
        else:
            text = f"{_value(t.term, t.low)} to {_value(t.term, t.high)}"
            css = "iv-ok" if t.inside else "iv-ask"
        zone_terms.append(
            {
                "label": term_label(t.term),
                "offered": _value(t.term, t.offered),
                "zone": text,
                "css": css,
                "allowed": f"{_value(t.term, t.allowed[0])} to {_value(t.term, t.allowed[1])}",
            }
        )
    if b.partner_surplus is None:
        surplus, surplus_css = "not priced", ""
    else:
        s = b.partner_surplus.mean
        surplus = f"{money(s, pence=False)} ± {money(b.partner_surplus.se, pence=False)}" + (
            "" if s >= 0 else " (below it)"
        )
        surplus_css = _CSS[s >= 0]
    return {
        "label": branch_label(b.assumed),
        "complies": "meets every automatic principle" if b.complies else f"departs from {len(departs)}",
        "complies_css": _CSS[b.complies],
        "departs": [{"principle": s.principle, "reason": s.reason, "source": s.source} for s in departs],
        "confirm": principle_names(dataset, confirm) if confirm else "",
        "nhs": _estimate(b.nhs),
        "share": "no commercial value is created"
        if b.nhs_share is None
        else f"{b.nhs_share:.1%} against a contribution share of {b.contribution_share:.1%}",
        "fair": "no share to meet" if b.nhs_share is None else money(b.fair_value, pence=False),
        "shortfall": "none"
        if b.shortfall <= 0
        else f"{money(b.shortfall, pence=False)} ± {money(b.shortfall_se, pence=False)}",
        "shortfall_css": _CSS[None if b.meets_share is None else b.meets_share],
        "partner": "not priced: the partner sells nothing" if b.partner is None else _estimate(b.partner),
        "alternative": b.alternative.sentence(),
        "alternative_source": b.alternative.source
        if b.alternative.source != "the offer"
        else "this framework's reading",
        "surplus": surplus,
        "surplus_css": surplus_css,
        "zone": b.zone.statement(),
        "terms": zone_terms,
        "rules": [
            {
                "rule": r.rule,
                "term": term_label(r.term),
                "offered": _value(r.term, r.offered),
                "becomes": "removed" if r.becomes is None else _value(r.term, r.becomes),
                "rationale": r.rationale,
                "source": r.source,
            }
            for r in b.rule_changes
        ],
    }


def _moves(moves: Sequence[Move]) -> list[dict[str, str]]:
    return [
        {"label": term_label(m.term), "offered": _value(m.term, m.offered), "counter": _value(m.term, m.counter)}
        for m in moves
    ]


def verdict_context(history: History) -> dict[str, Any]:
    """The verdict box: sign, counter (with the counter-offer's moves) or walk away."""
    from ..framework.rounds import COUNTER, SIGN

    v = history.verdict
    action = {SIGN: "Sign", COUNTER: "Counter"}.get(v.action, "Walk away")
    counter = None
    if v.counter is not None and v.counter.offer is not None:
        counter = {
            "round": v.counter.offer.round,
            "from_round": v.counter.offer.round - 1,
            "moves": _moves(v.counter.moves),
            "how": f"{len(v.counter.moves)} term{'s' if len(v.counter.moves) != 1 else ''} moved: the fewest that "
            "can be, then the smallest moves, each within its allowed range (an exact search over the "
            "steps valuation.yaml gives).",
        }
    return {
        "title": f"Negotiation {history.name}: what to do now",
        "action": action,
        "sentence": _capital(v.sentence.split(": ", 1)[1] if ": " in v.sentence else v.sentence),
        "css": {SIGN: "iv-ok", COUNTER: "iv-ask"}.get(v.action, "iv-flag"),
        "counter": counter,
    }


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _worst(a: Assessment) -> BranchAssessment:
    return min(a.branches, key=lambda b: (b.complies, b.nhs.mean - b.fair_value))


def round_rows(history: History, *, every_branch: bool = True) -> list[dict[str, Any]]:
    """One row per round (and branch, with ``every_branch``) for the rounds table."""
    rows = []
    for r in history.rounds:
        a = r.assessment
        for b in a.branches if every_branch else [_worst(a)]:
            rows.append(
                {
                    "round": a.offer.round,
                    "made_by": a.offer.made_by,
                    "date": a.offer.date.isoformat(),
                    "branch": branch_label(b.assumed),
                    "complies": "meets" if b.complies else "departs",
                    "complies_css": _CSS[b.complies],
                    "nhs": f"{money(b.nhs.mean, pence=False)} ± {money(b.nhs.se, pence=False)}",
                    "fair": "-" if b.nhs_share is None else money(b.fair_value, pence=False),
                    "share": "-"
                    if b.nhs_share is None
                    else ("met" if b.meets_share else f"{money(b.shortfall, pence=False)} short"),
                    "share_css": _CSS[b.meets_share],
                    "shortfall": "none" if b.shortfall <= 0 else money(b.shortfall, pence=False),
                    "shortfall_css": _CSS[None if b.meets_share is None else b.meets_share],
                    "partner": "not priced" if b.partner is None else money(b.partner.mean, pence=False),
                    "surplus": "-"
                    if b.partner_surplus is None
                    else money(b.partner_surplus.mean, pence=False)
                    + ("" if b.partner_surplus.mean >= 0 else " (below)"),
                    "surplus_css": _CSS[b.above_alternative],
                    "moved": join_words([term_label(m.term) for m in r.moved]) or "-",
                }
            )
    return rows


def move_rows(history: History) -> list[dict[str, Any]]:
    """Every term that moved between rounds."""
    rows = []
    for r in history.rounds[1:]:
        for m in _moves(r.moved):
            rows.append({"round": r.assessment.offer.round, "made_by": r.assessment.offer.made_by, **m})
    return rows


def round_context(dataset: Dataset, assessment: Assessment) -> dict[str, Any]:
    """One round in full: its terms and every branch's assessment."""
    o = assessment.offer
    return {
        "round": o.round,
        "made_by": "the partner" if o.made_by == "partner" else "the consortium",
        "date": o.date.isoformat(),
        "note": o.note or "",
        "terms": [{"label": term_label(t.term), "value": _value(t.term, t.value)} for t in o.terms],
        "branches": [branch_context(dataset, b) for b in assessment.branches],
    }


def section(view: View) -> list[Any]:
    """The request's negotiations on file: the verdict on each, its rounds and the chart (nothing if none)."""
    from ..present.negotiation_figures import rounds_figure
    from ..present.templates import render_section

    found = histories(view.case)
    if not found:
        return []
    items: list[Any] = [
        render_section(
            NAME,
            part="section",
            negotiations=[{"verdict": verdict_context(h), "rounds": round_rows(h, every_branch=False)} for h in found],
        )
    ]
    for h in found:
        items.append(rounds_figure([r.assessment for r in h.rounds], f"Negotiation {h.name}: worth to each side"))
    return items


# --- the command line --------------------------------------------------------------------------------


def assess_answer(dataset: Dataset, path: str | Path, *, seed: int, draws: int | None = None) -> dict[str, Any]:
    """``assess OFFER``: the offer judged in every branch (JSON)."""
    from ..framework.negotiation import assess_offer
    from ..model.offer_files import load_offer

    return assess_offer(dataset, load_offer(path, dataset), seed=seed, draws=draws).to_dict()


def _money(x: float | None) -> str:
    return money(x, pence=False)


def assess_text(answer: dict) -> str:
    """An assessment as terminal text: per branch, principles, term rules, both sides' worth, the zone."""
    lines = [
        f"{answer['request']}, requester {answer['requester_index'] + 1} ({answer['requester']['kind']}): round "
        f"{answer['round']} by the {answer['made_by']}, {answer['date']}; {answer['draws']:,} draws, seed {answer['seed']}"
    ]
    for b in answer["branches"]:
        lines.append(branch_label(b["assumed"]) + ":")
        departs = [c for c in b["compliance"] if c["status"] == "departs"]
        confirm = [c["principle"].split(":", 1)[0] for c in b["compliance"] if c["status"] == "to_confirm"]
        if departs:
            for c in departs:
                lines.append(f"  departs: {c['principle']} ({c['source']}): {c['reason']}")
        else:
            lines.append("  meets every automatic national principle")
        if confirm:
            lines.append(f"  to confirm: {'; '.join(confirm)}")
        for r in b["rule_changes"]:
            becomes = "removed" if r["becomes"] is None else r["becomes"]
            lines.append(f"  term rule {r['rule']}: {r['term']} {r['offered']} -> {becomes}")
        n = b["nhs"]
        lines.append(f"  NHS: {_money(n['mean'])} ± {_money(n['se'])} (P10 {_money(n['p10'])}, P90 {_money(n['p90'])})")
        if n["share"] is None:
            lines.append("  share: no commercial value is created; no share to meet")
        else:
            short = "none" if n["shortfall"] <= 0 else f"{_money(n['shortfall'])} ± {_money(n['shortfall_se'])}"
            lines.append(
                f"  share: {n['share']:.1%} of the value created against a contribution share of "
                f"{n['contribution_share']:.1%} (fair share {_money(n['fair_value'])}); shortfall {short}"
            )
        p = b["partner"]
        alt = p["alternative"]
        alt_text = {"walk_away": "walk away", "data_source": f"a data source at {_money(alt['cost'])}"}.get(
            alt["kind"], "not priced"
        ) + (" (stated)" if alt["stated"] else " (assumed)" if alt["kind"] != "not_priced" else "")
        if p["mean"] is None:
            lines.append("  partner: not priced (it sells nothing)")
        else:
            surplus = p["surplus"]
            lines.append(
                f"  partner: {_money(p['mean'])} ± {_money(p['se'])} (P10 {_money(p['p10'])}, P90 {_money(p['p90'])}); "
                f"alternative: {alt_text}; {_money(abs(surplus['mean']))} {'above' if surplus['mean'] >= 0 else 'below'} it"
            )
        z = b["zone"]
        lines.append(f"  zone: {z['statement']}")
        for t in z["terms"]:
            span = "none" if t["low"] is None else f"{t['low']:g} to {t['high']:g}"
            lines.append(
                f"    {t['term']:28} offered {t['offered']:g}; zone {span} (allowed {t['allowed'][0]:g} to "
                f"{t['allowed'][1]:g}){' inside' if t['inside'] else ''}"
            )
    lines.append(
        f"complies: {'yes' if answer['complies'] else 'no'}; meets the NHS's fair share: "
        f"{'yes' if answer['meets_share'] else 'no'}"
    )
    return "\n".join(lines)


def counter_answer(
    dataset: Dataset,
    path: str | Path,
    *,
    keep: Sequence[str] = (),
    out: Path | None = None,
    seed: int,
    draws: int | None = None,
    date: datetime.date | None = None,
) -> dict[str, Any]:
    """``counter OFFER``: the counter-offer (JSON), written as the next round's offer file with ``out``."""
    from ..framework.counter import counter_offer
    from ..model.offer_files import load_offer, save_offer
    from ..model.offers import offer_yaml

    offer = load_offer(path, dataset)
    result = counter_offer(dataset, offer, keep, seed=seed, draws=draws, date=date)
    answer = result.to_dict()
    answer["yaml"] = None if result.offer is None else offer_yaml(result.offer, _comments(result))
    answer["written"] = None
    if out is not None and result.offer is not None:
        answer["written"] = str(save_offer(dataset, result.offer, out, _comments(result)))
    return answer


def _comments(result: CounterOffer) -> tuple[str, ...]:
    assert result.offer is not None
    return (
        f"Round {result.offer.round}: the consortium's counter-offer to round {result.offer.round - 1}, "
        f"as imaging-value counter wrote it ({len(result.moves)} term{'s' if len(result.moves) != 1 else ''} moved).",
    )


def _plain(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def counter_text(answer: dict) -> str:
    """A counter-offer as terminal text: the moves, the counter assessed again, and the file (or why none)."""
    if not answer["needed"]:
        return answer["reason"]
    if not answer["exists"]:
        return "no counter-offer: " + answer["reason"]
    lines = [
        f"counter-offer (round {answer['offer']['round']}, by the consortium): {answer['moved_terms']} "
        f"term{'s' if answer['moved_terms'] != 1 else ''} moved"
        + (f"; kept: {', '.join(answer['kept'])}" if answer["kept"] else "")
    ]
    for m in answer["moves"]:
        before = "(none)" if m["offered"] is None else _plain(m["offered"])
        after = "(none)" if m["counter"] is None else _plain(m["counter"])
        lines.append(f"  {m['term']:28} {before} -> {after}")
    for b in answer["assessment"]["branches"]:
        lines.append(
            f"  {branch_label(b['assumed'])}: {'complies' if b['complies'] else 'departs'}; NHS "
            f"{_money(b['nhs']['mean'])} against its fair share {_money(b['nhs']['fair_value'])}"
        )
    lines.append(f"wrote {answer['written']}" if answer["written"] else answer["yaml"].rstrip())
    return "\n".join(lines)


# --- the explorer -------------------------------------------------------------------------------------


class NegotiationPanel(Panel):
    """An offer on file (or the decision tree's term sheet) loaded into editable terms; every edit re-assesses it
    (compliance, both sides' worth, the zone) on the same draws; *Counter-offer* loads the counter-offer into the
    editor and *Save as next round* writes what the editor holds as the next round of its negotiation.

    Attributes for callers and tests: ``picker`` (the offers), ``editors`` (term -> widget), ``summary``,
    ``status``, ``counter_button``, ``save_button``, ``assessment`` (the last), ``saved`` (the last file written).
    """

    depends = frozenset({FACTS, REQUESTER})
    weighted = False

    def __init__(self, context: PanelContext):
        import ipywidgets as widgets

        from ..present.live import new_figure_widget

        self.dataset, self.seed = context.dataset, context.seed
        self.picker = widgets.Dropdown(
            description="Offer", style={"description_width": "60px"}, layout=widgets.Layout(width="520px")
        )
        self.picker.add_class("iv-negotiation-picker")
        self.terms_box = widgets.VBox(layout=widgets.Layout(width="100%"))
        self.terms_box.add_class("iv-negotiation-terms")
        self.summary = widgets.HTML()
        self.summary.add_class("iv-negotiation-summary")
        self.status = widgets.HTML()
        self.status.add_class("iv-negotiation-status")
        self.counter_button = widgets.Button(description="Counter-offer", layout=widgets.Layout(width="160px"))
        self.counter_button.add_class("iv-negotiation-counter")
        self.save_button = widgets.Button(
            description="Save as next round", button_style="primary", layout=widgets.Layout(width="180px")
        )
        self.save_button.add_class("iv-negotiation-save")
        self.figure = new_figure_widget()
        self.box = section_box(
            "Negotiation: an offer, its worth to each side and the zone of agreement",
            self.picker,
            self.terms_box,
            widgets.HBox([self.counter_button, self.save_button]),
            self.status,
            self.summary,
            figure_box(self.figure, "negotiation"),
        )
        self.editors: dict[str, Any] = {}
        self.assessment: Assessment | None = None
        self.saved: Path | None = None
        self._prepared: Prepared | None = None
        self._offers: dict[str, tuple[Path | None, Offer]] = {}
        self._quiet = False
        self._case: Case | None = None
        self._index = 0
        self.picker.observe(self._on_pick, names="value")
        self.counter_button.on_click(lambda _b: self.counter())
        self.save_button.on_click(lambda _b: self.save())

    # --- the offers to choose from ---

    def inputs(self, case: Case, index: int) -> Any:
        """What the panel depends on: the request as edited (its title aside) and the requester."""
        return case.request_or_raise().model_dump_json(exclude={"title"}), index

    def update(self, case: Case, index: int) -> None:
        """Show the offers on file for this request and requester, and the one chosen assessed."""
        self._case, self._index = case, index
        try:
            self._offers = self._choices(case, index)
        except ImagingValueError as exc:
            self._offers = {}
            self.status.value = status_html(error_text(exc), colour=RED)
        self._quiet = True
        try:
            self.picker.options = list(self._offers)
            self.picker.value = next(iter(self._offers), None)
        finally:
            self._quiet = False
        self.load()

    def _choices(self, case: Case, index: int) -> dict[str, tuple[Path | None, Offer]]:
        from ..model.offer_files import load_negotiation, negotiation_folders
        from ..model.offers import Offer, offer_terms

        request = case.request_or_raise()
        choices: dict[str, tuple[Path | None, Offer]] = {}
        for folder in negotiation_folders(case.dataset):
            negotiation = load_negotiation(folder, case.dataset)
            if negotiation.request != request.id or negotiation.requester != index:
                continue
            for path, offer in reversed(negotiation.offers):
                choices[f"{folder.name}: round {offer.round} ({offer.made_by})"] = (path, offer)
        first = case.recommendations(index)[0]
        sheet = case.term_sheet(index, first.option, first.assumed)
        facts = {k: v for k, v in first.assumed.items() if isinstance(v, str)}
        start = Offer(
            request=request.id,
            requester=index,
            made_by="consortium",
            round=1,
            date=datetime.date.today(),
            option=first.option,
            facts=facts,
            terms=offer_terms(sheet.values()),
        )
        choices[f"a new negotiation from the decision tree's {case.dataset.label(first.option)}"] = (None, start)
        return choices

    def _on_pick(self, _change: dict) -> None:
        if not self._quiet:
            self.load()

    # --- editing ---

    def load(self, offer: Offer | None = None) -> None:
        """Load the picked offer (or ``offer``) into the editor and assess it."""
        from ..framework.negotiation import prepare

        if self._case is None or not self._offers:
            return
        if offer is None:
            offer = self._offers[self.picker.value][1]
        try:
            self._prepared = prepare(self.dataset, offer, seed=self.seed, request=self._case.request)
        except ImagingValueError as exc:
            self._prepared = None
            self.status.value = status_html(error_text(exc), colour=RED)
            return
        self._build_editors(offer)
        self.status.value = ""
        self.reassess()

    def _build_editors(self, offer: Offer) -> None:
        import ipywidgets as widgets

        from ..model.offers import term_range
        from ..model.terms_schema import TERM_UNITS, TEXT_CHOICES

        self.editors = {}
        rows = []
        for t in offer.terms:
            unit = TERM_UNITS.get(t.term.split(":", 1)[0], "text")
            label = term_label(t.term)
            style = {"description_width": "260px"}
            layout = widgets.Layout(width="520px")
            if t.term in TEXT_CHOICES:
                editor = widgets.Dropdown(
                    options=list(TEXT_CHOICES[t.term]), value=t.value, description=label, style=style, layout=layout
                )
            elif unit == "text":
                editor = widgets.Text(value=str(t.value), description=label, style=style, layout=layout)
            else:
                low, high = term_range(self.dataset, t.term, offer.option)
                editor = widgets.BoundedFloatText(
                    value=float(t.value),
                    min=low,
                    max=high if high is not None else 1e9,
                    description=f"{label} ({unit})",
                    style=style,
                    layout=layout,
                )
            editor.add_class(f"iv-offer-{t.term.replace(':', '-')}")
            editor.observe(self._on_edit, names="value")
            self.editors[t.term] = editor
            rows.append(editor)
        self.terms_box.children = rows

    def _on_edit(self, _change: dict) -> None:
        if not self._quiet:
            self.reassess()

    def values(self) -> dict[str, Any]:
        """The terms the editor holds."""
        return {term: editor.value for term, editor in self.editors.items()}

    def edited_offer(self) -> Offer:
        """The offer as edited (by the consortium, the next round)."""
        from ..model.offers import offer_terms

        assert self._prepared is not None
        return self._prepared.offer.model_copy(update={"terms": offer_terms(self.values())})

    def reassess(self) -> None:
        """Assess the editor's terms and show compliance, both sides' worth, the zone and the chart."""
        from ..framework.negotiation import assess
        from ..present.live import sync_figure
        from ..present.negotiation_figures import rounds_figure
        from ..present.templates import render_section

        if self._prepared is None:
            return
        try:
            assessment = assess(self._prepared, self.values())
        except ImagingValueError as exc:
            self.status.value = status_html(error_text(exc), colour=RED)
            return
        self.assessment = assessment
        verdict = "can be signed" if assessment.acceptable else "cannot be signed as it stands"
        head = status_html(
            f"This offer {verdict}: {'it complies' if assessment.complies else 'it departs from a principle'}, and "
            f"{'it gives' if assessment.meets_share else 'it does not give'} the NHS its fair share in every branch.",
            colour="#2f7d32" if assessment.acceptable else RED,
        )
        body = render_section(
            NAME, part="assessment", branches=[branch_context(self.dataset, b) for b in assessment.branches]
        )
        self.summary.value = head + body
        sync_figure(self.figure, rounds_figure([assessment], "The offer as edited"))

    def counter(self) -> CounterOffer | None:
        """The counter-offer to the terms in the editor, loaded into the editor (or why there is none)."""
        from ..framework.counter import counter_from, prepare_like

        if self._prepared is None:
            return None
        try:
            result = counter_from(prepare_like(self._prepared, self.edited_offer()))
        except ImagingValueError as exc:
            self.status.value = status_html(error_text(exc), colour=RED)
            return None
        if result.offer is None:
            self.status.value = status_html(result.reason, colour=None if not result.needed else RED)
            return result
        self._quiet = True
        try:
            offer = result.offer
            self._build_editors(offer)
        finally:
            self._quiet = False
        self._prepared = prepare_like(self._prepared, offer)
        moved = join_words(
            [f"{term_label(m.term)} {_value(m.term, m.offered)} → {_value(m.term, m.counter)}" for m in result.moves]
        )
        self.status.value = status_html(f"Counter-offer, {len(result.moves)} term(s) moved: {moved}.")
        self.reassess()
        return result

    def save(self) -> Path | None:
        """Write the editor's terms as the next round of the offer's negotiation (a new one from a term sheet)."""
        from ..model.offer_files import NEGOTIATIONS_DIR, next_round_path, save_offer

        if self._prepared is None or self._case is None:
            return None
        path, original = self._offers.get(self.picker.value, (None, self._prepared.offer))
        if path is not None:
            folder = path.parent
        else:  # a new negotiation, in a folder of its own
            base = f"{original.request}-requester-{original.requester + 1}"
            folder = self.dataset.root / NEGOTIATIONS_DIR / base
            n = 2
            while folder.exists():
                folder = self.dataset.root / NEGOTIATIONS_DIR / f"{base}-{n}"
                n += 1
        target = next_round_path(folder)
        number = int(target.stem.split("-", 1)[1])
        offer = self.edited_offer().model_copy(
            update={"round": number, "made_by": "consortium", "date": datetime.date.today(), "note": None}
        )
        try:
            self.saved = save_offer(self.dataset, offer, target, (f"Round {number}: saved from the explorer.",))
        except ImagingValueError as exc:
            self.status.value = status_html(error_text(exc), colour=RED)
            return None
        self.status.value = status_html(f"Saved {target.relative_to(self.dataset.root)}.", colour="#2f7d32")
        case, index = self._case, self._index
        self._offers = self._choices(case, index)
        self._quiet = True
        try:
            self.picker.options = list(self._offers)
            self.picker.value = next(k for k, (p, _o) in self._offers.items() if p == self.saved)
        finally:
            self._quiet = False
        return self.saved


def panel(context: PanelContext) -> NegotiationPanel:
    """The negotiation panel: an offer edited live, countered and saved as the next round."""
    return NegotiationPanel(context)


CAPABILITY = Capability(
    NAME,
    "Negotiations on file",
    computed(NAME, answer),
    order=25,
    data_files=core_files("valuation.yaml", "terms.yaml", "guidance.yaml"),
    section=section,
    panel=panel,
    export=NAME,
    csv=csv,
)
