"""Judging an offer and countering it: the worth to both sides agrees with the valuation, the zone's bounds are
where the conditions turn, and the counter-offer is the smallest change (checked by brute force)."""

from __future__ import annotations

import datetime

import numpy as np
import pytest

from imaging_value import load_request
from imaging_value.engine.case import Case
from imaging_value.framework.appraisal import appraise_requester
from imaging_value.framework.counter import (
    ABSENT_DIFFERS,
    NEGOTIABLE,
    WORDED,
    counter_from,
    moved_terms,
    template_wording,
)
from imaging_value.framework.negotiation import (
    agreement_position,
    assess,
    assess_offer,
    offer_sheet,
    position_sentence,
    prepare,
    sheet_statuses,
    term_grid,
    term_scale,
)
from imaging_value.framework.rounds import COUNTER, SIGN, negotiation_history, verdict
from imaging_value.framework.sites import site_contributions
from imaging_value.maths.valuation import FEE_DUE
from imaging_value.model.offer_files import load_negotiation, load_offer, negotiation_folders
from imaging_value.model.schema import ACCESS_ROUTES
from imaging_value.model.terms_schema import TERM_UNITS

HEALTHTECH = "negotiations/scenario-2-healthtech"
SME = "negotiations/scenario-1-sme"


def sample_offers(dataset):
    return [
        (path, offer)
        for folder in negotiation_folders(dataset)
        for path, offer in load_negotiation(folder, dataset).offers
    ]


def test_the_samples_hold_a_compliant_offer_one_that_departs_and_one_that_under_prices(dataset):
    kinds = set()
    for _path, offer in sample_offers(dataset):
        a = assess(prepare(dataset, offer), zone=False)
        kinds.add("acceptable" if a.acceptable else "departs" if not a.complies else "under-prices")
    assert kinds == {"acceptable", "departs", "under-prices"}


def test_round_1_departs_from_the_exclusivity_principle_and_says_which_rule_would_change_it(dataset):
    a = assess_offer(dataset, load_offer(f"{HEALTHTECH}/round-1.yaml", dataset))
    (branch,) = a.branches
    assert [s.item for s in branch.departs()] == ["dhsc-no-exclusive-raw"]
    assert "24 months' exclusivity over data whose curation is unstated" in branch.departs()[0].reason
    rules = {(r.rule, r.term): r.becomes for r in branch.rule_changes}
    assert rules[("no-exclusivity-unstated-curation", "exclusivity_months")] == 0
    assert {s.status for s in branch.compliance} == {"meets", "departs", "to_confirm", "not_applicable"}
    assert not branch.meets_share and branch.shortfall == pytest.approx(branch.fair_value - branch.nhs.mean)
    # the proportionate share is judged on the price (the fair-share test), not counted among the departures
    (share,) = [s for s in branch.compliance if s.item == "nhse-proportionate-share"]
    assert share.status == "departs" and f"£{branch.shortfall:,.0f} short" in share.reason


def test_the_nhs_worth_is_the_valuations_price_of_the_same_terms(dataset):
    """The framework's own term sheet, assessed as an offer, is worth exactly what the valuation says it is."""
    request = load_request("scenario-2", dataset)
    case = Case(dataset, request)
    for index in case.requesters:
        for agreement in case.agreements(index):
            branch = agreement_position(dataset, request, index, agreement.sheet, agreement.assumed)
            value = appraise_requester(dataset, dataset.valuation, request, index, assumed=agreement.assumed)
            priced = value.option(agreement.option)
            assert branch.nhs.mean == pytest.approx(priced.mean, rel=1e-12)
            assert branch.nhs.p10 == pytest.approx(priced.p10) and branch.nhs.p90 == pytest.approx(priced.p90)
            assert branch.contribution_share == value.contribution_share
            assert branch.nhs_share == pytest.approx(priced.nhs_share)
            assert branch.nhs.se == pytest.approx(np.std(priced.npv, ddof=1) / np.sqrt(priced.npv.size))


def test_both_sides_split_the_same_surplus_draw_by_draw(dataset):
    offer = load_offer(f"{HEALTHTECH}/round-3.yaml", dataset)
    prepared = prepare(dataset, offer)
    (model,) = prepared.models
    priced = model.priced(offer.values())
    partner = model.created_draws - (priced.npv - model.base.npv)
    # NHS value + partner value = value created - the NHS's cost of access, in every draw
    assert np.allclose(priced.npv + partner, model.created_draws - model.cost_pv)
    (branch,) = assess(prepared).branches
    assert branch.partner.mean == pytest.approx(partner.mean())
    # a data source at its cost (valuation.yaml's price per 1,000 items of the request's curation, times its
    # items): the partner's surplus over it is that cost less what it pays the NHS
    request = load_request("scenario-2", dataset)
    items = sum(site_contributions(dataset, request).images)
    per_1000 = prepared.spec.alternative_for("multinational").per_1000_items[request.curation]
    assert branch.alternative.kind == "data_source" and branch.alternative.cost == round(per_1000 * items / 1000)
    assert branch.partner_surplus.mean == pytest.approx(branch.alternative.cost - branch.transfers)


def test_the_zone_bounds_are_where_the_conditions_turn(dataset):
    offer = load_offer(f"{HEALTHTECH}/round-3.yaml", dataset)
    prepared = prepare(dataset, offer)
    (model,) = prepared.models
    (branch,) = assess(prepared).branches
    assert branch.zone.exists
    checked = 0
    for t in branch.zone.terms:
        grid = term_grid(dataset, prepared.spec, t.term, offer.option, t.offered)
        f = lambda x, term=t.term: model.transfers({**offer.values(), term: x})  # noqa: E731
        inside = [x for x in grid if model.needed <= f(x) <= model.limit]
        if t.low is None:
            assert inside == []
            continue
        assert (t.low, t.high) == (min(inside), max(inside))
        checked += 1
    assert checked >= 4
    assert branch.zone.nhs_range[0] == pytest.approx(model.share * model.created)
    assert branch.zone.nhs_range[1] == pytest.approx(model.limit - model.cost_pv)


def test_no_zone_when_the_partners_alternative_is_cheaper_than_the_fair_share(dataset, tmp_path):
    text = (
        (dataset.root / HEALTHTECH / "round-3.yaml")
        .read_text()
        .replace("option: enterprise_licence", "option: enterprise_licence\nalternative: {data_source_cost: 1000000}")
    )
    path = tmp_path / "offer.yaml"
    path.write_text(text)
    (branch,) = assess_offer(dataset, load_offer(path, dataset)).branches
    assert branch.alternative.stated and not branch.zone.exists
    assert "No zone of agreement" in branch.zone.statement() and "£1,000,000" in branch.zone.statement()
    counter = counter_from(prepare(dataset, load_offer(path, dataset)))
    assert counter.offer is None and not counter.needed  # the partner offered more than its alternative: sign it


# --- the counter-offer -----------------------------------------------------------------------------


def _choices(dataset, prepared, term, offered):
    """Every value the counter-offer may give a term, and what each costs (as a share of the allowed range)."""
    kind = term.split(":", 1)[0]
    if term == "access_fee_due":
        return [(v, 0.0 if v == offered else 1.0) for v in (None, *FEE_DUE)]
    if term == "access_route":
        return [(v, 0.0 if v == offered else 1.0) for v in (None, *ACCESS_ROUTES)]
    if term in WORDED:
        values = {offered, None, template_wording(dataset, term, prepared.offer.option)}
        return [(v, 0.0 if v == offered else 1.0) for v in values]
    current = float(offered) if isinstance(offered, (int, float)) else None
    grid = term_grid(dataset, prepared.spec, term, prepared.offer.option, current)
    if TERM_UNITS[kind] in ("months", "years"):
        span = grid[-1] - grid[0]
    else:
        low, high, _steps = term_scale(dataset, prepared.spec, term, prepared.offer.option, current)
        span = high - low
    base = 0.0 if offered is None else float(offered)
    out = [(v, abs(v - base) / span) for v in grid]
    if term in ABSENT_DIFFERS:
        out.append((None, 0.0 if offered is None else 1.0))
    return out


def _acceptable(prepared, values, limits) -> bool:
    for model, limit in zip(prepared.models, limits):
        if not all(s.status != "departs" for s in sheet_statuses(model, offer_sheet(model, values))):
            return False
        t = model.transfers(values)
        if model.needed is not None and t < model.needed:
            return False
        if limit is not None and t > limit + 1.0:
            return False
    return True


def _single_moves(dataset, prepared, keep=()):
    """Every offer one term away from the offered one (the terms in ``keep`` as offered), with its move's size."""
    values = prepared.offer.values()
    terms = [t for t in values if t.split(":", 1)[0] in NEGOTIABLE]
    terms += [f"milestone:{e.id}" for e in dataset.agreement.milestone_events]
    terms += [f"in_kind:{s.id}" for s in dataset.agreement.in_kind_services]
    terms += [t for t in NEGOTIABLE if t not in ("milestone", "in_kind")]
    for term in dict.fromkeys(terms):
        if term in keep:
            continue
        offered = values.get(term)
        for value, cost in _choices(dataset, prepared, term, offered):
            changed = dict(values)
            if value is None:
                changed.pop(term, None)
            else:
                changed[term] = value
            if moved_terms(values, changed):
                yield term, changed, cost


def _limits(prepared):
    values = prepared.offer.values()
    return [None if m.limit is None else max(m.limit, m.transfers(values)) for m in prepared.models]


def test_every_sample_offer_countered_then_assessed_again_complies_and_meets_the_share(dataset):
    for path, offer in sample_offers(dataset):
        result = counter_from(prepare(dataset, offer), date=datetime.date(2025, 1, 1))
        if not result.needed:
            assert assess(prepare(dataset, offer), zone=False).acceptable, path
            continue
        assert result.offer is not None, (path, result.reason)
        again = assess_offer(dataset, result.offer)
        assert again.complies and again.meets_share, path
        assert result.offer.round == offer.round + 1 and result.offer.made_by == "consortium"
        assert len(result.moves) == len(moved_terms(offer.values(), result.offer.values()))


def test_no_offer_with_fewer_moved_terms_does_and_none_with_as_few_moves_less(dataset):
    """Brute force over every offer one move away: round 1 of the SME negotiation needs one move, and the counter
    makes the smallest one; round 1 of the healthtech negotiation needs two (none of one)."""
    for folder, expected in ((SME, 1), (HEALTHTECH, 2)):
        offer = load_offer(f"{folder}/round-1.yaml", dataset)
        prepared = prepare(dataset, offer)
        result = counter_from(prepared)
        assert len(result.moves) == expected, result.moves
        limits = _limits(prepared)
        assert not _acceptable(prepared, offer.values(), limits)
        singles = [
            (term, cost)
            for term, changed, cost in _single_moves(dataset, prepared)
            if _acceptable(prepared, changed, limits)
        ]
        if expected == 1:
            (move,) = result.moves
            costs = {(t, ch.get(t)): c for t, ch, c in _single_moves(dataset, prepared)}
            assert costs[(move.term, move.counter)] == pytest.approx(min(cost for _t, cost in singles))
        else:
            assert singles == []


def test_the_healthtech_counter_makes_the_smallest_second_move(dataset):
    """Every acceptable counter to round 1 sets the exclusivity to 0 (Principle 3 departs for any exclusivity over
    data whose curation is unstated); of the offers that move one term besides, the counter's moves least."""
    offer = load_offer(f"{HEALTHTECH}/round-1.yaml", dataset)
    prepared = prepare(dataset, offer)
    result = counter_from(prepared)
    assert {m.term for m in result.moves} >= {"exclusivity_months"}
    base = {**offer.values(), "exclusivity_months": 0.0}
    limits = _limits(prepared)
    costs = []
    for term, changed, cost in _single_moves(dataset, prepared):
        if term == "exclusivity_months":
            continue
        candidate = {**changed, "exclusivity_months": 0.0}
        if _acceptable(prepared, candidate, limits):
            costs.append((cost, term, candidate.get(term)))
    assert costs, "some one term besides the exclusivity must do"
    other = next(m for m in result.moves if m.term != "exclusivity_months")
    best = min(costs)
    assert (other.term, other.counter) == (best[1], best[2])
    assert _acceptable(prepared, base | {other.term: other.counter}, limits)


def test_kept_terms_stay_and_an_impossible_keep_says_why(dataset):
    offer = load_offer(f"{HEALTHTECH}/round-1.yaml", dataset)
    prepared = prepare(dataset, offer)
    kept = counter_from(prepared, keep=("profit_share", "royalty", "royalty_cap"))
    assert kept.offer is not None
    assert {m.term for m in kept.moves}.isdisjoint({"profit_share", "royalty", "royalty_cap"})
    none = counter_from(prepared, keep=("exclusivity_months",))
    assert none.offer is None and none.needed
    assert none.reason.startswith("With exclusivity kept at 24 months, no change complies")


def test_a_counter_holds_in_every_branch_the_request_leaves_open(dataset):
    offer = load_offer(f"{SME}/round-1.yaml", dataset)
    prepared = prepare(dataset, offer)
    assert len(prepared.models) == 4  # profit stage and curation unstated
    result = counter_from(prepared)
    assert all(b.acceptable for b in result.assessment.branches)


def test_the_verdicts(dataset):
    history = negotiation_history(dataset, HEALTHTECH)
    assert history.verdict.action == SIGN and history.verdict.sentence.startswith("Sign: round 3")
    assert [len(r.moved) for r in history.rounds][:2] == [0, 2]
    first = history.rounds[0].assessment
    opening = verdict(dataset, first, counter_from(prepare(dataset, first.offer)))
    assert opening.action == COUNTER and "Answer with round 2" in opening.sentence
    assert "DHSC (2019) Principle 3" in opening.sentence
    assert negotiation_history(dataset, SME).verdict.sentence.startswith("Sign if the partner accepts: round 2")


def test_the_agreement_section_says_how_far_inside_the_zone_the_term_sheet_sits(dataset):
    request = load_request("scenario-2", dataset)
    case = Case(dataset, request)
    agreement = case.agreements(0)[0]
    branch = agreement_position(dataset, request, 0, agreement.sheet, agreement.assumed)
    sentence = position_sentence(branch)
    assert sentence.startswith("As an offer, this term sheet sits inside the zone of agreement")
    assert f"£{branch.nhs.mean - branch.fair_value:,.0f} above its fair share" in sentence
    from imaging_value.capabilities import View, capability

    html = capability("terms").present(View(case, (0,), lambda i: "r"))[0]
    assert "As an offer, this term sheet sits inside the zone of agreement" in html


def _framework_branches(dataset):
    for rid in dataset.request_ids():
        request = load_request(rid, dataset)
        case = Case(dataset, request)
        for index in case.requesters:
            for agreement in case.agreements(index):
                yield rid, index, request, agreement


def test_the_frameworks_own_term_sheet_complies_meets_the_share_and_needs_no_counter(dataset):
    failures = []
    for rid, index, _request, agreement in _framework_branches(dataset):
        prepared = prepare(dataset, _as_offer(rid, index, agreement))
        (branch,) = assess(prepared).branches  # the offer states the branch's facts: one branch
        if not (branch.complies and branch.meets_share is not False) or counter_from(prepared).needed:
            failures.append((rid, index, agreement.assumed, agreement.option, round(branch.shortfall)))
    assert failures == []


def _as_offer(rid, index, agreement):
    """The agreement to sign as the consortium's offer, stating the facts its branch assumed."""
    from imaging_value.model.offers import Offer, offer_terms

    return Offer(
        request=rid,
        requester=index,
        made_by="consortium",
        round=1,
        date=datetime.date(2025, 1, 1),
        option=agreement.option,
        facts={k: v for k, v in agreement.assumed.items() if isinstance(v, str)},
        terms=offer_terms(agreement.sheet.values()),
    )


def test_the_frameworks_term_sheet_as_an_offer_needs_no_counter_wherever_it_meets_the_share(dataset):
    """Wherever the framework's own terms already comply and meet the share, the counter-offer moves nothing."""
    checked = 0
    for rid, index, _request, agreement in _framework_branches(dataset):
        offer = _as_offer(rid, index, agreement)
        prepared = prepare(dataset, offer)
        if assess(prepared, zone=False).acceptable:
            assert not counter_from(prepared).needed
            checked += 1
    assert checked >= 4


ROYALTY_ONLY = tuple(t for t in NEGOTIABLE if t not in ("royalty", "royalty_cap", "milestone", "in_kind")) + (
    "milestone:regulatory_clearance",
    "milestone:first_sale",
    "milestone:nhs_adoption",
    "in_kind:validation_study",
    "in_kind:clinical_evaluation",
)


@pytest.mark.parametrize(
    ("terms", "keep"),
    [
        ({"royalty": 2.0, "royalty_cap": 1_500_000.0, "access_fee": 50_000.0, "exclusivity_months": 0.0}, ()),
        ({"royalty": 6.0, "royalty_cap": 2_000_000.0, "milestone:first_sale": 300_000.0}, ()),
        ({"royalty": 3.0, "royalty_cap": 9_000_000.0, "product_access_discount": 40.0}, ()),
        ({"subscription": 100_000.0, "subscription_years": 3.0, "royalty": 1.5}, ()),
        (
            {"royalty": 2.0, "royalty_cap": 9_000_000.0, "access_fee": 90_000.0},
            ROYALTY_ONLY,
        ),  # the rate, the cap as offered
        (
            {"royalty": 8.0, "royalty_cap": 2_000_000.0, "access_fee": 90_000.0},
            ROYALTY_ONLY,
        ),  # the cap, the rate as offered
        (
            {"royalty": 2.0, "royalty_cap": 1_000_000.0, "access_fee": 90_000.0},
            ROYALTY_ONLY,
        ),  # neither alone: both move
    ],
)
def test_the_search_agrees_with_brute_force(dataset, terms, keep):
    """Where one term can put an offer right, the counter moves exactly one, by the least any one-term change
    can; where none can, it moves more. With every other term kept, only the royalty and its cap move, which
    the search prices lazily and the brute force in full."""
    from imaging_value.model.offers import Offer, offer_terms

    values = {
        **terms,
        "access_route": "secure_data_environment",
        "product_access_discount": terms.get("product_access_discount", 10.0),
    }
    offer = Offer(
        request="scenario-2",
        requester=1,
        made_by="partner",
        round=1,
        date=datetime.date(2025, 1, 1),
        option="enterprise_licence",
        terms=offer_terms(values),
    )
    prepared = prepare(dataset, offer)
    limits = _limits(prepared)
    assert not _acceptable(prepared, offer.values(), limits)
    singles = {}
    for term, changed, cost in _single_moves(dataset, prepared, keep):
        if _acceptable(prepared, changed, limits):
            singles[(term, changed.get(term))] = cost
    result = counter_from(prepared, keep=keep)
    assert result.offer is not None and result.assessment.acceptable
    if not singles:
        assert len(result.moves) >= 2
        return
    (move,) = result.moves
    assert singles[(move.term, move.counter)] == pytest.approx(min(singles.values()))


def _offer(request, requester, values, option=None):
    from imaging_value.model.offers import Offer, offer_terms

    return Offer(
        request=request,
        requester=requester,
        made_by="partner",
        round=1,
        date=datetime.date(2025, 1, 1),
        option=option,
        terms=offer_terms(values),
    )


def test_a_cost_recovery_fee_a_rule_defers_is_uplifted_as_the_frameworks_own(dataset):
    """An SME's offer without a fee: the rules add the cost of access and defer it to first revenue, so the fee
    they would set is the framework's own deferred fee (the cost uplifted for the wait), not the bare cost."""
    from imaging_value.framework.terms import term_sheets

    request = load_request("scenario-2", dataset)
    sheet = term_sheets(dataset, request, 0)["sme_incubation"]
    assert sheet.value("access_fee_due") == "first_revenue" and sheet.value("access_fee") > sheet.cost.amount
    offer = _offer("scenario-2", 0, {"royalty": 5.0, "access_route": "secure_data_environment"})
    (model,) = prepare(dataset, offer).models
    (branch,) = assess(prepare(dataset, offer), zone=False).branches
    fee = {r.term: r.becomes for r in branch.rule_changes}
    assert fee["access_fee"] == sheet.value("access_fee") and fee["access_fee_due"] == "first_revenue"
    assert model.cost.amount == sheet.cost.amount


def test_a_branch_that_assumes_the_curation_reads_it_as_assumed(dataset):
    """Where the decision tree assumed the curation (scenario 1 leaves it unstated), the term rule against
    exclusivity over assumed curation would change an offered exclusivity in that branch, as it does for the
    framework's own sheets."""
    offer = _offer("scenario-1", 0, {"royalty": 5.0, "exclusivity_months": 6.0, "access_route": "aggregates"})
    branches = assess(prepare(dataset, offer), zone=False).branches
    assumed = [b for b in branches if b.assumed.get("curation") in ("cleaned", "curated")]
    assert assumed  # (assumed raw: the rule for raw data changes it first)
    for b in assumed:
        rules = {(r.rule, r.term): r.becomes for r in b.rule_changes}
        assert rules.get(("no-exclusivity-assumed-curation", "exclusivity_months")) == 0, b.assumed
