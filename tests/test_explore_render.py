"""The explorer renders what it shows: every setting on screen goes into the board report and its parameters
file, the index names the view truthfully, and no widget clamps a value the data allows."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from imaging_value.core.wording import money
from imaging_value.explore.explorer import Explorer
from imaging_value.model.params import RequestParams
from imaging_value.render.pack import render_request_report, view_label
from imaging_value.reports.request import request_report


def shown_mean(explorer: Explorer) -> float:
    """The expected NHS value the worth panel shows for the recommended agreement."""
    panel = explorer.worth
    return panel.value.option(panel._option).mean


@pytest.mark.slow  # a real render: papermill and a kernel
def test_the_board_report_shows_the_discount_rate_revenue_and_royalty_on_screen(data_copy: Path, tmp_path: Path):
    explorer = Explorer(data_copy, out_dir=tmp_path / "reports", request="scenario-3", n_samples=200, debounce=0.0)
    panel = explorer.worth
    panel.rate.value = 6.0
    panel.scenario.value = "high"
    panel.royalty.value = 5.0
    on_screen = money(shown_mean(explorer), pence=False)
    assert on_screen in panel.summary.value
    parameters = explorer.render_parameters()
    params = parameters["params"]
    assert (params.discount_rate, params.revenue_scenario, params.royalty) == (0.06, "high", 5.0)
    assert params.weights == {}  # the equal weights on screen are the report's default view
    rendered = render_request_report(**parameters)
    page = rendered.html.read_text(encoding="utf-8")
    assert on_screen in page  # the value section prices what the panel priced
    assert "6.0% a year" in page  # the assumptions table's discount rate
    saved = yaml.safe_load(rendered.parameters.read_text(encoding="utf-8"))
    assert (saved["discount_rate"], saved["revenue_scenario"], saved["royalty"]) == (0.06, "high", 5.0)
    index = (rendered.html.parent / "index.html").read_text(encoding="utf-8")
    assert "equal weights; discount rate 6.00%; high revenue; royalty 5%" in index
    assert "custom weights" not in index and "-equal-" in rendered.html.name


def test_the_request_report_prices_as_the_command_line_does(cli, samples):
    """The report's table of every option at a discount rate of 6%: the `value` command's numbers."""
    said = cli("value", "scenario-1", "--discount-rate", "0.06", "--json")
    assert said.code == 0, said.err
    means = {o["option"]: o["npv"]["mean"] for o in said.json()["results"][0]["options"]}
    report = request_report("scenario-1", requester=0, discount_rate=0.06, samples=200, data_dir=str(samples))
    section = report.html("value")
    assert all(money(mean, pence=False) in section for mean in means.values())
    assert "6.0% a year" in section
    assert report.parameters["discount rate"] == "6.00%"
    default = request_report("scenario-1", requester=0, samples=200, data_dir=str(samples))
    assert default.parameters["discount rate"] == "valuation.yaml's (3.50%)"
    assert money(means["sme_incubation"], pence=False) not in default.html("value")


def test_a_royalty_the_terms_allow_is_shown_and_priced_unclamped(data_copy: Path):
    """terms.yaml allows the scale-up licence a royalty of 25% (up to 30%): the slider shows 25% and the
    panel prices 25%, as the report does."""
    terms = data_copy / "terms.yaml"
    text = terms.read_text(encoding="utf-8")
    head, option, rest = text.partition("- option: scale_up_licence\n")
    old = "{term: royalty, value: proportionate, min: 0, max: 25,"
    assert option and old in rest
    terms.write_text(head + option + rest.replace(old, "{term: royalty, value: 25, min: 0, max: 30,", 1))
    explorer = Explorer(data_copy, request="scenario-3", n_samples=200, debounce=0.0)
    panel = explorer.worth
    assert panel._option == "scale_up_licence"
    assert (panel.royalty.value, panel.royalty.max) == (25.0, 30.0)
    assert panel.settings()["royalty"] is None  # the term sheet's own
    report = request_report("scenario-3", requester=0, samples=200, data_dir=str(data_copy))
    assert money(shown_mean(explorer), pence=False) in report.html("value")
    panel.royalty.value = 30.0  # the most terms.yaml allows: not clamped either
    assert panel.royalty.value == 30.0 and "royalty of 30%" in panel.summary.value


def test_a_discount_rate_the_data_allows_is_shown_unclamped(data_copy: Path):
    valuation = data_copy / "valuation.yaml"
    text = valuation.read_text(encoding="utf-8")
    assert "  value: 0.035\n  range: [0.015, 0.06]" in text
    valuation.write_text(text.replace("  value: 0.035\n  range: [0.015, 0.06]", "  value: 0.35\n  range: [0.015, 0.4]"))
    explorer = Explorer(data_copy, request="scenario-3", n_samples=200, debounce=0.0)
    assert explorer.worth.rate.value == 35.0 and explorer.worth.rate.max == 100.0
    assert explorer.worth.value.assumptions.discount_rate == pytest.approx(0.35)


def test_the_discount_rate_box_shows_the_rate_as_written(samples):
    explorer = Explorer(samples, request="scenario-3", n_samples=200, debounce=0.0)
    assert explorer.worth.rate.value == 3.5  # not 3.5000000000000004, drawn as 3.500000000
    assert explorer.worth.settings()["discount_rate"] == 0.035


@pytest.mark.parametrize(
    ("values", "label"),
    [
        ({}, "equal weights"),
        ({"weights": {"clinical": 1, "commercial": 3}}, "custom weights"),
        ({"profile": "clinicians"}, "Clinicians"),
        ({"discount_rate": 0.035}, "equal weights"),  # valuation.yaml's own rate: nothing to say
        (
            {"discount_rate": 0.06, "total": 5e5, "seed": 7},
            "equal weights; discount rate 6.00%; total £500,000; seed 7",
        ),
    ],
)
def test_the_index_names_the_view_truthfully(values, label, dataset):
    assert view_label(RequestParams(**values), dataset) == label
