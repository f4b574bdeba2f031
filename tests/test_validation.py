"""Bad input: every problem found, each naming file, row or key, field, expected and found; nothing loaded."""

from pathlib import Path

import pytest

from imaging_value import DataValidationError, UnknownRequestError, load_dataset, load_request


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1))


def problems(exc_info) -> list[str]:
    return [str(p) for p in exc_info.value.problems]


def test_samples_load(dataset):
    assert len(dataset.options) >= 5 and len(dataset.profiles) >= 7 and len(dataset.projects) == 18
    assert dataset.request_ids() == ["scenario-1", "scenario-2", "scenario-3", "scenario-4"]


def test_unknown_requester_kind(dataset, data_copy):
    path = data_copy / "requests" / "scenario-1.yaml"
    edit(path, "kind: sme", "kind: startup")
    with pytest.raises(DataValidationError) as info:
        load_request(path, load_dataset(data_copy))
    assert problems(info) == [
        "requests/scenario-1.yaml: requesters[0]: field 'kind': expected 'university', 'charity', 'sme' or "
        "'multinational'; found 'startup'"
    ]
    assert isinstance(info.value, ValueError)


def test_site_count_zero(data_copy):
    edit(data_copy / "requests" / "scenario-2.yaml", "count: 20", "count: 0")
    with pytest.raises(DataValidationError) as info:
        load_request("scenario-2", load_dataset(data_copy))
    assert problems(info) == [
        "requests/scenario-2.yaml: sites: field 'count': expected greater than or equal to 1; found 0"
    ]


def test_malformed_yaml(data_copy):
    (data_copy / "requests" / "scenario-3.yaml").write_text("id: scenario-3\ntitle: [unclosed\n")
    with pytest.raises(DataValidationError) as info:
        load_request("scenario-3", load_dataset(data_copy))
    (problem,) = info.value.problems
    assert problem.file == "requests/scenario-3.yaml"
    assert problem.location.startswith("line 3")
    assert problem.expected == "well-formed YAML" and "syntax error" in problem.found


def test_csv_missing_a_column(data_copy):
    path = data_copy / "projects.csv"
    lines = path.read_text().splitlines()
    # drop the nhs_partners column (the 5th) from every line; the sizes with commas are quoted, later on
    path.write_text("\n".join(",".join(line.split(",")[:4] + line.split(",")[5:]) for line in lines) + "\n")
    with pytest.raises(DataValidationError) as info:
        load_dataset(data_copy)
    (problem,) = info.value.problems
    assert (problem.file, problem.location, problem.field) == ("projects.csv", "header", "nhs_partners")
    assert problem.expected == "a column named 'nhs_partners'"
    assert problem.found.startswith("columns name, modalities, dataset_size, dataset_size_note, appendix_size")


def test_every_problem_in_every_file_is_listed(data_copy):
    edit(data_copy / "profiles.csv", "equal,Equal weights,1,1,1,1,1", "equal,Equal weights,0,0,0,0,0")
    edit(data_copy / "profiles.csv", "smes,SMEs,2,1,5", "smes,SMEs,2,-1,5")
    edit(data_copy / "options.yaml", "exclusivity_months: 12", "exclusivity_months: twelve")
    edit(data_copy / "base_scores.csv", "open_research,clinical,8,", "open_research,clinical,11,")
    with pytest.raises(DataValidationError) as info:
        load_dataset(data_copy)
    assert problems(info) == [
        "options.yaml: options[1] (sme_incubation): field 'exclusivity_months': expected a valid integer, unable "
        "to parse string as an integer; found 'twelve'",
        "base_scores.csv: row 1 (line 2): field 'score': expected less than or equal to 10; found '11'",
        "profiles.csv: row 1 (line 2): field 'weights': expected at least one positive lever weight; found all five 0",
        "profiles.csv: row 6 (line 7): field 'social': expected greater than or equal to 0; found '-1'",
    ]
    assert str(info.value).startswith("4 problems found:")


def test_profit_stage_rules(data_copy):
    path = data_copy / "requests" / "scenario-2.yaml"
    edit(path, "profit_stage: pre_profit", "profit_stage: null")
    edit(path, "kind: multinational", "kind: university")
    with pytest.raises(DataValidationError) as info:
        load_request(path, load_dataset(data_copy))
    assert problems(info) == [
        "requests/scenario-2.yaml: requesters[0]: field 'profit_stage': expected pre_profit, profit_generating or "
        "unstated for a sme requester; found nothing",
        "requests/scenario-2.yaml: requesters[1]: field 'profit_stage': expected null (empty) for a university "
        "requester; found 'unstated'",
    ]


def test_misspelt_key_is_an_error(data_copy):
    edit(data_copy / "requests" / "scenario-4.yaml", "curation: unstated", "curration: unstated")
    with pytest.raises(DataValidationError) as info:
        load_request("scenario-4", load_dataset(data_copy))
    assert (
        "requests/scenario-4.yaml: field 'curation': expected a value (this field is required); found nothing"
        in problems(info)
    )
    assert any("field 'curration': expected no such field" in p for p in problems(info))


def test_unknown_request_id(dataset):
    with pytest.raises(UnknownRequestError, match="request id .*scenario-1.*found 'scenario-9'"):
        load_request("scenario-9", dataset)


def test_request_id_must_match_file_name(data_copy):
    edit(data_copy / "requests" / "scenario-4.yaml", "id: scenario-4", "id: scenario-five")
    with pytest.raises(DataValidationError, match="field 'id': expected the file's name, 'scenario-4'"):
        load_request("scenario-4", load_dataset(data_copy))


def test_tree_references_are_checked(data_copy):
    edit(data_copy / "decision_tree.yaml", "option: open_research", "option: open_reserch")
    edit(data_copy / "decision_tree.yaml", "next: prosp_sme_stage", "next: nowhere")
    with pytest.raises(DataValidationError) as info:
        load_dataset(data_copy)
    assert problems(info) == [
        "decision_tree.yaml: node 'retro_requester' branches[0]: field 'option': expected an option id from "
        "options.yaml; found 'open_reserch'",
        "decision_tree.yaml: node 'prosp_requester' branches[1]: field 'next': expected the id of a node; "
        "found 'nowhere'",
        # the node the edited branch led to is now reached from nowhere
        "decision_tree.yaml: node 'prosp_sme_stage': field 'id': expected a node reached from the start "
        "('temporality'); found no branch leading to it",
    ]


def test_tree_must_answer_every_value(data_copy):
    # the whole branch goes (leaving its rationale behind would be a duplicate key, a different error)
    edit(
        data_copy / "decision_tree.yaml",
        "      - when: [cleaned]\n        option: scale_up_licence\n"
        "        rationale: Cleaning adds value that milestones and a modest royalty recognise.\n",
        "",
    )
    with pytest.raises(
        DataValidationError,
        match="node 'retro_curation_sme': field 'branches': expected a branch "
        "for every value of request.curation; found none for cleaned",
    ):
        load_dataset(data_copy)


def test_missing_base_score(data_copy):
    path = data_copy / "base_scores.csv"
    path.write_text(
        "".join(
            line
            for line in path.read_text().splitlines(keepends=True)
            if not line.startswith("enterprise_licence,social,")
        )
    )
    with pytest.raises(
        DataValidationError,
        match="base_scores.csv: option 'enterprise_licence': field 'social': "
        "expected a base score for every option and lever; found no row",
    ):
        load_dataset(data_copy)


def test_missing_data_folder(tmp_path):
    with pytest.raises(DataValidationError, match="expected a data folder; found no such folder"):
        load_dataset(tmp_path / "nowhere")


def test_an_empty_size_needs_its_reason(data_copy):
    edit(data_copy / "projects.csv", "Stroke and AI,CT,,N/A", "Stroke and AI,CT,,")
    with pytest.raises(
        DataValidationError,
        match="row 16 .*field 'dataset_size_note': expected TBC or N/A where dataset_size is empty; found empty",
    ):
        load_dataset(data_copy)


def test_sample_files_are_untouched_by_loading(samples):
    before = {p: p.read_bytes() for p in samples.rglob("*") if p.is_file()}
    load_dataset(samples)
    assert before == {p: p.read_bytes() for p in samples.rglob("*") if p.is_file()}
