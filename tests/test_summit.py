"""Summit answer files, summit profiles, the grand summit and its commands."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import LEVER_IDS, SAMPLES
from imaging_value import DataValidationError, load_dataset
from imaging_value.framework.scoring import rank_options, score_options
from imaging_value.framework.summit import compromise_weights, grand_summit, minimax_regret
from imaging_value.maths.elicit import aggregate_group
from imaging_value.model.summit_files import answer_yaml, read_answer_file, save_answer_file

SUMMIT = "illustrative"


def write(folder, name, text):
    path = folder / "summits" / "s1" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --- minimax regret -----------------------------------------------------------------------


def test_minimax_regret_hand_worked():
    # Two groups that each care about one lever only. Values: g1 = lever x, g2 = lever y.
    #   option  x   y   regret g1  regret g2  max
    #   A      10   0        0         10      10
    #   B       0  10       10          0      10
    #   C       6   6        4          4       4   <- least maximum regret, though no group's first choice
    #   D       4   8        6          2       6
    scores = [[10, 0], [0, 10], [6, 6], [4, 8]]
    result = minimax_regret(scores, ["A", "B", "C", "D"], ["x", "y"], {"g1": [1, 0], "g2": [0, 1]})
    assert result.choice == "C"
    assert result.max_regret == {"A": 10, "B": 10, "C": 4, "D": 6}
    assert result.regret.tolist() == [[0, 10], [10, 0], [4, 4], [6, 2]]


def test_minimax_regret_ties_go_to_the_compromise_value():
    # X and Y both have maximum regret 6; the tie weights decide
    scores = [[8, 2], [2, 8]]
    groups = {"g1": {"x": 1, "y": 0}, "g2": {"x": 0, "y": 1}}
    assert minimax_regret(scores, ["X", "Y"], ["x", "y"], groups, [0.6, 0.4]).choice == "X"
    assert minimax_regret(scores, ["X", "Y"], ["x", "y"], groups, [0.4, 0.6]).choice == "Y"


def test_compromise_is_equal_weight_per_group_by_default():
    groups = {"a": {"x": 0.8, "y": 0.2}, "b": {"x": 0.2, "y": 0.8}, "c": {"x": 0.5, "y": 0.5}}
    assert compromise_weights(groups, ["x", "y"]) == pytest.approx({"x": 0.5, "y": 0.5})
    assert compromise_weights(groups, ["x", "y"], {"a": 2, "b": 1, "c": 1}) == pytest.approx({"x": 0.575, "y": 0.425})


# --- the sample summit ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def summit(samples):
    return grand_summit(load_dataset(samples), SUMMIT, samples=2000)


def test_sample_summit_three_groups_three_methods_labelled_illustrative(summit):
    assert {g.group: g.method for g in summit.groups} == {"clinicians": "ahp", "nhs_finance": "swing", "smes": "rank"}
    assert all("llustrative" in note for note in summit.notes.values())


def test_summit_answer_is_consistent_with_its_parts(summit, dataset):
    answer = summit.to_dict()
    assert set(answer) == {"summit", "groups", "compromise_weights", "disagreement", "requests"}
    weights = {g["group"]: g["weights"] for g in answer["groups"]}
    for lever in LEVER_IDS:
        column = [w[lever] for w in weights.values()]
        assert answer["compromise_weights"][lever] == pytest.approx(np.mean(column))
        assert answer["disagreement"][lever] == pytest.approx({"min": min(column), "max": max(column)})
    assert sum(answer["compromise_weights"].values()) == pytest.approx(1.0)
    for entry in answer["requests"]:
        assert set(entry) == {"request", "requester_index", "first_choice", "minimax_regret"}
        from imaging_value import load_request

        table = score_options(dataset, load_request(entry["request"], dataset), entry["requester_index"])
        for group, option in entry["first_choice"].items():
            assert rank_options(table, weights[group]).winner == option
        # the chosen option's worst regret is the least of all options'
        values = {g: rank_options(table, w).totals for g, w in weights.items()}
        worst = {o: max(values[g].max() - values[g][o] for g in weights) for o in table.options}
        assert worst[entry["minimax_regret"]] == pytest.approx(min(worst.values()))
    # the rank acceptability is sampled around the compromise weights
    sampled = summit.requests[0].acceptability
    assert sampled.centre == pytest.approx(tuple(answer["compromise_weights"][lv] for lv in LEVER_IDS))
    assert sampled.seed == summit.seed


def test_summit_profiles_are_profiles_with_provenance(dataset, cli):
    names = [p.name for p in dataset.summit_profiles]
    assert names == ["illustrative/clinicians", "illustrative/nhs_finance", "illustrative/smes"]
    assert not set(names) & {p.name for p in dataset.profiles}
    profile = dataset.profile("illustrative/smes")
    assert profile.provenance.method == "rank" and profile.provenance.participants == 3
    assert profile.provenance.sha256 == dataset.digests["summits/illustrative/smes.yaml"]
    ranked = cli("rank", "scenario-1", "--profile", "illustrative/smes", "--json")
    assert ranked.code == 0
    elicited = cli("elicit", str(SAMPLES / "summits" / "illustrative" / "smes.yaml"), "--json").json()
    assert ranked.json()["weights"] == pytest.approx(elicited["weights"])


def test_cli_elicit_and_summit_shapes(cli):
    elicited = cli("elicit", str(SAMPLES / "summits" / "illustrative" / "clinicians.yaml"), "--json")
    assert elicited.code == 0
    answer = elicited.json()
    assert set(answer) == {"group", "method", "participants", "weights", "spread", "consistency_ratio", "warnings"}
    assert answer["method"] == "ahp" and 0 <= answer["consistency_ratio"] < 0.1
    assert sum(answer["weights"].values()) == pytest.approx(1.0)
    assert (
        cli("elicit", str(SAMPLES / "summits" / "illustrative" / "nhs_finance.yaml"), "--json").json()[
            "consistency_ratio"
        ]
        is None
    )
    result = cli("summit", SUMMIT, "--samples", "500", "--json")
    assert result.code == 0
    assert [g["group"] for g in result.json()["groups"]] == ["clinicians", "nhs_finance", "smes"]
    text = cli("summit", SUMMIT, "--samples", "500")
    assert "each group weighing the same" in text.out
    missing = cli("summit", "no-such-summit")
    assert missing.code == 2 and missing.err.startswith("error:") and "illustrative" in missing.err


# --- validation --------------------------------------------------------------------------


def test_answer_file_problems_name_file_participant_and_field(data_copy, cli):
    write(
        data_copy,
        "clinicians.yaml",
        """group: clinicians
method: ahp
date: 2026-11-30
participants:
  - {clinical/social: 3, social/clinical: "1/2", clinical/economic_development: 5, clinical/environmental: 7,
     clinical/commercial: 5, social/economic_development: 2, social/environmental: 3, social/commercial: 2,
     economic_development/environmental: 2, economic_development/commercial: 1, environmental/commercial: 12}
""",
    )
    write(
        data_copy,
        "smes.yaml",
        """group: smes
method: rank
date: 2026-11-30
participants:
  - [economic_development, commercial, clinical, social, environmental]
  - [economic_development, [clinical, commercial], social]
""",
    )
    write(
        data_copy,
        "nhs_finance.yaml",
        """group: nhs_finance
method: points
date: 2026-11-30
participants:
  - {clinical: 40, social: 20, economic_development: 20, environmental: 5, commercial: 10}
""",
    )
    expected = [
        "summits/s1/clinicians.yaml: participant 1: field 'social/clinical': expected the reciprocal of "
        "clinical/social = 3, i.e. 0.333; found '1/2'",
        "summits/s1/clinicians.yaml: participant 1: field 'environmental/commercial': expected a judgement from "
        "1/9 to 9 (Saaty's scale); found 12",
        "summits/s1/nhs_finance.yaml: participant 1: field 'points': expected points that sum to 100; "
        "found a sum of 95",
        "summits/s1/smes.yaml: participant 2: field 'environmental': expected every lever in the ranking; "
        "found it missing",
    ]
    # the folder loads (the summit's files are needed only where the summit is used), listing them as invalid
    dataset = load_dataset(data_copy)
    assert [str(p) for p in dataset.summit_problems] == expected
    assert not [p for p in dataset.summit_profiles if p.name.startswith("s1/")]
    with pytest.raises(DataValidationError) as info:
        grand_summit(dataset, "s1")
    assert [str(p) for p in info.value.problems] == expected
    with pytest.raises(DataValidationError, match="summits/s1/smes.yaml: participant 2"):
        dataset.profile("s1/smes")
    result = cli("elicit", str(data_copy / "summits" / "s1" / "smes.yaml"), "--data", str(data_copy))
    assert result.code == 2
    assert result.err.count("\n") == 1 and result.err.startswith("error: summits/s1/smes.yaml: participant 2")
    summit = cli("summit", "s1", "--data", str(data_copy))
    assert summit.code == 2 and summit.err.startswith("error: summits/s1/clinicians.yaml: participant 1")
    assert cli("rank", "scenario-1", "--data", str(data_copy)).code == 0
    assert cli("rank", "scenario-1", "--profile", "s1/smes", "--data", str(data_copy)).code == 2


def test_swing_needs_its_largest_swing_at_100_and_the_group_to_match_the_file(tmp_path):
    path = write(
        tmp_path,
        "clinicians.yaml",
        """group: smes
method: swing
date: 2026-11-30
participants:
  - {clinical: 90, social: 20, economic_development: 20, environmental: 5}
""",
    )
    with pytest.raises(DataValidationError) as info:
        read_answer_file(path, LEVER_IDS, tmp_path)
    assert [str(p) for p in info.value.problems] == [
        "summits/s1/clinicians.yaml: top level: field 'group': expected the file's name, 'clinicians'; found 'smes'",
        "summits/s1/clinicians.yaml: participant 1: field 'commercial': expected a swing rating for this lever; "
        "found nothing",
    ]


# --- saving ---------------------------------------------------------------------------------


def test_save_round_trips_and_never_overwrites_another_save(tmp_path):
    answers = [
        {"clinical": 30, "social": 10, "economic_development": 30, "environmental": 10, "commercial": 20},
        {"clinical": 50, "social": 10, "economic_development": 10, "environmental": 10, "commercial": 20},
    ]
    text = answer_yaml("nhs_finance", "points", "2026-11-30", answers, note="test")
    saved = save_answer_file(tmp_path, "s1", text, LEVER_IDS)
    again = read_answer_file(tmp_path / "summits" / "s1" / "nhs_finance.yaml", LEVER_IDS, tmp_path)
    assert again.result.weights == pytest.approx(saved.result.weights)
    assert again.result.weights == pytest.approx(aggregate_group("nhs_finance", "points", answers, LEVER_IDS).weights)
    before = (tmp_path / "summits" / "s1" / "nhs_finance.yaml").read_bytes()
    from imaging_value.core.errors import ParameterError

    with pytest.raises(ParameterError, match="already saved"):
        save_answer_file(tmp_path, "s1", answer_yaml("nhs_finance", "points", "2026-12-01", answers[:1]), LEVER_IDS)
    assert (tmp_path / "summits" / "s1" / "nhs_finance.yaml").read_bytes() == before
    bad = answer_yaml("smes", "points", "2026-11-30", [{**answers[0], "clinical": 31}])
    with pytest.raises(DataValidationError):
        save_answer_file(tmp_path, "s1", bad, LEVER_IDS)
    assert sorted(p.name for p in (tmp_path / "summits" / "s1").iterdir()) == ["nhs_finance.yaml"]
    replaced = save_answer_file(
        tmp_path, "s1", answer_yaml("nhs_finance", "points", "2026-12-01", answers[:1]), LEVER_IDS, replace=True
    )
    assert replaced.provenance.participants == 1


def test_summit_profile_in_the_request_report_and_the_explorer(samples):
    from imaging_value.explore.explorer import Explorer
    from imaging_value.reports import request_report

    report = request_report("scenario-1", profile="illustrative/clinicians", data_dir=str(samples), samples=200)
    header = report.header()
    assert "elicited at summit illustrative on 2026-11-16 from 3 participants" in header
    assert "summits/illustrative/clinicians.yaml" in header
    assert report.weights == pytest.approx(load_dataset(samples).summit_profiles[0].raw_weights())
    explorer = Explorer(samples, n_samples=200, debounce=0)
    explorer.choose_profile("illustrative/nhs_finance")
    shown = explorer.weights()
    expected = grand_summit(load_dataset(samples), SUMMIT, samples=10).groups[1].weights
    assert shown == pytest.approx(expected, abs=0.01)  # the sliders hold two decimals
