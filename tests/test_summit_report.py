"""The grand summit report (04-summit.ipynb) as rendered into the pack."""

from __future__ import annotations

import pytest

from imaging_value import load_dataset
from imaging_value.core.errors import ParameterError
from imaging_value.framework.summit import grand_summit
from imaging_value.reports.summit import summit_report


def test_summit_report_in_the_pack(pack, samples):
    page = (pack / "summit-illustrative.html").read_text(encoding="utf-8")
    result = grand_summit(
        load_dataset(pack.parent / "data"), "illustrative", samples=10
    )  # the samples plus a hostile request
    for text in (
        "Grand summit: illustrative",
        "Each group's weights",
        "Where the groups disagree",
        "minimax-regret",
        "How firm is the compromise?",
        "each group weighing the same",
        "summits/illustrative/clinicians.yaml",
        "Illustrative answers",
        "seed",
    ):
        assert text in page, text
    for lever, weight in result.compromise_weights.items():
        assert f"{weight:.3f}" in page, lever
    assert page.count("Plotly.newPlot") == 1 + len(result.requests)  # weights chart + one acceptability each
    index = (pack / "index.html").read_text(encoding="utf-8")
    assert 'href="summit-illustrative.html"' in index and "Grand summit: illustrative" in index


def test_no_summit_folder_no_summit_report(data_copy):
    import shutil

    from imaging_value.render.pack import plan_jobs

    assert [j.name for j in plan_jobs(data_copy, everything=True) if j.kind == "summit"] == ["summit-illustrative"]
    shutil.rmtree(data_copy / "summits")
    assert [j for j in plan_jobs(data_copy, everything=True) if j.kind == "summit"] == []


def test_summit_report_parameters_are_checked(samples):
    with pytest.raises(ParameterError, match="summit"):
        summit_report(summit="nope", data_dir=str(samples))
    with pytest.raises(ParameterError, match="samples"):
        summit_report(samples=0, data_dir=str(samples))
    hostile = summit_report(data_dir=str(samples), samples=50)
    assert "<script" not in hostile.requests() and "<script" not in hostile.groups()


def test_the_explorers_render_button_with_a_summit_profile(tmp_path, samples):
    from imaging_value.model.params import RequestParams
    from imaging_value.render.pack import render_request_report

    params = RequestParams(request="scenario-1", requester=0, profile="illustrative/smes", samples=200)
    rendered = render_request_report(params, data_dir=samples, out_dir=tmp_path)
    assert rendered.html.parent == tmp_path and "illustrative-smes" in rendered.html.name
    page = rendered.html.read_text(encoding="utf-8")
    assert "elicited at summit illustrative on 2026-11-18 from 3 participants" in page
    assert "illustrative/smes" in rendered.parameters.read_text(encoding="utf-8")
