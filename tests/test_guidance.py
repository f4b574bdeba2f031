"""National guidance checks: which options break which principle, and why, on their terms after the term rules."""

import pytest
import yaml

from imaging_value import check_guidance, flags_by_option, load_dataset, load_request


def flag_items(dataset, rid, index):
    return {
        option: [f.item for f in flags]
        for option, flags in flags_by_option(check_guidance(dataset, load_request(rid, dataset), index)).items()
    }


def without_rule(data_copy, rule_id):
    """The sample data with one term rule taken out of term_rules.yaml."""
    path = data_copy / "term_rules.yaml"
    spec = yaml.safe_load(path.read_text())
    spec["rules"] = [r for r in spec["rules"] if r["id"] != rule_id]
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return load_dataset(data_copy)


def test_exclusivity_over_possibly_raw_data_is_cured_by_a_term_rule(dataset, data_copy):
    flags = flag_items(dataset, "scenario-1", 0)  # curation unstated: could be raw
    assert "dhsc-no-exclusive-raw" not in flags["sme_incubation"]
    assert "dhsc-no-exclusive-raw" not in flags["scale_up_licence"]
    # the check reads the terms: without the rule, the templates' exclusivity is flagged again
    uncured = flag_items(without_rule(data_copy, "no-exclusivity-unstated-curation"), "scenario-1", 0)
    assert "dhsc-no-exclusive-raw" in uncured["sme_incubation"]
    assert "dhsc-no-exclusive-raw" in uncured["scale_up_licence"]
    assert "dhsc-no-exclusive-raw" not in uncured["enterprise_licence"]


def test_exclusivity_over_curated_data_is_not_flagged(dataset):
    flags = flag_items(dataset, "scenario-3", 0)  # curated
    assert "dhsc-no-exclusive-raw" not in flags["scale_up_licence"]


def test_no_charge_to_a_commercial_requester_is_flagged_unless_a_rule_adds_the_fee(dataset, data_copy):
    flags = flag_items(dataset, "scenario-2", 1)  # a multinational
    assert all("nhse-cost-recovery" not in items for items in flags.values())
    assert flags["enterprise_licence"] == []
    assert flags["strategic_codevelopment"] == []
    uncured = flag_items(without_rule(data_copy, "commercial-recovers-cost"), "scenario-2", 1)
    assert "nhse-cost-recovery" in uncured["open_research"]
    assert "nhse-cost-recovery" not in uncured["strategic_codevelopment"]  # its milestones count toward the cost


def test_curated_data_priced_at_cost_is_flagged(dataset):
    flags = flag_items(dataset, "scenario-3", 0)
    assert "nhse-charge-by-data-type" in flags["cost_recovery_access"]


def test_flag_names_principle_source_and_reason(dataset):
    from imaging_value.engine.case import Case

    case = Case(dataset, load_request("scenario-2", dataset))
    checks = case.priced_guidance(1, {})  # the proportionate share judged on the priced terms
    flag = next(f for f in flags_by_option(checks)["cost_recovery_access"] if f.item == "nhse-proportionate-share")
    assert flag.principle.startswith("The NHS takes a share of commercial value proportionate to its contribution")
    assert flag.source.startswith("NHS England (2023)")
    share = case.share_tests(1, {})["cost_recovery_access"]
    assert share.error == 0  # no royalty cap: the share is the model's exact expectation
    assert flag.reason == (
        f"takes an expected {share.nhs_share:.1%} of the value the requester (multinational) "
        f"creates against the NHS's contribution share of {share.contribution_share:.1%}: £{share.shortfall:,.0f} "
        "short in expected present value"
    )
    assert share.shortfall == pytest.approx(share.contribution_share * share.value_created - share.mean)


def test_the_proportionate_share_is_judged_on_the_money(dataset):
    """Without a valuation (rank prices nothing) the share is to confirm; priced, an option meets it when its
    expected share (exact, or within two standard errors where it is estimated) reaches the contribution share,
    and departs otherwise."""
    from imaging_value.engine.case import Case
    from imaging_value.framework.guidance import UNPRICED

    request = load_request("scenario-2", dataset)
    unpriced = [c for c in check_guidance(dataset, request, 1) if c.item == "nhse-proportionate-share"]
    assert {(c.status, c.reason) for c in unpriced} == {("to confirm", UNPRICED)}
    case = Case(dataset, request)
    priced = {c.option: c.status for c in case.priced_guidance(1, {}) if c.item == "nhse-proportionate-share"}
    for option, test in case.share_tests(1, {}).items():
        meets = test.nhs_share + 2 * (test.error or 0) >= test.contribution_share
        assert priced[option] == ("meets" if meets else "breaks"), option
    assert priced["strategic_codevelopment"] == "meets" and priced["cost_recovery_access"] == "breaks"


def test_all_five_dhsc_principles_are_checked(dataset):
    dhsc = [item for item in dataset.guidance if item.source.startswith("DHSC (2019)")]
    assert [item.principle.split(":")[0] for item in dhsc] == [f"Principle {n}" for n in range(1, 6)]


def test_manual_items_are_questions_not_flags(dataset):
    checks = check_guidance(dataset, load_request("scenario-2", dataset), 0)
    manual = {c.item for c in checks if c.status == "to confirm"}  # and the share, which rank does not price
    assert manual == {
        "dhsc-fair-terms-whole-nhs",
        "dhsc-transparency",
        "dhsc-legal-obligations",
        "nhse-proportionate-share",
    }
    fair = next(c for c in checks if c.item == "dhsc-fair-terms-whole-nhs")
    assert "each of the 20 contributing NHS bodies" in fair.reason
    single_site = check_guidance(dataset, load_request("scenario-3", dataset), 0)
    assert {c.status for c in single_site if c.item == "dhsc-fair-terms-whole-nhs"} == {"to confirm"}


def test_a_release_instead_of_a_secure_environment_is_a_departure(dataset, data_copy):
    path = data_copy / "terms.yaml"
    path.write_text(path.read_text().replace("value: secure_data_environment", "value: anonymised_release", 1))
    flags = flag_items(load_dataset(data_copy), "scenario-2", 0)
    assert "nhse-secure-environment" in flags["open_research"]
    assert "nhse-secure-environment" not in flags["sme_incubation"]


def test_a_capped_royalty_is_judged_on_the_draws_within_two_standard_errors(dataset, data_copy):
    """A royalty cap makes the expected NPV non-linear: the share is estimated on the draws, with its error."""
    from imaging_value.engine.case import Case

    path = data_copy / "terms.yaml"
    spec = yaml.safe_load(path.read_text())
    template = next(t for t in spec["templates"] if t["option"] == "enterprise_licence")
    template["terms"] = [dict(t, value=4) if t["term"] == "royalty" else t for t in template["terms"]]
    template["terms"].append(
        {
            "term": "royalty_cap",
            "value": 100000,
            "min": 0,
            "max": 10000000,
            "source": "this framework's reading",
            "rationale": "A test cap.",
        }
    )
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    data = load_dataset(data_copy)
    test = Case(data, load_request("scenario-2", data)).share_tests(1, {})["enterprise_licence"]
    assert test.error and test.error > 0
    assert test.meets(2.0) is (test.nhs_share + 2 * test.error >= test.contribution_share)
