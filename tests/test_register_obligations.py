"""What each sample option's terms owe, derived at signing: due dates, deferred fees, milestones awaited,
royalty reports per quarter, deliverables, and the dates that end."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from imaging_value.model.data import load_request
from imaging_value.register.obligations import derive, timing_for
from imaging_value.register.rules import load_register_dataset

START = date(2026, 4, 1)


@pytest.fixture(scope="module")
def rdataset(samples):
    return load_register_dataset(samples)


def _owed(rdataset, request, index, option, assumed=None):
    from imaging_value.framework.terms import term_sheet

    sheet = term_sheet(rdataset, load_request(request, rdataset), index, option, assumed or {})
    return {o.obligation: o for o in derive(sheet.values(), START, timing_for(rdataset))}, sheet.values()


def test_a_pre_profit_smes_fee_waits_for_its_first_revenue(rdataset):
    owed, terms = _owed(rdataset, "scenario-2", 0, "sme_incubation")
    fee = owed["access_fee"]
    assert terms["access_fee_due"] == "first_revenue"
    assert fee.due_on is None and fee.awaits == ("milestone:first_sale",) and fee.after_days == 30
    assert fee.amount_pence == round(terms["access_fee"] * 100)
    assert owed["in_kind:validation_study"].due_on == date(2027, 4, 1)  # valuation.yaml's in_kind_year
    assert owed["embargo_end"].due_on == date(2027, 4, 1)  # 12 months
    assert owed["equity"].due_on == START + timedelta(days=30)
    assert owed["product_access"].awaits == ("milestone:nhs_adoption",) and owed["product_access"].window_months == 60


def test_royalty_reports_every_quarter_of_the_term(rdataset):
    owed, _terms = _owed(rdataset, "scenario-2", 0, "sme_incubation")
    periods = [o for o in owed.values() if o.kind == "royalty"]
    assert len(periods) == 40  # ten years of quarters (register.yaml's royalty_term_years)
    assert periods[0].obligation == "royalty:2026Q2" and periods[0].due_on == date(2026, 6, 30) + timedelta(days=45)
    assert periods[0].period_start == START and periods[-1].period_end == date(2036, 3, 31)


def test_a_licence_fee_is_due_at_signing_and_milestones_wait_for_their_stages(rdataset):
    owed, terms = _owed(rdataset, "scenario-3", 0, "scale_up_licence", {"temporality": "retrospective"})
    assert owed["access_fee"].due_on == START + timedelta(days=30)
    for stage in ("regulatory_clearance", "first_sale"):
        milestone = owed[f"milestone:{stage}"]
        assert (
            milestone.awaits == (f"milestone:{stage}",) and milestone.amount_pence == terms[f"milestone:{stage}"] * 100
        )
    assert owed["exclusivity_end"].due_on == date(2026, 10, 1)  # 6 months, curated data


def test_a_subscription_is_owed_each_year_in_advance(rdataset):
    owed, terms = _owed(
        rdataset, "scenario-4", 1, "enterprise_licence", {"temporality": "retrospective", "curation": "cleaned"}
    )
    years = [o for o in owed.values() if o.kind == "subscription"]
    assert len(years) == terms["subscription_years"] == 3
    assert [o.due_on for o in years] == [date(2026, 5, 1), date(2027, 5, 1), date(2028, 5, 1)]
    assert all(o.amount_pence == terms["subscription"] * 100 for o in years)


def test_the_term_rules_reach_the_obligations(rdataset):
    """open_research has no fee in its template; for an SME the rule commercial-recovers-cost adds one."""
    owed, terms = _owed(rdataset, "scenario-2", 0, "open_research")
    assert "access_fee" in owed and terms["access_fee_due"] == "first_revenue"
    assert owed["access_fee"].awaits == ("milestone:first_sale",)  # and pre-profit-pays-after-revenue defers it
    assert owed["in_kind:validation_study"].kind == "in_kind"
    assert not [o for o in owed.values() if o.kind == "royalty"]
