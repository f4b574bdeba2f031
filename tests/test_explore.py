"""The interactive explorer, in process: widgets, recomputes, in-place chart updates, errors, debounce."""

from __future__ import annotations

import ast
import time
from pathlib import Path

import ipywidgets as widgets
import nbformat
import plotly.graph_objects as go
import pytest

from conftest import seen, texts
from imaging_value import load_request, scan_requests
from imaging_value.core.defaults import DEFAULT_SAMPLES, DEFAULT_SEED
from imaging_value.core.errors import ParameterError
from imaging_value.explore.explorer import Explorer, ExplorerApp, explore, sync_figure
from imaging_value.framework.analysis import profile_weights
from imaging_value.framework.scoring import rank_options, score_options

ROOT = Path(__file__).resolve().parents[1]
BROKEN_REQUEST = """id: broken
title: "A request with two mistakes"
temporality: sometimes
curation: raw
deidentification: [anonymised]
data_types: [CT]
sites: {count: 2}
requesters:
  - {kind: sme, profit_stage: pre_profit, sector: healthtech, staff: "<50"}
"""


def expected_order(dataset, request_id: str, weights: dict[str, float] | None, requester: int = 0) -> tuple[str, ...]:
    """The ranking the library gives (the command line prints the same)."""
    table = score_options(dataset, load_request(request_id, dataset), requester)
    return rank_options(table, weights).order


@pytest.fixture(scope="module")
def shared(samples, tmp_path_factory) -> Explorer:
    """One explorer for the module; anything it would render goes into a temporary folder, never reports/."""
    return Explorer(samples, out_dir=tmp_path_factory.mktemp("explorer") / "reports", debounce=0.2)


@pytest.fixture()
def explorer(shared: Explorer) -> Explorer:
    """The module's explorer, back on scenario-1, requester 0, equal weights."""
    shared.request_picker.value = "scenario-1"
    shared.requester_picker.value = 0
    shared.reset()
    return shared


def label_texts(explorer: Explorer) -> dict[str, str]:
    return {lever: label.value for lever, label in explorer.weight_labels.items()}


def test_a_new_explorer_shows_the_weight_shares_at_once(samples):
    fresh = Explorer(samples, n_samples=200)
    assert "Clinical 20%" in fresh.weight_labels["clinical"].value


def test_weight_labels_show_the_normalised_shares(explorer: Explorer):
    assert all(
        f"{lever_label} 20%" in label_texts(explorer)[lever]
        for lever, lever_label in ((lv.id, lv.label) for lv in explorer.dataset.levers)
    )
    explorer.set_weights({"clinical": 3, "commercial": 1})
    labels = label_texts(explorer)
    assert "Clinical 75%" in labels["clinical"]
    assert "Commercial 25%" in labels["commercial"]
    assert "Social 0%" in labels["social"]


def test_moving_a_slider_changes_the_ranking_as_the_data_says(explorer: Explorer, dataset):
    equal = expected_order(dataset, "scenario-1", None)
    assert explorer.current_ranking() == equal
    assert equal[0] == "sme_incubation"
    for lever, slider in explorer.sliders.items():
        slider.value = 1.0 if lever == "commercial" else 0.0
    explorer.refresh()
    commercial = expected_order(dataset, "scenario-1", {"commercial": 1})
    assert explorer.current_ranking() == commercial
    assert commercial[0] != equal[0]
    # the chart shows it: the ranking figure lists options bottom-up, best last
    assert explorer.figures["ranking"].data[0].y[-1] == dataset.label(commercial[0])
    assert dataset.label(commercial[0]) in explorer.summary.value


def test_the_profile_picker_moves_the_sliders(explorer: Explorer, dataset):
    explorer.profile_picker.value = "nhs_finance"
    weights = profile_weights(dataset)["nhs_finance"]
    assert {lever: s.value for lever, s in explorer.sliders.items()} == pytest.approx(weights)
    assert "Commercial 50%" in explorer.weight_labels["commercial"].value
    assert explorer.current_ranking() == expected_order(dataset, "scenario-1", weights)
    explorer.sliders["social"].value = 0.9  # a hand move makes the weights custom again
    assert explorer.profile_picker.value == ""


def test_reset_gives_equal_weights(explorer: Explorer):
    explorer.set_weights({"environmental": 1})
    explorer.reset_button.click()
    assert len({s.value for s in explorer.sliders.values()}) == 1
    assert all("20%" in text for text in label_texts(explorer).values())


def test_all_zero_weights_give_the_command_lines_error_and_recover(explorer: Explorer, dataset, cli):
    import html

    explorer.set_weights({})
    zero = ",".join(f"{lever}=0" for lever in explorer.sliders)
    said = cli("rank", "scenario-1", "--weights", zero)
    assert said.code == 2 and said.err.startswith("error: ")
    message = html.unescape(explorer.message.value)
    assert said.err.removeprefix("error: ").strip() in message and "&ndash;" not in message
    assert all(label.value.endswith("\u2013</span>") for label in explorer.weight_labels.values())  # an en dash
    # nothing that follows the weights stays on screen: the ranking, the agreement to sign, its value, what changed
    assert explorer.weighted_box.layout.display == "none"
    for name, panel in explorer.panels.items():
        if panel.weighted:
            assert panel.box.layout.display == "none", name
    assert explorer.current_ranking() == ()
    with pytest.raises(ParameterError, match="at least one positive weight"):
        explorer.render_parameters()
    explorer.sliders["social"].value = 1.0
    explorer.refresh()
    assert explorer.message.value == ""
    assert explorer.weighted_box.layout.display != "none"
    assert all(panel.box.layout.display != "none" for panel in explorer.panels.values() if panel.weighted)
    assert explorer.current_ranking() == expected_order(dataset, "scenario-1", {"social": 1})


def test_an_invalid_request_file_is_listed_and_explained(data_copy: Path, dataset):
    (data_copy / "requests" / "broken.yaml").write_text(BROKEN_REQUEST, encoding="utf-8")
    app = explore(data_copy, request="broken")
    assert isinstance(app, ExplorerApp)
    explorer = app.explorer
    assert ("broken (invalid)", "broken") in explorer.request_picker.options
    error = next(e.error for e in scan_requests(explorer.dataset) if e.id == "broken")
    assert "temporality" in error.one_line()
    assert "temporality" in explorer.message.value
    assert explorer.request_box.layout.display == "none"
    assert explorer.current_ranking() == ()
    explorer.set_weights({"clinical": 1})  # the sliders do not break on an invalid request
    explorer.request_picker.value = "scenario-1"
    assert explorer.message.value == ""
    assert explorer.request_box.layout.display != "none"
    assert explorer.current_ranking() == expected_order(dataset, "scenario-1", {"clinical": 1})


def test_a_broken_data_folder_gives_a_message_not_an_exception(data_copy: Path):
    (data_copy / "levers.yaml").unlink()
    widget = explore(data_copy)
    assert isinstance(widget, widgets.HTML)
    assert "levers.yaml" in widget.value


def test_figures_are_updated_in_place(explorer: Explorer):
    before = dict(explorer.figures)
    assert set(before) == {"ranking", "stability", "tree", "lever_profile", "acceptability", "alignment", "split"}
    assert all(isinstance(f, go.FigureWidget) for f in before.values())
    x_before = explorer.figures["ranking"].data[0].x
    explorer.set_weights({"clinical": 1})
    explorer.request_picker.value = "scenario-2"  # 20 sites instead of 15: the split chart's bars change
    assert all(explorer.figures[name] is before[name] for name in before)
    assert explorer.figures["ranking"].data[0].x != x_before
    assert len(explorer.figures["split"].data[0].x) == 20


def test_sync_figure_copies_traces_and_layout_onto_the_widget():
    widget = go.FigureWidget()
    sync_figure(widget, go.Figure(go.Bar(x=[1, 2], y=[3, 4], marker_color="red"), layout_title_text="one"))
    first = widget.data[0]
    sync_figure(widget, go.Figure(go.Bar(x=[5, 6], y=[7, 8]), layout_title_text="two"))
    assert widget.data[0] is first  # same trace object, new values
    assert widget.data[0].x == (5, 6) and widget.data[0].marker.color is None
    assert widget.layout.title.text == "two"
    sync_figure(widget, go.Figure([go.Bar(x=[1], y=[1]), go.Scatter(x=[1], y=[2])]))
    assert [t.type for t in widget.data] == ["bar", "scatter"]


def test_sync_figure_leaves_the_widget_equal_to_the_figure_and_independent_of_it():
    widget = go.FigureWidget()
    figure = go.Figure(
        go.Bar(x=[1, 2], y=[3, 4], marker=dict(color=["red", "blue"])),
        layout=dict(title_text="one", xaxis=dict(range=[0, 3])),
    )
    sync_figure(widget, go.Figure(go.Bar(x=[9], y=[9]), layout_title_text="zero"))
    sync_figure(widget, figure)
    bar = {k: v for k, v in figure.data[0].to_plotly_json().items() if k != "uid"}
    assert {k: v for k, v in widget.data[0].to_plotly_json().items() if k != "uid"} == {
        k: list(v) if isinstance(v, tuple) else v for k, v in bar.items()
    }
    assert widget.layout.to_plotly_json() == figure.layout.to_plotly_json()
    figure.data[0].marker.color = ["green", "green"]  # the figure changed afterwards: the widget is not
    figure.layout.xaxis.range = [5, 6]
    assert widget.data[0].marker.color == ("red", "blue") and widget.layout.xaxis.range == (0, 3)


def test_rapid_slider_moves_collapse_into_few_recomputes(explorer: Explorer, dataset):
    start = explorer.recompute_count
    for step in range(1, 31):
        explorer.sliders["commercial"].value = step / 30
        explorer.sliders["clinical"].value = 1 - step / 30
    assert explorer.current_ranking() == expected_order(dataset, "scenario-1", None)  # nothing recomputed yet
    deadline = time.monotonic() + 5
    while explorer.recompute_count == start and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.4)  # a second recompute, if any, would have happened by now
    assert 1 <= explorer.recompute_count - start <= 2
    final = {lever: s.value for lever, s in explorer.sliders.items()}
    assert explorer.current_ranking() == expected_order(dataset, "scenario-1", final)


def test_the_requester_picker_appears_where_a_request_has_several(explorer: Explorer, dataset):
    assert explorer.requester_picker.layout.display == "none"
    explorer.request_picker.value = "scenario-2"
    assert explorer.requester_picker.layout.display != "none"
    assert len(explorer.requester_picker.options) == len(load_request("scenario-2", dataset).requesters) == 3
    explorer.requester_picker.value = 1
    assert explorer.current_ranking() == expected_order(dataset, "scenario-2", None, requester=1)
    assert explorer.current_ranking() != expected_order(dataset, "scenario-2", None, requester=0)


def test_the_tree_path_lists_steps_rationales_and_assumptions(explorer: Explorer):
    text = explorer.path_html.value
    assert "Recommended: SME incubation" in seen(text)
    assert "assuming profit stage = pre_profit" in text  # scenario-1 leaves the profit stage unstated
    assert texts(text, "li") and "(assumed)" in seen(text)


def test_the_split_follows_the_typed_total(explorer: Explorer):
    explorer.split_total.value = 1234.56
    for trace in explorer.figures["split"].data:
        assert sum(trace.y) == pytest.approx(1234.56, abs=1e-9)
    explorer.split_total.value = 10.005  # more than two decimal places: the rule cannot pay it to the penny
    assert "decimal" in explorer.split_message.value
    explorer.split_total.value = 1_000_000


class FakeReport:
    def __init__(self, out_dir: Path):
        self.html = Path(out_dir).resolve() / "request-scenario-1-r0-custom.html"
        self.parameters = self.html.with_suffix(".params.yaml")


def test_the_render_button_calls_render_in_the_background(explorer: Explorer, monkeypatch):
    calls = []

    def fake(params, **kwargs):
        calls.append((params, kwargs))
        return FakeReport(kwargs["out_dir"])

    monkeypatch.setattr(explorer, "renderer", fake)
    explorer.set_weights({"clinical": 1, "commercial": 1})
    explorer.render_button.click()
    explorer.render_thread.join(10)
    params, kwargs = calls[-1]
    assert params.request == "scenario-1"
    assert params.requester == 0 and params.profile == ""
    assert params.weights == pytest.approx(
        {"clinical": 0.5, "social": 0, "economic_development": 0, "environmental": 0, "commercial": 0.5}
    )
    # the pack's seed and samples: the board report gives the figures `make report` gives for these weights
    assert (params.seed, params.samples) == (DEFAULT_SEED, DEFAULT_SAMPLES) == (explorer.seed, explorer.n_samples)
    status = explorer.render_status.value
    assert "reports/request-scenario-1-r0-custom.html" in status
    assert str(ROOT) not in status  # no absolute local path
    assert not explorer.render_button.disabled

    explorer.profile_picker.value = "clinicians"
    explorer.render_button.click()
    explorer.render_thread.join(10)
    assert calls[-1][0].profile == "clinicians" and calls[-1][0].weights == {}


def test_a_failing_render_shows_one_line_and_frees_the_button(explorer: Explorer, monkeypatch):
    def failing(params, **kwargs):
        raise RuntimeError("papermill said no\nwith a second line")

    monkeypatch.setattr(explorer, "renderer", failing)
    explorer.render_button.click()
    explorer.render_thread.join(10)
    assert "The report failed: papermill said no with a second line" in explorer.render_status.value
    assert not explorer.render_button.disabled


def test_the_notebook_is_thin_and_stored_without_outputs():
    nb = nbformat.read(ROOT / "notebooks" / "00-explore.ipynb", as_version=4)
    nbformat.validate(nb)
    assert nb.cells[0].cell_type == "markdown"
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "ex.explore(" in code
    assert not [n for n in ast.walk(ast.parse(code)) if isinstance(n, (ast.FunctionDef, ast.ClassDef))]
    assert all(c.outputs == [] for c in nb.cells if c.cell_type == "code")


def test_a_data_folder_without_requests_says_so(data_copy: Path):
    for path in (data_copy / "requests").glob("*.yaml"):
        path.unlink()
    explorer = explore(data_copy).explorer
    assert explorer.request_picker.options == ()
    assert "No request files" in explorer.message.value
    explorer.set_weights({"clinical": 1})
    assert explorer.current_ranking() == ()
