"""The request report's "What it is worth" section: the numbers it shows are the valuation's, escaped."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest
import yaml

import imaging_value.reports as rp
from conftest import seen, texts
from imaging_value import load_dataset, load_request
from imaging_value.core.errors import DataValidationError
from imaging_value.framework.appraisal import appraise_requester, tornado
from imaging_value.model.assumptions import load_assumptions

XSS = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def section(samples):
    report = rp.request_report(request="scenario-3", data_dir=str(samples), seed=7)
    return report.section("value")


def test_the_section_has_its_tables_and_four_figures_per_requester(section):
    html = [item for item in section if isinstance(item, str)]
    figures = [item for item in section if isinstance(item, go.Figure)]
    assert texts(html[0], "h2")[0] == "What it is worth" and "HM Treasury Green Book" in seen(html[0])
    assert len(figures) == 4
    titles = [f.layout.title.text for f in figures]
    assert titles[0].startswith("NPV to the NHS by option") and titles[1].startswith("The recommended agreement")
    assert titles[2].startswith("What moves its value") and titles[3].startswith("Fair share")
    assert "fair royalty" in html[1] and "Assumptions behind these numbers" in html[1]


def test_the_section_shows_the_valuations_numbers(samples, section):
    dataset = load_dataset(samples)
    spec = load_assumptions(samples)
    request = load_request("scenario-3", dataset)
    value = appraise_requester(dataset, spec, request, 0, seed=7)
    scale_up = value.option("scale_up_licence")
    assert f"£{scale_up.mean:,.0f}" in section[1]
    box = section[2]
    means = {trace.name: trace.mean[0] for trace in box.data}
    assert means["Scale-up licence"] == pytest.approx(scale_up.mean)


def test_the_tornado_moves_value_the_right_way(samples):
    dataset = load_dataset(samples)
    spec = load_assumptions(samples)
    request = load_request("scenario-3", dataset)
    table = tornado(dataset, spec, request, 0, "scale_up_licence", draws=4000, seed=1).set_index("assumption")
    assert table.loc["discount rate", "low"] > table.loc["discount rate", "high"]  # a lower rate is worth more
    assert table.loc["net revenue", "high"] > table.loc["net revenue", "low"]
    assert table.loc["cost of access", "low"] > table.loc["cost of access", "high"]
    assert (table["swing"].diff().dropna() <= 0).all()


def test_text_from_data_is_escaped(data_copy):
    path = data_copy / "requests" / "scenario-3.yaml"
    request = yaml.safe_load(path.read_text())
    request["requesters"][0]["name"] = XSS
    path.write_text(yaml.safe_dump(request))
    valuation = yaml.safe_load((data_copy / "valuation.yaml").read_text())
    valuation["revenue"][2]["rationale"] = XSS
    valuation["draws"]["value"] = 2000
    (data_copy / "valuation.yaml").write_text(yaml.safe_dump(valuation))
    items = rp.request_report(request="scenario-3", data_dir=str(data_copy)).section("value")
    text = "".join(item for item in items if isinstance(item, str))
    assert XSS not in text and "&lt;script&gt;" in text
    for figure in (item for item in items if isinstance(item, go.Figure)):
        assert XSS not in figure.to_json()


def test_a_data_folder_without_valuation_yaml_says_so(data_copy):
    (data_copy / "valuation.yaml").unlink()
    items = rp.request_report(request="scenario-3", data_dir=str(data_copy)).section("value")
    assert len(items) == 1 and "no valuation.yaml" in items[0]


def test_a_broken_valuation_yaml_stops_the_section_with_its_problems(data_copy):
    (data_copy / "valuation.yaml").write_text("discount_rate: {value: -1}\n")
    with pytest.raises(DataValidationError, match="valuation.yaml"):
        rp.request_report(request="scenario-3", data_dir=str(data_copy)).section("value")
