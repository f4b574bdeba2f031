"""Offers as files: the samples load, and every kind of mistake is one error naming the file, key, expected, found."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
import yaml

from imaging_value.core.errors import DataValidationError
from imaging_value.model.offer_files import (
    load_negotiation,
    load_offer,
    negotiation_folders,
    next_round_path,
    save_offer,
)
from imaging_value.model.offers import Offer, offer_yaml, term_range

OFFER = """request: scenario-2
requester: 1
made_by: partner
round: 1
date: 2025-03-03
option: enterprise_licence
terms:
  - {term: access_fee, value: 20000, unit: GBP}
  - {term: royalty, value: 1, unit: "% of net revenue"}
  - {term: royalty_cap, value: 250000, unit: GBP}
  - {term: exclusivity_months, value: 24, unit: months}
  - {term: access_route, value: secure_data_environment}
"""


def problems_of(dataset, tmp_path: Path, text: str) -> list:
    path = tmp_path / "round-1.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataValidationError) as info:
        load_offer(path, dataset)
    return list(info.value.problems)


def test_every_sample_negotiation_loads_in_round_order(dataset):
    folders = negotiation_folders(dataset)
    assert [f.name for f in folders] == ["scenario-1-sme", "scenario-2-healthtech"]
    for folder in folders:
        negotiation = load_negotiation(folder, dataset)
        assert [o.round for _p, o in negotiation.offers] == list(range(1, len(negotiation.offers) + 1))
        assert {o.request for _p, o in negotiation.offers} == {negotiation.request}


def test_a_valid_offer_loads(dataset, tmp_path):
    path = tmp_path / "offer.yaml"
    path.write_text(OFFER, encoding="utf-8")
    offer = load_offer(path, dataset)
    assert offer.values()["royalty"] == 1 and offer.date == datetime.date(2025, 3, 3)


@pytest.mark.parametrize(
    ("old", "new", "field", "expected", "found"),
    [
        (
            "  - {term: royalty, value: 1,",
            "  - {term: royalti, value: 1,",
            "term",
            "a term of terms.yaml's vocabulary",
            "'royalti'",
        ),
        ("value: 1, unit", "value: 12, unit", "value", "a value within [0, 10]", "12"),
        ("value: 1, unit", "value: 150, unit", "value", "a percentage from 0 to 100", "150"),
        ("value: 20000, unit: GBP", "value: -5, unit: GBP", "value", "a number of at least 0 (GBP)", "-5"),
        ('unit: "% of net revenue"', "unit: GBP", "unit", "'% of net revenue', the unit of royalty", "'GBP'"),
        ("request: scenario-2", "request: scenario-9", "request", "a request id of the data folder", "'scenario-9'"),
        ("requester: 1", "requester: 7", "requester", "a position from 0 to 2", "7"),
        ("value: 24, unit: months", "value: 24, unit: years", "unit", "'months'", "'years'"),
        ("option: enterprise_licence", "option: licence", "option", "an option of options.yaml", "'licence'"),
        (
            "value: secure_data_environment",
            "value: the cloud",
            "value",
            "one of secure_data_environment",
            "'the cloud'",
        ),
    ],
)
def test_each_mistake_is_one_problem_naming_the_key(dataset, tmp_path, old, new, field, expected, found):
    assert old in OFFER
    problems = problems_of(dataset, tmp_path, OFFER.replace(old, new, 1))
    assert len(problems) == 1, problems
    (p,) = problems
    assert p.file.endswith("round-1.yaml")
    assert p.field == field and expected in p.expected and p.found == found, p


def test_several_mistakes_are_all_listed(dataset, tmp_path):
    text = OFFER.replace("value: 1, unit", "value: 150, unit").replace("value: 20000", "value: -1")
    problems = problems_of(dataset, tmp_path, text.replace("royalty_cap, value: 250000", "cap, value: 250000"))
    assert [p.location for p in problems] == ["terms[0] (access_fee)", "terms[1] (royalty)", "terms[2] (cap)"]


def test_a_term_named_twice_and_a_fact_the_request_states(dataset, tmp_path):
    text = OFFER + '  - {term: royalty, value: 2, unit: "% of net revenue"}\n'
    text = text.replace(
        "option: enterprise_licence", "option: enterprise_licence\nfacts: {profit_stage: pre_profit, sector: pharma}"
    )
    problems = problems_of(dataset, tmp_path, text)
    assert {(p.field, p.found) for p in problems} == {("term", "'royalty' again"), ("sector", "no such fact")}
    stated = OFFER.replace("request: scenario-2\nrequester: 1", "request: scenario-3\nrequester: 0").replace(
        "option: enterprise_licence", "facts: {curation: raw}"
    )
    (p,) = problems_of(dataset, tmp_path, stated)
    assert p.field == "curation" and "it states curation = curated" in p.expected


def test_a_file_that_is_not_an_offer_says_so(dataset, tmp_path):
    (p,) = problems_of(dataset, tmp_path, "- just\n- a list\n")
    assert "this file is not an offer" in p.found


def test_rounds_must_be_numbered_as_their_files(dataset, data_copy):
    folder = data_copy / "negotiations" / "scenario-2-healthtech"
    text = (folder / "round-3.yaml").read_text().replace("round: 3", "round: 4")
    (folder / "round-3.yaml").write_text(text)
    from imaging_value import load_dataset

    with pytest.raises(DataValidationError) as info:
        load_negotiation(folder, load_dataset(data_copy))
    (p,) = info.value.problems
    assert p.field == "round" and p.found == "4" and p.file.endswith("round-3.yaml")


def test_the_range_is_the_options_template_else_the_widest(dataset):
    assert term_range(dataset, "royalty", "enterprise_licence") == (0.0, 10.0)
    assert term_range(dataset, "milestone:first_sale", "scale_up_licence") == (0.0, 1_000_000.0)
    assert term_range(dataset, "milestone:first_sale", None) == (0.0, 2_000_000.0)
    assert term_range(dataset, "access_fee", None) == (0.0, None)  # priced at cost: no range in terms.yaml


def test_an_offer_written_reads_back_and_is_never_overwritten(dataset, data_copy):
    from imaging_value import load_dataset

    copy = load_dataset(data_copy)
    folder = data_copy / "negotiations" / "scenario-2-healthtech"
    offer = load_offer(folder / "round-3.yaml", copy)
    target = next_round_path(folder)
    assert target.name == "round-4.yaml"
    nxt = offer.model_copy(update={"round": 4, "made_by": "consortium"})
    save_offer(copy, nxt, target, ("a comment",))
    assert target.read_text().startswith("# a comment\n")
    assert load_offer(target, copy) == nxt
    assert len(load_negotiation(folder, copy).offers) == 4
    with pytest.raises(DataValidationError, match="never overwritten"):
        save_offer(copy, nxt, target)
    bad = nxt.model_copy(update={"round": 5, "terms": nxt.terms[:1] + (nxt.terms[0].model_copy(update={"value": -1}),)})
    with pytest.raises(DataValidationError):
        save_offer(copy, bad, next_round_path(folder))
    assert not (folder / "round-5.yaml").exists()  # nothing half-written


def test_offer_yaml_round_trips(dataset):
    offer = load_offer("negotiations/scenario-1-sme/round-2.yaml", dataset)
    assert Offer.model_validate(yaml.safe_load(offer_yaml(offer))) == offer
