"""The decision tree on each scenario, with its path and the values it had to assume."""

from imaging_value import load_request, recommend


def outcomes(dataset, rid, index):
    return [
        (r.option, r.assumed, [s.answer for s in r.path]) for r in recommend(dataset, load_request(rid, dataset), index)
    ]


def test_scenario_one_branches_on_what_the_report_leaves_unstated(dataset):
    # retrospective, an SME whose profit stage and data curation the report does not give
    assert outcomes(dataset, "scenario-1", 0) == [
        ("sme_incubation", {"profit_stage": "pre_profit"}, ["retrospective", "sme", "pre_profit"]),
        (
            "revenue_share_licence",
            {"profit_stage": "profit_generating", "curation": "raw"},
            ["retrospective", "sme", "profit_generating", "raw"],
        ),
        (
            "scale_up_licence",
            {"profit_stage": "profit_generating", "curation": "cleaned"},
            ["retrospective", "sme", "profit_generating", "cleaned"],
        ),
        (
            "scale_up_licence",
            {"profit_stage": "profit_generating", "curation": "curated"},
            ["retrospective", "sme", "profit_generating", "curated"],
        ),
    ]


def test_scenario_two_prospective_one_answer_per_requester(dataset):
    assert outcomes(dataset, "scenario-2", 0) == [("sme_incubation", {}, ["prospective", "sme", "pre_profit"])]
    assert outcomes(dataset, "scenario-2", 1) == [("strategic_codevelopment", {}, ["prospective", "multinational"])]
    assert outcomes(dataset, "scenario-2", 2) == [("strategic_codevelopment", {}, ["prospective", "multinational"])]


def test_scenario_three_same_answer_either_way(dataset):
    assert outcomes(dataset, "scenario-3", 0) == [
        (
            "scale_up_licence",
            {"temporality": "retrospective"},
            ["retrospective", "sme", "profit_generating", "curated"],
        ),
        ("scale_up_licence", {"temporality": "prospective"}, ["prospective", "sme", "profit_generating"]),
    ]


def test_scenario_four(dataset):
    assert [o[0] for o in outcomes(dataset, "scenario-4", 0)] == ["sme_incubation", "sme_incubation"]
    assert outcomes(dataset, "scenario-4", 1) == [
        (
            "revenue_share_licence",
            {"temporality": "retrospective", "curation": "raw"},
            ["retrospective", "multinational", "raw"],
        ),
        (
            "enterprise_licence",
            {"temporality": "retrospective", "curation": "cleaned"},
            ["retrospective", "multinational", "cleaned"],
        ),
        (
            "enterprise_licence",
            {"temporality": "retrospective", "curation": "curated"},
            ["retrospective", "multinational", "curated"],
        ),
        ("strategic_codevelopment", {"temporality": "prospective"}, ["prospective", "multinational"]),
    ]


def test_each_step_carries_its_rules_rationale(dataset):
    rec = recommend(dataset, load_request("scenario-2", dataset), 1)[0]
    assert rec.path[0].question.startswith("Is the data retrospective")
    assert "new effort" in rec.path[0].rationale
    assert not any(step.assumed for step in rec.path)


def test_a_university_gets_open_research(dataset, data_copy):
    path = data_copy / "requests" / "uni.yaml"
    path.write_text(
        (data_copy / "requests" / "scenario-2.yaml")
        .read_text()
        .replace("id: scenario-2", "id: uni")
        .replace("kind: sme\n    profit_stage: pre_profit", "kind: university\n    profit_stage: null")
    )
    assert outcomes(dataset, path, 0) == [("open_research", {}, ["prospective", "university"])]
