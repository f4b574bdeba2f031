"""The facilitator form: live weights and consistency, and a saved file that elicit reads back."""

from __future__ import annotations

import shutil
from fractions import Fraction

import pytest

from conftest import LEVER_IDS, SAMPLES
from imaging_value.explore.summit_form import SummitForm
from imaging_value.maths.elicit import ahp, ahp_matrix, swing_weights
from imaging_value.model.summit_files import read_answer_file


@pytest.fixture(autouse=True)
def levers_in(tmp_path):
    """The form and elicit read the levers from the data folder's levers.yaml."""
    shutil.copy(SAMPLES / "levers.yaml", tmp_path / "levers.yaml")


def fill(form, method, values):
    form.tabs.selected_index = ["swing", "rank", "points", "ahp"].index(method)
    widgets = {"swing": form.swing, "points": form.points, "rank": form.places}[method]
    for lever, value in values.items():
        widgets[lever].value = value


def test_swing_weights_update_live(tmp_path):
    form = SummitForm(tmp_path)
    before = form.weights_html.value
    answer = {"clinical": 100, "social": 60, "economic_development": 40, "environmental": 10, "commercial": 70}
    fill(form, "swing", answer)
    assert form.weights_html.value != before
    for lever, weight in swing_weights(answer, LEVER_IDS).items():
        assert f"{weight:.1%}" in form.weights_html.value, lever


def test_ahp_panel_shows_the_consistency_ratio(tmp_path):
    form = SummitForm(tmp_path)
    form.tabs.selected_index = 3
    assert "consistency ratio 0.000" in form.weights_html.value  # all equal: perfectly consistent
    form.pairs[("clinical", "social")].value = Fraction(9)
    form.pairs[("social", "commercial")].value = Fraction(9)
    judged = {pair: float(w.value) for pair, w in form.pairs.items()}
    expected = ahp(ahp_matrix(judged, LEVER_IDS), LEVER_IDS)
    assert f"consistency ratio {expected.consistency_ratio:.3f}" in form.weights_html.value
    assert expected.consistency_ratio > 0.1 and "most inconsistent comparison" in form.weights_html.value


@pytest.mark.parametrize(
    "method,answers",
    [
        (
            "swing",
            [
                {"clinical": 100, "social": 60, "economic_development": 40, "environmental": 10, "commercial": 70},
                {"clinical": 30, "social": 100, "economic_development": 40, "environmental": 20, "commercial": 70},
            ],
        ),
        ("points", [{"clinical": 40, "social": 20, "economic_development": 20, "environmental": 5, "commercial": 15}]),
        (
            "rank",
            [
                {"clinical": 1, "social": 2, "economic_development": 2, "environmental": 4, "commercial": 5},
                {"clinical": 2, "social": 1, "economic_development": 3, "environmental": 5, "commercial": 4},
            ],
        ),
    ],
)
def test_form_saves_a_file_that_elicit_reads_back(tmp_path, cli, method, answers):
    form = SummitForm(tmp_path)
    form.summit.value, form.group.value = "s1", "clinicians"
    for answer in answers:
        fill(form, method, answer)
        assert form.add_participant()
    path = form.save()
    assert path == tmp_path / "summits" / "s1" / "clinicians.yaml" and "Saved" in form.status.value
    shown = read_answer_file(path, LEVER_IDS, tmp_path).result
    result = cli("elicit", str(path), "--data", str(tmp_path), "--json")
    assert result.code == 0
    assert result.json()["weights"] == pytest.approx(shown.weights)
    assert result.json()["participants"] == len(answers) and result.json()["method"] == method
    for _lever, weight in shown.weights.items():  # the form showed the same group weights before saving
        assert f"{weight:.1%}" in form.recorded_html.value


def test_form_ahp_round_trip_and_no_overwrite(tmp_path, cli):
    form = SummitForm(tmp_path)
    form.summit.value, form.group.value = "s1", "smes"
    form.tabs.selected_index = 3
    form.pairs[("clinical", "commercial")].value = Fraction(1, 3)
    form.pairs[("economic_development", "environmental")].value = Fraction(5)
    form.add_participant()
    form.pairs[("clinical", "social")].value = Fraction(2)
    form.add_participant()
    path = form.save()
    assert path is not None
    answer = cli("elicit", str(path), "--data", str(tmp_path), "--json").json()
    expected = [ahp_matrix({p: float(v) for p, v in a.items()}, LEVER_IDS) for a in form.recorded["ahp"]]
    combined = (expected[0] * expected[1]) ** 0.5
    assert answer["weights"] == pytest.approx(ahp(combined, LEVER_IDS).weights)
    first = path.read_bytes()
    form.add_participant()
    assert form.save() is None and "already saved" in form.status.value
    assert path.read_bytes() == first
    form.replace.value = True
    assert form.save() == path and read_answer_file(path, LEVER_IDS, tmp_path).provenance.participants == 3


def test_form_refuses_what_the_file_would_refuse(tmp_path):
    form = SummitForm(tmp_path)
    form.summit.value, form.group.value = "s1", "nhs_finance"
    fill(form, "points", {"clinical": 50})
    assert not form.add_participant() and "add up to 100" in form.status.value
    assert form.save() is None
    form.group.value = "Not An Id"
    fill(form, "points", {"clinical": 20})
    assert form.add_participant()
    assert form.save() is None and "group" in form.status.value
    assert not (tmp_path / "summits").exists()
