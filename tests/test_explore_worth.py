"""The explorer's "What it is worth" panel: its controls reprice and its charts follow."""

from __future__ import annotations

import pytest

from imaging_value.capabilities.value import WORTH_FIGURES
from imaging_value.explore.explorer import Explorer


@pytest.fixture(scope="module")
def explorer(samples):
    return Explorer(samples, request="scenario-3", debounce=0.0)


def _mean(explorer) -> float:
    panel = explorer.worth
    return panel.value.option(panel._option).mean


def test_the_panel_prices_the_recommended_agreement(explorer):
    panel = explorer.worth
    assert panel.value is not None and panel._option == "scale_up_licence"
    assert "Scale-up licence" in panel.summary.value and "fair royalty" in panel.summary.value
    assert all(len(panel.figures[name].data) > 0 for name in WORTH_FIGURES)
    from imaging_value import load_request
    from imaging_value.engine.case import Case

    case = Case(explorer.dataset, load_request("scenario-3", explorer.dataset))
    royalty = case.agreements(0)[0].sheet.value("royalty")  # the term sheet's proportionate royalty
    assert royalty > 0 and panel.royalty.value == pytest.approx(round(royalty, 1), abs=0.05)


def test_each_control_moves_the_value_the_right_way(explorer):
    panel = explorer.worth
    base = _mean(explorer)
    panel.rate.value = 8.0
    assert _mean(explorer) < base
    panel.rate.value = 3.5
    assert _mean(explorer) == pytest.approx(base)
    royalty = panel.royalty.value
    panel.royalty.value = royalty + 3.0
    assert _mean(explorer) > base
    panel.royalty.value = royalty
    panel.scenario.value = "high"
    high = _mean(explorer)
    assert high > base
    box = panel.figures["worth_box"]
    means = {trace.name: trace.mean[0] for trace in box.data}
    assert means["Scale-up licence"] == pytest.approx(high)
    panel.scenario.value = "central"


def test_a_broken_assumptions_file_stops_the_explorer_naming_it(data_copy):
    """valuation.yaml is part of the data folder: broken, it is named with every problem, never skipped."""
    from imaging_value import DataValidationError

    (data_copy / "valuation.yaml").write_text("discount_rate: {value: -1}\n")
    with pytest.raises(DataValidationError, match="valuation.yaml: discount_rate"):
        Explorer(data_copy, request="scenario-3", debounce=0.0)


def test_a_folder_without_assumptions_says_nothing_is_priced(data_copy):
    (data_copy / "valuation.yaml").unlink()
    explorer = Explorer(data_copy, request="scenario-3", debounce=0.0)
    assert "no valuation.yaml" in explorer.worth.summary.value
