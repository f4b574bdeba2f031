"""The optional commercial lever from expected NHS value: off by default (today's answers), on by a data switch."""

from __future__ import annotations

import pytest
import yaml

from imaging_value import load_dataset, load_request, score_options
from imaging_value.model.assumptions import load_assumptions
from imaging_value.framework.appraisal import appraise_requester
from imaging_value.framework.lever_value import SEED, lever_comparison, value_scores


def test_value_scores_scale_across_options():
    assert value_scores({"a": 100.0, "b": 300.0, "c": 200.0}) == {"a": 0.0, "b": 10.0, "c": 5.0}
    assert value_scores({"a": 7.0, "b": 7.0}) == {"a": 5.0, "b": 5.0}


def test_off_by_default_keeps_the_judgement_table(samples, dataset):
    assert load_assumptions(samples).commercial_lever_from_value.value is False
    request = load_request("scenario-3", dataset)
    table = score_options(dataset, request, 0)
    assert "commercial-from-value" not in set(table.fired["id"])
    judgement = {c.option: c.score for c in dataset.base_scores if c.lever == "commercial"}
    for option, delta in table.fired[table.fired["lever"] == "commercial"].groupby("option")["delta"].sum().items():
        judgement[option] += delta
    assert table.scores["commercial"].to_dict() == pytest.approx({o: min(10, max(0, s)) for o, s in judgement.items()})


def test_switched_on_the_commercial_lever_follows_expected_value(samples, data_copy):
    path = data_copy / "valuation.yaml"
    data = yaml.safe_load(path.read_text())
    data["commercial_lever_from_value"]["value"] = True
    data["draws"]["value"] = 3000
    path.write_text(yaml.safe_dump(data))
    dataset = load_dataset(data_copy)
    spec = load_assumptions(data_copy)
    request = load_request("scenario-3", dataset)
    table = score_options(dataset, request, 0)
    value = appraise_requester(dataset, spec, request, 0, seed=SEED, fair=False)
    expected = value_scores({v.option: v.mean for v in value.options})
    assert table.scores["commercial"].to_dict() == pytest.approx(expected)
    best = max(expected, key=expected.get)
    assert table.scores.loc[best, "commercial"] == 10.0
    side = lever_comparison(dataset, spec, request, 0).set_index("option")
    assert (side["in_use"] == "from value").all()
    assert side["from_value"].to_dict() == pytest.approx(expected)
    # the judgement column is what the judgement table gives with the switch off (the samples)
    samples_dataset = load_dataset(samples)
    off = score_options(samples_dataset, load_request("scenario-3", samples_dataset), 0)
    assert side["judgement"].to_dict() == pytest.approx(off.scores["commercial"].to_dict())


@pytest.mark.parametrize("switch, on", [
    ({"value": False}, False),
    ({"value": True}, True),
    ({"value": "yes"}, True),  # text the full validation reads as true: the quick look defers to it
    ({"value": "maybe"}, False),  # not a boolean: the file fails validation, so the switch stays off
    (None, False),  # the switch left out: the file fails validation
])
def test_the_quick_look_at_the_switch_agrees_with_validating_the_whole_file(data_copy, switch, on):
    from imaging_value.core.errors import DataValidationError
    from imaging_value.framework.lever_value import switched_on

    path = data_copy / "valuation.yaml"
    data = yaml.safe_load(path.read_text())
    if switch is None:
        del data["commercial_lever_from_value"]
    else:
        data["commercial_lever_from_value"].update(switch)
    path.write_text(yaml.safe_dump(data))
    try:
        validated = load_assumptions(data_copy).commercial_lever_from_value.value
    except DataValidationError:
        validated = False
    assert validated is on
    assert (switched_on(data_copy) is not None) is on


def test_a_switch_turned_on_in_a_file_that_fails_validation_leaves_the_judgement_table(data_copy):
    from imaging_value.framework.lever_value import switched_on

    path = data_copy / "valuation.yaml"
    data = yaml.safe_load(path.read_text())
    data["commercial_lever_from_value"]["value"] = True
    data["draws"]["value"] = -1
    path.write_text(yaml.safe_dump(data))
    assert switched_on(data_copy) is None
