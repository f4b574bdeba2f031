"""Scenarios in plain Python: the request file written from facts, saving it, and what changed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from imaging_value import load_dataset, load_request
from imaging_value.core.errors import DataValidationError
from imaging_value.engine.case import Case
from imaging_value.framework.scenario import (
    RequestExistsError,
    facts_of,
    request_text,
    save_request,
    validate_facts,
    what_changed,
)

ROOT = Path(__file__).resolve().parents[1]


def readme_example() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Writing a request") :]
    return re.search(r"```yaml\n(.*?)```", section, re.S).group(1)


def keys_and_comments(text: str) -> tuple[list[str], list[str]]:
    """Each line's key (in order, indented as written) and each comment, in order."""
    keys, comments = [], []
    for line in text.splitlines():
        body, _, comment = line.partition("#")
        if comment:
            comments.append(comment.strip())
        match = re.match(r"^(\s*(?:- )?)([a-z_]+):", body)
        if match:
            keys.append(match.group(1).replace("-", " ") + match.group(2))
    return keys, comments


def test_the_saved_text_has_the_readme_examples_field_order_and_comments():
    example = readme_example()
    facts = yaml.safe_load(example)
    text = request_text(facts)
    assert yaml.safe_load(text) == facts
    assert keys_and_comments(text) == keys_and_comments(example)


def test_every_sample_request_round_trips_through_the_writer(dataset):
    for rid in dataset.request_ids():
        request = load_request(rid, dataset)
        assert validate_facts(yaml.safe_load(request_text(facts_of(request)))) == request, rid


def test_awkward_text_is_quoted_so_it_reads_back_the_same(dataset):
    facts = facts_of(load_request("scenario-1", dataset))
    facts["title"] = "Colon: # not a comment, 'quotes' and \"more\", <b>tags</b>"
    facts["requesters"][0]["staff"] = "<50"
    facts["requesters"][0]["name"] = "yes"  # YAML 1.1 would read a bare yes as true
    assert yaml.safe_load(request_text(facts)) == facts


def test_saving_writes_a_valid_request_under_the_new_id(data_copy: Path):
    dataset = load_dataset(data_copy)
    facts = facts_of(load_request("scenario-1", dataset))
    facts["curation"] = "curated"
    path = save_request(dataset, facts, "scenario-1-curated", header="Saved from the explorer.")
    assert path == data_copy / "requests" / "scenario-1-curated.yaml"
    saved = load_request("scenario-1-curated", dataset)
    assert saved.id == "scenario-1-curated" and saved.curation == "curated"
    assert path.read_text(encoding="utf-8").startswith("# Saved from the explorer.\nid: scenario-1-curated")
    assert [p.name for p in path.parent.iterdir() if p.name.startswith(".")] == []  # no temporary file left


def test_an_existing_file_is_replaced_only_when_asked(data_copy: Path):
    dataset = load_dataset(data_copy)
    target = data_copy / "requests" / "scenario-2.yaml"
    before = target.read_bytes()
    facts = facts_of(load_request("scenario-1", dataset))
    with pytest.raises(RequestExistsError) as info:
        save_request(dataset, facts, "scenario-2")
    assert "scenario-2.yaml exists" in str(info.value)
    assert target.read_bytes() == before
    save_request(dataset, facts, "scenario-2", overwrite=True)
    assert load_request("scenario-2", dataset).title == facts["title"]


@pytest.mark.parametrize("rid, field", [("Bad Id", "id"), ("../escape", "id"), ("", "id")])
def test_a_bad_id_is_refused_and_nothing_is_written(data_copy: Path, rid: str, field: str):
    dataset = load_dataset(data_copy)
    before = sorted(p.name for p in (data_copy / "requests").iterdir())
    with pytest.raises(DataValidationError) as info:
        save_request(dataset, facts_of(load_request("scenario-1", dataset)), rid)
    assert [p.field for p in info.value.problems] == [field]
    assert sorted(p.name for p in (data_copy / "requests").iterdir()) == before
    assert not (data_copy / "escape.yaml").exists()


def test_invalid_facts_name_every_field_and_nothing_is_written(data_copy: Path):
    dataset = load_dataset(data_copy)
    facts = facts_of(load_request("scenario-2", dataset))
    facts["data_types"] = []
    facts["sites"]["contributions"] = [{"site": "A", "kind": "large_trust", "images": "many"}]
    facts["requesters"][1]["profit_stage"] = None
    with pytest.raises(DataValidationError) as info:
        save_request(dataset, facts, "new-one")
    where = {(p.location, p.field) for p in info.value.problems}
    assert ("", "data_types") in where
    assert ("sites.contributions[0]", "images") in where
    assert ("requesters[1]", "profit_stage") in where
    assert info.value.problems[0].file == "requests/new-one.yaml"
    assert not (data_copy / "requests" / "new-one.yaml").exists()


def test_what_changed_names_the_branch_rules_adjustments_and_guidance(dataset):
    saved = load_request("scenario-3", dataset)  # curated data, a profit-generating SME
    raw = validate_facts(facts_of(saved) | {"curation": "raw"})
    sentences = what_changed(dataset, Case(dataset, saved).scenario_answers(0), Case(dataset, raw).scenario_answers(0))
    text = "\n".join(sentences)
    assert "\u201cIs the data raw, cleaned or expert-curated?\u201d with raw (was curated)" in text
    assert "Term rule no-exclusivity-raw now fires" in text
    assert "Adjustment raw-fair-fee (Cost-recovery access licence, commercial +1) now applies" in text
    assert "Adjustment curated-underpriced (Cost-recovery access licence, commercial -2) no longer applies" in text
    assert any(s.startswith("The decision tree now recommends Revenue-share licence") for s in sentences)
    assert all(s.endswith(".") for s in sentences)
    assert (
        what_changed(dataset, Case(dataset, saved).scenario_answers(0), Case(dataset, saved).scenario_answers(0)) == []
    )


def test_what_changed_reports_guidance_that_flips(dataset):
    saved = load_request("scenario-1", dataset)
    university = facts_of(saved)
    university["requesters"] = [{"kind": "university", "sector": "unstated", "staff": "unstated"}]
    sentences = what_changed(
        dataset, Case(dataset, saved).scenario_answers(0), Case(dataset, validate_facts(university)).scenario_answers(0)
    )
    assert any(s.startswith("The decision tree now recommends Open research access") for s in sentences)
    assert any("Term rule non-commercial-consent-to-commercialise now fires" in s for s in sentences)
    flipped = [
        s
        for s in sentences
        if "(was " in s and ("is now" in s or "now does not apply" in s) and ("DHSC" in s or "NHS England" in s)
    ]
    assert flipped, sentences


def test_a_new_requester_has_nothing_to_compare_with(dataset):
    saved = load_request("scenario-1", dataset)
    two = facts_of(saved)
    two["requesters"].append({"kind": "charity", "sector": "unstated", "staff": "unstated"})
    scenario = validate_facts(two)
    sentences = what_changed(
        dataset, Case(dataset, saved).scenario_answers(1), Case(dataset, scenario).scenario_answers(1), 1
    )
    assert sentences == [
        "Requester 2 is new: the saved request has 1 requester, so there is nothing to compare it with."
    ]
