"""Term sheets and the agreement to sign: compliant by construction, every term explained."""

import pytest

from imaging_value import load_dataset, load_request
from imaging_value.engine.case import Case
from imaging_value.framework.agreement import STATUSES
from imaging_value.framework.terms import term_sheet, term_sheets
from imaging_value.model.terms_schema import SOURCES, TERM_UNITS, unit_of

REQUESTS = ["scenario-1", "scenario-2", "scenario-3", "scenario-4"]


def every_agreement(dataset):
    for rid in REQUESTS:
        request = load_request(rid, dataset)
        for index in range(len(request.requesters)):
            for agreement in Case(dataset, request).agreements(index):
                yield request, agreement


def every_sheet(dataset):
    """Every option's sheet for every requester and every tree outcome (so assumed facts count too)."""
    from imaging_value.framework.tree import recommend

    for rid in REQUESTS:
        request = load_request(rid, dataset)
        for index in range(len(request.requesters)):
            for outcome in [None, *recommend(dataset, request, index)]:
                assumed = outcome.assumed if outcome else None
                for sheet in term_sheets(dataset, request, index, assumed).values():
                    yield request, index, sheet


def facts(request, index, sheet):
    requester = request.requesters[index].model_copy(
        update={k: v for k, v in sheet.assumed.items() if k in ("kind", "profit_stage")}
    )
    curation = sheet.assumed.get("curation", request.curation)
    return requester, curation


def test_recommended_agreements_meet_every_automatic_principle_or_say_why(dataset):
    seen = 0
    for _request, agreement in every_agreement(dataset):
        ids = [c.item for c in agreement.compliance]
        assert ids == [g.id for g in dataset.guidance]  # every principle has a status
        for status in agreement.compliance:
            assert status.status in STATUSES
            if status.automatic:
                assert status.status in ("meets", "departs", "not_applicable")
            if status.status == "not_applicable":  # its own status, never "meets" with a reason that it does not
                assert status.reason == "does not apply to this request and requester"
            if status.status == "departs":
                assert status.reason and status.reason in agreement.why
            if status.status == "to_confirm":
                assert status.reason and not status.automatic
        seen += 1
    assert seen == 15  # every requester, one per tree outcome


def test_the_sample_agreements_depart_from_no_automatic_principle(dataset):
    for _request, agreement in every_agreement(dataset):
        assert [c.item for c in agreement.compliance if c.status == "departs"] == [], agreement.why


def test_raw_or_unstated_curation_never_carries_exclusivity(dataset):
    checked = 0
    for request, index, sheet in every_sheet(dataset):
        _requester, curation = facts(request, index, sheet)
        if curation in ("raw", "unstated"):
            assert sheet.exclusivity_months == 0 and sheet.get("exclusivity_field") is None, sheet.option
            checked += 1
    assert checked > 50


def test_curated_data_keeps_the_templates_exclusivity_for_an_sme(dataset):
    sheet = term_sheet(dataset, load_request("scenario-3", dataset), 0, "scale_up_licence")
    assert sheet.exclusivity_months == 6
    assert not {"no-exclusivity-raw", "no-exclusivity-unstated-curation", "no-exclusivity-assumed-curation"} & set(
        sheet.fired
    )


def test_a_curation_the_tree_assumed_grants_no_exclusivity(dataset):
    # scenario one leaves its curation unstated: the branch that assumes it cleaned is still unstated data
    request = load_request("scenario-1", dataset)
    assumed = {"profit_stage": "profit_generating", "curation": "cleaned"}
    sheet = term_sheets(dataset, request, 0, assumed)["scale_up_licence"]
    assert sheet.exclusivity_months == 0 and sheet.get("exclusivity_field") is None
    assert sheet.get("exclusivity_months").set_by == ("template", "no-exclusivity-assumed-curation")
    assert sheet.get("exclusivity_months").source == "this framework's reading"


def test_a_pre_profit_sme_is_never_asked_for_money_before_revenue(dataset):
    before_revenue = {f"milestone:{e.id}" for e in dataset.agreement.milestone_events if not e.after_revenue}
    checked = 0
    for request, index, sheet in every_sheet(dataset):
        requester, _curation = facts(request, index, sheet)
        if requester.kind == "sme" and requester.profit_stage == "pre_profit":
            values = sheet.values()
            assert values.get("access_fee", 0) > sheet.cost.amount, sheet.option  # deferred and uplifted, not waived
            assert values["access_fee_due"] == "first_revenue", sheet.option
            assert "subscription" not in values and not before_revenue & set(values), sheet.option
            checked += 1
    assert checked >= 3 * len(dataset.option_ids)  # three pre-profit SMEs (one assumed) x every option


def test_every_commercial_requester_recovers_the_cost_of_access(dataset):
    """At signing the fee is the cost; deferred, its exact expected present value is the cost (rounded up)."""
    import math

    from imaging_value.framework.consistency import recovered

    deferred = 0
    for request, index, sheet in every_sheet(dataset):
        requester, _curation = facts(request, index, sheet)
        if requester.kind in ("sme", "multinational"):
            cost = sheet.cost.amount
            assert cost > 0 and recovered(sheet) >= cost - 0.5, (request.id, index, sheet.option)
            if sheet.value("access_fee_due") == "signing":
                assert sheet.value("access_fee") == cost
            else:
                deferred += 1
                assert sheet.value("access_fee") == math.ceil(cost / sheet.deferral.factor)
                assert "so that the fee's expected present value is the cost of access" in (
                    sheet.get("access_fee").rationale
                )
    assert deferred > 0


def test_a_deferred_fee_is_uplifted_by_the_exact_chance_and_wait(dataset):
    """Scenario two's pre-profit SME: the fee falls due at the first sale, reached with probability 0.6 x 0.75 after
    a clearance delay of 1-3 years (mode 2) and a sale delay of 0-2 (mode 1), discounted at 3.5%."""
    sheet = term_sheets(dataset, load_request("scenario-2", dataset), 0)["sme_incubation"]
    d = sheet.deferral
    # a triangular delay on [low, low + 2] with its mode in the middle, rounded to whole years, is low with
    # probability F(low + 1/2) = (1/2)^2 / 2 = 1/8, low + 1 with 3/4, low + 2 with 1/8
    clearance = (0.125, 0.75, 0.125)  # years 1, 2, 3
    sale = (0.125, 0.75, 0.125)  # years 0, 1, 2 after clearance
    factor = sum(pc * ps * 1.035 ** -(1 + i + j) for i, pc in enumerate(clearance) for j, ps in enumerate(sale)) * (
        0.6 * 0.75
    )
    assert d.probability == pytest.approx(0.45) and d.factor == pytest.approx(factor, rel=1e-12)
    assert sheet.value("access_fee") * d.factor >= sheet.cost.amount


def test_every_non_commercial_requester_carries_consent_to_commercialise(dataset, data_copy):
    path = data_copy / "requests" / "scenario-2.yaml"
    path.write_text(
        path.read_text()
        .replace("  - kind: sme\n    profit_stage: pre_profit\n", "  - kind: university\n    profit_stage: null\n")
        .replace(
            "  - kind: multinational\n    profit_stage: unstated  # the report does not say\n    sector: healthtech\n",
            "  - kind: charity\n    sector: healthtech\n",
        )
    )
    data = load_dataset(data_copy)
    request = load_request("scenario-2", data)
    assert [r.kind for r in request.requesters] == ["university", "charity", "multinational"]
    for index in (0, 1):
        for sheet in term_sheets(data, request, index).values():
            assert sheet.value("consent_to_commercialise", "").startswith("required"), sheet.option
            assert sheet.get("access_fee") is None and sheet.get("subscription") is None, sheet.option
        (agreement,) = Case(data, request).agreements(index)
        assert agreement.option == "open_research" and agreement.rule == "tree-option"


def test_every_term_has_a_unit_rationale_and_source(dataset):
    for _request, _index, sheet in every_sheet(dataset):
        assert sheet.terms
        for term in sheet.terms:
            assert term.unit == unit_of(term.term) and term.unit in TERM_UNITS.values()
            assert term.rationale.strip() and term.source in SOURCES
            assert term.set_by and term.set_by[0] in ("template", *[r.id for r in dataset.agreement.rules])
    for rule in dataset.agreement.rules:
        assert rule.rationale.strip() and rule.source in SOURCES
    for row in dataset.agreement.costs.values():
        assert row.rationale.strip() and row.source in SOURCES


def test_cost_recovery_fee_follows_the_cost_table(dataset):
    # scenario-3: one academic site, 8,000 items assumed (site_defaults.csv), curated PET/CT: 5,000 + 1,500 x 1.3 x 8
    sheet = term_sheet(dataset, load_request("scenario-3", dataset), 0, "cost_recovery_access")
    assert sheet.value("access_fee") == 5000 + 1500 * 1.3 * 8 == sheet.cost.amount
    assert "GBP 5,000 x 1 site + GBP 1,500 x 1.3 (modality PET/CT x1.3, cost_factors.csv) x 8.0 thousand items" in (
        sheet.get("access_fee").rationale
    )
    # scenario-4: one academic (8,000) and six district general hospitals (1,500 each), curation unstated
    sheet = term_sheet(dataset, load_request("scenario-4", dataset), 1, "enterprise_licence")
    assert sheet.cost.items == 8000 + 6 * 1500
    assert sheet.value("access_fee") == 3000 * 7 + 400 * 17


def test_rules_name_themselves_on_the_terms_they_set(dataset):
    request = load_request("scenario-2", dataset)
    sheet = term_sheets(dataset, request, 0)["sme_incubation"]
    assert sheet.get("exclusivity_months").set_by == ("template", "no-exclusivity-unstated-curation")
    assert sheet.get("exclusivity_months").source == "this framework's reading"  # DHSC's principle is on raw data
    assert sheet.get("embargo_months").value == 12  # an embargo is still possible
    multinational = term_sheets(dataset, request, 1)["sme_incubation"]
    assert multinational.get("equity") is None and ("equity", "no-equity-in-large-companies") in multinational.removed
    assert multinational.get("access_fee_due").value == "first_revenue"  # the incubation template's own timing


def test_assumed_answers_reach_the_rules(dataset):
    request = load_request("scenario-1", dataset)  # profit stage unstated
    plain = term_sheets(dataset, request, 0)["scale_up_licence"]
    assumed = term_sheets(dataset, request, 0, {"profit_stage": "pre_profit"})["scale_up_licence"]
    assert plain.value("access_fee_due") == "signing" and "milestone:regulatory_clearance" in plain.values()
    assert assumed.value("access_fee_due") == "first_revenue"
    assert "milestone:regulatory_clearance" not in assumed.values()
    assert assumed.to_dict()["assumed"] == {"profit_stage": "pre_profit"}


def test_mechanisms_come_from_the_terms(dataset):
    sheet = term_sheets(dataset, load_request("scenario-2", dataset), 1)["open_research"]
    assert "access_fee" in sheet.mechanisms()  # added by commercial-recovers-cost
    assert "consent_to_commercialise" in sheet.mechanisms()


def test_recommend_takes_exclusivity_from_the_compliant_terms(cli):
    entries = cli("recommend", "scenario-3", "--json").json()["recommendations"]
    assert {e["exclusivity_months"] for e in entries} == {6}  # curated data: the SME keeps its window
    entries = cli("recommend", "scenario-1", "--json").json()["recommendations"]  # curation unstated
    assert [(e["option"], e["assumed"].get("curation"), e["exclusivity_months"]) for e in entries] == [
        ("sme_incubation", None, 0),
        ("revenue_share_licence", "raw", 0),
        ("scale_up_licence", "cleaned", 0),  # an assumed curation is still unstated: no window over it
        ("scale_up_licence", "curated", 0),
    ]


@pytest.mark.parametrize("rid", REQUESTS)
def test_terms_command_answers_in_the_documented_shape(cli, rid, dataset):
    answer = cli("terms", rid, "--json").json()
    assert set(answer) == {"request", "results"} and answer["request"] == rid
    assert answer["results"]
    for result in answer["results"]:
        assert set(result) == {
            "requester_index",
            "requester",
            "assumed",
            "option",
            "tree_option",
            "best_weighted",
            "win_win",
            "why",
            "reconciliation",
            "terms",
            "compliance",
            "dissent",
        }
        assert result["reconciliation"]["chosen"] == result["option"]
        assert result["reconciliation"]["tree_option"] == result["tree_option"]
        assert all(set(t) == {"term", "value", "unit", "set_by", "rationale", "source"} for t in result["terms"])
        assert all(set(c) == {"principle", "source", "status", "reason"} for c in result["compliance"])
        assert {c["status"] for c in result["compliance"]} <= {"meets", "departs", "to_confirm", "not_applicable"}
        # every term says where it comes from: the template or named term rules, and one of the four sources
        rules = {rule.id for rule in dataset.agreement.rules}
        for term in result["terms"]:
            assert term["set_by"] and set(term["set_by"]) <= rules | {"template"}, term
            assert term["source"] in SOURCES, term
        # one status per guidance item, manual items always to confirm, a departure always with its reason
        assert [c["principle"] for c in result["compliance"]] == [item.principle for item in dataset.guidance]
        for check, item in zip(result["compliance"], dataset.guidance):
            assert (check["status"] == "to_confirm") == (item.check == "manual")
            assert check["status"] != "departs" or check["reason"]
        assert result["option"] in {o.id for o in dataset.options}
        for fact, value in result["assumed"].items():
            assert f"{fact} = {value}" in result["why"] and "confirm before signing" in result["why"]


def test_terms_command_one_result_per_tree_branch(cli):
    answer = cli("terms", "scenario-1", "--json").json()
    assert [r["assumed"] for r in answer["results"]] == [
        {"profit_stage": "pre_profit"},
        {"profit_stage": "profit_generating", "curation": "raw"},
        {"profit_stage": "profit_generating", "curation": "cleaned"},
        {"profit_stage": "profit_generating", "curation": "curated"},
    ]
    recommended = cli("recommend", "scenario-1", "--json").json()["recommendations"]
    assert [r["tree_option"] for r in answer["results"]] == [r["option"] for r in recommended]


def test_terms_command_requester_and_profile(cli):
    answer = cli("terms", "scenario-2", "--requester", "1", "--profile", "nhs_finance", "--json").json()
    assert [r["requester_index"] for r in answer["results"]] == [1]
    bad = cli("terms", "scenario-2", "--requester", "7")
    assert bad.code == 2 and bad.err.startswith("error: parameter 'requester'") and "Traceback" not in bad.err
    both = cli("terms", "scenario-2", "--profile", "smes", "--weights", "clinical=1")
    assert both.code == 2 and both.err.count("\n") == 1


def test_export_writes_the_term_sheets(cli, tmp_path):
    assert cli("export", "--out", str(tmp_path)).code == 0
    import json

    answer = json.loads((tmp_path / "scenario-2-terms.json").read_text())
    assert [r["option"] for r in answer["results"]] == [
        "sme_incubation",
        "strategic_codevelopment",
        "strategic_codevelopment",
    ]
    csv_text = (tmp_path / "scenario-2-terms.csv").read_text()
    assert (
        csv_text.splitlines()[0] == "requester_index,requester_kind,assumed,option,term,value,unit,set_by,"
        "source,rationale"
    )
    assert (
        "0,sme,,sme_incubation,exclusivity_months,0,months,template;no-exclusivity-unstated-curation,"
        "this framework's reading," in csv_text
    )


def test_rule_actions_set_ensure_replace_and_remove(data_copy):
    import yaml

    from imaging_value import load_dataset

    path = data_copy / "term_rules.yaml"
    spec = yaml.safe_load(path.read_text())
    spec["rules"].append(
        {
            "id": "test-actions",
            "when": [{"fact": "requester.kind", "op": "eq", "value": "multinational"}],
            "actions": [
                {"do": "set", "term": "royalty", "value": 1},  # present: changed
                {"do": "set", "term": "in_kind:reader_study", "value": 5000},  # absent: added
                {"do": "ensure", "term": "product_access_months", "value": 12},  # present: kept
                {"do": "replace", "term": "profit_share", "value": 5},  # absent from enterprise: not added
                {"do": "remove", "term": "milestone:nhs_adoption"},
            ],
            "rationale": "A test rule.",
            "source": "this framework's reading",
        }
    )
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    data = load_dataset(data_copy)
    sheet = term_sheets(data, load_request("scenario-2", data), 1)["enterprise_licence"]
    assert sheet.get("royalty").value == 1 and sheet.get("royalty").set_by == ("template", "test-actions")
    assert sheet.get("in_kind:reader_study").set_by == ("test-actions",)
    assert sheet.get("product_access_months").value == 60 and sheet.get("product_access_months").set_by == ("template",)
    assert sheet.get("profit_share") is None
    assert ("milestone:nhs_adoption", "test-actions") in sheet.removed
    assert sheet.fired[-1] == "test-actions"
