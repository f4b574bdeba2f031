"""The optional commercial lever from expected NHS value: off by default (today's answers), on by a data switch."""

from __future__ import annotations

import pytest
import yaml

from imaging_value import DataValidationError, load_dataset, load_request, score_options
from imaging_value.framework.appraisal import appraise_requester
from imaging_value.framework.lever_value import SEED, lever_comparison, score_table, switched_on, value_scores
from imaging_value.model.assumptions import load_assumptions


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
    table = score_table(dataset, request, 0)
    assert score_options(dataset, request, 0).scores["commercial"].to_dict() != table.scores["commercial"].to_dict()
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


@pytest.mark.parametrize("switch, on", [({"value": False}, False), ({"value": True}, True)])
def test_the_switch_is_read_from_the_validated_folder(data_copy, switch, on):
    path = data_copy / "valuation.yaml"
    data = yaml.safe_load(path.read_text())
    data["commercial_lever_from_value"].update(switch)
    path.write_text(yaml.safe_dump(data))
    dataset = load_dataset(data_copy)
    assert (switched_on(dataset) is not None) is on
    fired = set(score_table(dataset, load_request("scenario-3", dataset), 0).fired["id"])
    assert ("commercial-from-value" in fired) is on


@pytest.mark.parametrize("switch", [{"value": "maybe"}, None])
def test_a_switch_in_a_file_that_fails_validation_is_an_error_never_a_silent_off(data_copy, switch):
    """An invalid valuation.yaml stops the load, naming the file and the key: the switch is never guessed."""
    path = data_copy / "valuation.yaml"
    data = yaml.safe_load(path.read_text())
    data["commercial_lever_from_value"]["value"] = True
    if switch is None:
        del data["commercial_lever_from_value"]
    else:
        data["commercial_lever_from_value"].update(switch)
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(DataValidationError) as caught:
        load_dataset(data_copy)
    assert any(
        p.file == "valuation.yaml" and "commercial_lever_from_value" in f"{p.location} {p.field}"
        for p in caught.value.problems
    )
