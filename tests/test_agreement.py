"""Reconciliation (one agreement per requester, by a rule kept in data), its data files' validation, and the
data corrections that came with it."""

import pytest
import yaml

from imaging_value import DataValidationError, load_dataset, load_request
from imaging_value.core.errors import InconsistencyWarning
from imaging_value.engine.case import Case
from imaging_value.framework.sites import site_contributions


def edit_yaml(path, change):
    spec = yaml.safe_load(path.read_text())
    change(spec)
    path.write_text(yaml.safe_dump(spec, sort_keys=False))


def by_assumed(results):
    return {tuple(sorted(a.assumed.items())): a for a in results}


def test_the_trees_option_stands_when_compliant_and_in_the_pareto_set(dataset):
    (agreement,) = Case(dataset, load_request("scenario-2", dataset)).agreements(0)
    assert (agreement.option, agreement.tree_option, agreement.rule) == (
        "sme_incubation",
        "sme_incubation",
        "tree-option",
    )
    assert agreement.why.startswith("The decision tree's option, SME incubation, stands (tree-option)")


def edit_csv_rows(path, change):
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(path.read_text())))
    for row in rows:
        change(row)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue())


def no_royalty(option):
    """An edit of terms.yaml: the option's template without its royalty (its share then falls short)."""

    def change(spec):
        template = next(t for t in spec["templates"] if t["option"] == option)
        template["terms"] = [t for t in template["terms"] if t["term"] != "royalty"]

    return change


def test_an_uncurable_departure_sets_the_trees_option_aside(data_copy):
    # without its royalty the revenue-share licence returns the NHS less than its contribution share, a
    # departure from NHS England's proportionate share that no term rule cures: a compliant option that fits
    # replaces it
    edit_yaml(data_copy / "terms.yaml", no_royalty("revenue_share_licence"))
    data = load_dataset(data_copy)
    results = by_assumed(Case(data, load_request("scenario-4", data)).agreements(1))
    raw = results[(("curation", "raw"), ("temporality", "retrospective"))]
    assert raw.tree_option == "revenue_share_licence" and raw.option == "enterprise_licence"
    assert raw.rule == "best-compliant" and raw.reconciliation.override == "departs-uncured"
    assert "(departs-uncured)" in raw.why and "proportionate to its contribution" in raw.why
    tree = next(c for c in raw.candidates if c.option == "revenue_share_licence")
    assert tree.departs == ("nhse-proportionate-share",) and tree.fits
    assert "confirm before signing" in raw.why


def test_an_option_outside_the_pareto_set_gives_way_to_one_that_beats_it_and_fits(data_copy):
    # on the sample data strategic co-development beats the enterprise licence under every view for cleaned
    # retrospective data, but the retro-codev adjustment rules it out: the tree's option stands, and says why
    results = by_assumed(Case(load_dataset(), load_request("scenario-4", load_dataset())).agreements(1))
    cleaned = results[(("curation", "cleaned"), ("temporality", "retrospective"))]
    assert cleaned.option == cleaned.tree_option == "enterprise_licence" and cleaned.rule == "tree-option"
    assert cleaned.reconciliation.beaters == ("strategic_codevelopment",)
    assert "Strategic co-development is better under every stakeholder view, but the framework rules out" in cleaned.why
    codev = next(c for c in cleaned.candidates if c.option == "strategic_codevelopment")
    assert codev.unfit == ("retro-codev",) and not codev.fits
    # with the adjustment no longer ruling it out, the beaten option gives way to the one that beats it
    edit_csv_rows(
        data_copy / "adjustments.csv",
        lambda row: row.update(rules_out="false") if row["id"] == "retro-codev" else None,
    )
    data = load_dataset(data_copy)
    cleaned = by_assumed(Case(data, load_request("scenario-4", data)).agreements(1))[
        (("curation", "cleaned"), ("temporality", "retrospective"))
    ]
    assert cleaned.tree_option == "enterprise_licence" and cleaned.option == "strategic_codevelopment"
    assert "(outside-pareto)" in cleaned.why
    assert "Strategic co-development is better under every stakeholder view" in cleaned.why
    assert not next(c for c in cleaned.candidates if c.option == "enterprise_licence").in_pareto


def test_an_option_the_framework_rules_out_is_set_aside(data_copy):
    # the tree sends a profit-generating SME's raw data to SME incubation: its deferred fee and embargo are what
    # the profit-defer and profit-noembargo adjustments and the fairness answer on maturity rule out
    def change(spec):
        node = next(n for n in spec["nodes"] if n["id"] == "retro_curation_sme")
        node["branches"][0]["option"] = "sme_incubation"

    edit_yaml(data_copy / "decision_tree.yaml", change)
    with pytest.warns(InconsistencyWarning, match="adjustment 'profit-defer'"):  # loading names the contradiction
        data = load_dataset(data_copy)
    results = by_assumed(Case(data, load_request("scenario-1", data)).agreements(0))
    raw = results[(("curation", "raw"), ("profit_stage", "profit_generating"))]
    assert raw.tree_option == "sme_incubation" and raw.option != "sme_incubation"
    assert raw.reconciliation.override == "unfit"
    assert set(raw.reconciliation.tree_unfit) == {"profit-noembargo", "profit-defer", "fairness:maturity"}
    assert "(unfit)" in raw.why and "Deferring payment from a company that can pay now gives value away" in raw.why
    assert next(c for c in raw.candidates if c.option == raw.option).fits


def test_the_rule_is_data_without_overrides_the_tree_always_stands(data_copy):
    edit_yaml(data_copy / "reconciliation.yaml", lambda spec: spec.update(overrides=[]))
    edit_yaml(data_copy / "terms.yaml", no_royalty("revenue_share_licence"))
    data = load_dataset(data_copy)
    for agreement in Case(data, load_request("scenario-4", data)).agreements(1):
        assert agreement.option == agreement.tree_option and agreement.rule == "tree-option"
    raw = by_assumed(Case(data, load_request("scenario-4", data)).agreements(1))[
        (("curation", "raw"), ("temporality", "retrospective"))
    ]
    assert "depart from NHS England (2023)" in raw.why and "a person must accept" in raw.why
    assert [c.status for c in raw.compliance if c.item == "nhse-proportionate-share"] == ["departs"]
    (reason,) = [c.reason for c in raw.compliance if c.item == "nhse-proportionate-share"]
    assert "short in expected present value" in reason and "£" in reason


def test_rank_by_worst_case_picks_the_win_win_option(data_copy):
    edit_yaml(
        data_copy / "reconciliation.yaml",
        lambda spec: spec["replacement"].update(rank_by="worst_case", require=["compliant"]),
    )
    data = load_dataset(data_copy)
    for agreement in Case(data, load_request("scenario-4", data)).agreements(1):
        if agreement.rule == "best-compliant":
            assert agreement.option == agreement.win_win
            assert "best worst case across views" in agreement.why


def test_the_best_weighted_option_follows_the_chosen_view(dataset):
    request = load_request("scenario-3", dataset)
    equal = Case(dataset, request).agreements(0)[0]
    smes = Case(dataset, request, profile="smes").agreements(0)[0]
    assert equal.best_weighted == "strategic_codevelopment"
    assert smes.best_weighted == "scale_up_licence"
    assert equal.option == smes.option == "scale_up_licence"  # the tree's option stands under either view


def test_dissent_lists_every_view_that_ranks_the_choice_low(dataset):
    threshold = dataset.agreement.reconciliation.dissent.rank_at_or_below
    seen = 0
    for rid in dataset.request_ids():
        request = load_request(rid, dataset)
        for index in range(len(request.requesters)):
            for agreement in Case(dataset, request).agreements(index):
                dissenters = {d.profile: d for d in agreement.dissent}
                for d in agreement.dissent:
                    assert d.rank >= threshold and d.prefers != agreement.option and d.of == len(dataset.option_ids)
                seen += len(dissenters)
    assert seen > 0
    scenario_one = Case(dataset, load_request("scenario-1", dataset)).agreements(0)
    raw = next(a for a in scenario_one if a.assumed.get("curation") == "raw")
    assert {d.profile for d in raw.dissent} >= {"clinicians", "academic_researchers"}


# --- validation of the agreement's data files ---------------------------------------------------


@pytest.mark.parametrize(
    "file, edit, message",
    [
        (
            "terms.yaml",
            lambda s: s["templates"][0]["terms"][0].update(term="milestone:launch_party"),
            "terms.yaml: templates[0] (open_research): field 'term': expected a milestone event or in-kind service",
        ),
        (
            "terms.yaml",
            lambda s: s["templates"][1]["terms"].__setitem__(3, {**s["templates"][1]["terms"][3], "value": 50}),
            "field 'value': expected a value within [0.0, 10.0]; found 50",
        ),
        (
            "terms.yaml",
            lambda s: s["templates"][0]["terms"][0].update(term="bribe"),
            "field 'term': expected a term id from the vocabulary",
        ),
        (
            "terms.yaml",
            lambda s: s["templates"][1]["terms"][1].update(value="tomorrow"),
            "field 'value': expected one of signing, first_revenue, first_milestone for access_fee_due; found 'tomorrow'",
        ),
        (
            "terms.yaml",
            lambda s: s["templates"][0]["terms"][0].update(source="a blog"),
            "field 'source': expected 'the report', 'DHSC 2019', 'NHS England 2023', 'NHS England 2023 guide' or "
            '"this framework\'s reading"',
        ),
        (
            "terms.yaml",
            lambda s: s["templates"].pop(),
            "terms.yaml: templates: field 'option': expected a template for option 'strategic_codevelopment'; found none",
        ),
        (
            "term_rules.yaml",
            lambda s: s["rules"][4]["actions"][0].update(value=36),
            "term_rules.yaml: rules[4] (no-exclusivity-raw): field 'exclusivity_months': expected a value "
            "within sme_incubation's range [0.0, 24.0]",
        ),
        (
            "term_rules.yaml",
            lambda s: s["rules"][0]["actions"][0].update(do="double"),
            "field 'do': expected 'set', 'ensure', 'replace' or 'remove'",
        ),
        ("term_rules.yaml", lambda s: s["rules"][0]["when"][0].update(fact="requester.mood"), "field 'fact'"),
        (
            "term_rules.yaml",
            lambda s: s["rules"][0]["when"][0].update(fact="option.mechanisms", value=["equity"]),
            "term_rules.yaml: rules[0] (commercial-recovers-cost): field 'when': expected conditions on request.* or "
            "requester.* facts",
        ),
        (
            "reconciliation.yaml",
            lambda s: s["overrides"][0].update(test="coin_toss"),
            "field 'test': expected 'departs', 'outside_pareto' or 'unfit'",
        ),
    ],
)
def test_bad_agreement_data_names_file_place_and_field(data_copy, file, edit, message):
    edit_yaml(data_copy / file, edit)
    with pytest.raises(DataValidationError) as info:
        load_dataset(data_copy)
    assert message in str(info.value)


def test_bad_cost_table_and_mismatched_exclusivity(data_copy, cli):
    path = data_copy / "costs.csv"
    path.write_text("\n".join(line for line in path.read_text().splitlines() if not line.startswith("curated,")))
    options = data_copy / "options.yaml"
    options.write_text(options.read_text().replace("exclusivity_months: 6", "exclusivity_months: 9"))
    result = cli("terms", "scenario-3", "--data", str(data_copy))
    assert result.code == 2 and result.err.count("\n") == 1
    assert "costs.csv: rows: field 'curation': expected a row for 'curated'; found none" in result.err
    assert (
        "options.yaml: option 'scale_up_licence': field 'exclusivity_months': expected 6, the "
        "exclusivity_months of its template in terms.yaml; found 9" in result.err
    )


# --- data corrections -----------------------------------------------------------------------------


def test_scenario_four_has_one_academic_hospital_and_six_district_generals(dataset):
    sites = site_contributions(dataset, load_request("scenario-4", dataset))
    assert sites.kinds == ("academic",) + ("district_general",) * 6


def test_sector_and_staff_default_to_unstated(data_copy):
    path = data_copy / "requests" / "scenario-3.yaml"
    path.write_text(path.read_text().replace("    sector: unstated\n", "").replace('    staff: ">50"\n', ""))
    requester = load_request("scenario-3", load_dataset(data_copy)).requesters[0]
    assert (requester.sector, requester.staff) == ("unstated", "unstated")


def test_charities_and_patient_groups_have_profiles(dataset):
    names = {p.name: p for p in dataset.profiles}
    assert {"charities", "patient_groups"} <= set(names)
    for name in ("charities", "patient_groups"):
        assert names[name].rationale.startswith("This framework's reading")


def test_report_spellings_and_partners(dataset):
    projects = {p.name: p for p in dataset.projects}
    assert projects["EchoGo for Chemo"].modalities == ("Echocardiograms",)
    assert projects["Predict Meso"].company == "Canon Medical Ltd"
    assert projects["Mapping Organ Health following COVID-19"].company == "Perspectum and Alliance Medical"


def test_no_rationale_attributes_to_interviews_or_the_report_what_it_does_not_say(samples):
    for name in ("base_scores.csv", "profiles.csv", "adjustments.csv"):
        text = (samples / name).read_text()
        assert "interview finding" not in text and "Interviews:" not in text and "(report:" not in text


def test_fairness_answers_are_this_frameworks(dataset):
    for theme in dataset.fairness.themes:
        for answer in theme.answers:
            assert not answer.text.startswith(("No.", "Yes.")), answer.text
    exclusivity = next(t for t in dataset.fairness.themes if t.id == "exclusivity")
    assert exclusivity.question.startswith("What role, if any, should embargoes and exclusivity play in collaboration")
    assert exclusivity.section == "Stakeholder Interviews"  # the report's own words, from the section they are in


def test_the_reconciliation_is_a_record_and_the_board_sentence_comes_from_it(dataset):
    """The decision page says why from the record (explain without ids), never by editing the working's sentence."""
    from imaging_value.framework.agreement import explain

    spec = dataset.agreement.reconciliation
    ids = [spec.default.id, spec.replacement.id, *(o.id for o in spec.overrides)]
    for rid in dataset.request_ids():
        request = load_request(rid, dataset)
        for index in range(len(request.requesters)):
            for agreement in Case(dataset, request).agreements(index):
                record = agreement.reconciliation
                assert record.chosen == agreement.option and record.tree_option == agreement.tree_option
                assert (record.override is None) == (
                    agreement.option == agreement.tree_option and record.rule == spec.default.id
                )
                plain = explain(dataset, record, rule_ids=False)
                assert not any(f"({rule})" in plain for rule in ids)
                assert agreement.why.startswith(explain(dataset, record))
                assert ("confirm before signing" in agreement.why) == bool(agreement.assumed)
