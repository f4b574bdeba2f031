"""National guidance checks: which options break which principle, and why."""

from imaging_value import check_guidance, flags_by_option, load_request


def flag_items(dataset, rid, index):
    return {option: [f.item for f in flags]
            for option, flags in flags_by_option(check_guidance(dataset, load_request(rid, dataset), index)).items()}


def test_exclusivity_over_possibly_raw_data_is_flagged(dataset):
    flags = flag_items(dataset, "scenario-1", 0)  # curation unstated: could be raw
    assert "dhsc-no-exclusive-raw" in flags["sme_incubation"]
    assert "dhsc-no-exclusive-raw" in flags["scale_up_licence"]
    assert "dhsc-no-exclusive-raw" not in flags["enterprise_licence"]


def test_exclusivity_over_curated_data_is_not_flagged(dataset):
    flags = flag_items(dataset, "scenario-3", 0)  # curated
    assert "dhsc-no-exclusive-raw" not in flags["scale_up_licence"]


def test_no_charge_to_a_commercial_requester_is_flagged(dataset):
    flags = flag_items(dataset, "scenario-2", 1)  # a multinational
    assert "nhse-cost-recovery" in flags["open_research"]
    assert "nhse-cost-recovery" in flags["sme_incubation"]
    assert flags["enterprise_licence"] == []
    assert flags["strategic_codevelopment"] == []


def test_curated_data_priced_at_cost_is_flagged(dataset):
    flags = flag_items(dataset, "scenario-3", 0)
    assert "nhse-charge-by-data-type" in flags["cost_recovery_access"]


def test_flag_names_principle_source_and_reason(dataset):
    checks = check_guidance(dataset, load_request("scenario-2", dataset), 1)
    flag = next(f for f in flags_by_option(checks)["open_research"] if f.item == "nhse-cost-recovery")
    assert flag.principle == "The NHS recovers the cost of providing access."
    assert flag.source.startswith("NHS England (2023)")
    assert flag.reason == "charges a commercial requester (multinational) nothing toward the cost of access"


def test_manual_items_are_questions_not_flags(dataset):
    checks = check_guidance(dataset, load_request("scenario-2", dataset), 0)
    manual = {c.item for c in checks if c.status == "to confirm"}
    assert manual == {"dhsc-fair-terms-whole-nhs", "dhsc-transparency", "nhse-secure-environment"}
    fair = next(c for c in checks if c.item == "dhsc-fair-terms-whole-nhs")
    assert "20 contributing trusts" in fair.reason
    single_site = check_guidance(dataset, load_request("scenario-3", dataset), 0)
    assert {c.status for c in single_site if c.item == "dhsc-fair-terms-whole-nhs"} == {"not applicable"}
