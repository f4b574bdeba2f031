"""The imaging-value command line: JSON shapes, exit codes, one-line errors."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from imaging_value import load_request
from imaging_value.model.conditions import facts_for

REQUESTS = ["scenario-1", "scenario-2", "scenario-3", "scenario-4"]


def test_portfolio_json(cli):
    result = cli("portfolio", "--json")
    assert result.code == 0 and result.err == ""
    answer = result.json()
    assert len(answer["projects"]) == 18
    stroke = next(p for p in answer["projects"] if p["name"] == "Stroke and AI")
    assert stroke["dataset_size"] is None and stroke["dataset_size_note"] == "N/A"
    assert set(answer["projects"][0]) >= {"name", "modalities", "dataset_size", "dataset_size_note", "nhs_partners"}
    assert answer["summary"]["images_known"] == 337_392
    assert answer["summary"]["images_by_modality"]["PET/CT"] == 2400


def test_profiles_json(cli):
    profiles = cli("profiles", "--json").json()["profiles"]
    assert len(profiles) >= 7
    for profile in profiles:
        assert sum(profile["weights"].values()) == pytest.approx(1.0)
    finance = next(p for p in profiles if p["name"] == "nhs_finance")
    assert finance["weights"]["commercial"] == pytest.approx(0.5)


@pytest.mark.parametrize("rid", REQUESTS)
def test_recommend_json(cli, rid, dataset):
    answer = cli("recommend", rid, "--json").json()
    assert answer["request"] == rid
    request = load_request(rid, dataset)
    nodes = {node.id: node for node in dataset.tree.nodes}
    for entry in answer["recommendations"]:
        assert set(entry) == {
            "requester_index",
            "requester",
            "option",
            "mechanisms",
            "exclusivity_months",
            "path",
            "assumed",
        }
        assert set(entry["requester"]) == {"kind", "profit_stage", "sector", "name"}
        assert all(set(step) == {"question", "answer", "rationale"} for step in entry["path"])
        requester = request.requesters[entry["requester_index"]]
        assert entry["requester"]["kind"] == requester.kind and entry["requester"]["name"] == requester.name
        facts = facts_for(request, requester, dataset.derived_facts)
        # replay the path on decision_tree.yaml: each answer is the request's fact, or the value assumed for an
        # unstated one, and the branches it takes end at the option given
        node, option = nodes[dataset.tree.start], None
        for step in entry["path"]:
            assert node is not None and step["question"] == node.question
            stated = facts[node.fact]
            assert step["answer"] == (stated if stated != "unstated" else entry["assumed"][node.fact.split(".")[-1]])
            branch = next(b for b in node.branches if step["answer"] in b.when)
            assert step["rationale"] == branch.rationale
            node, option = (nodes[branch.next] if branch.next else None), branch.option
        assert node is None and option == entry["option"]
        assert entry["mechanisms"] == list(next(o for o in dataset.options if o.id == option).mechanisms)


def test_recommend_scenario_two_per_requester(cli):
    entries = cli("recommend", "scenario-2", "--json").json()["recommendations"]
    assert [(e["requester_index"], e["option"], e["assumed"]) for e in entries] == [
        (0, "sme_incubation", {}),
        (1, "strategic_codevelopment", {}),
        (2, "strategic_codevelopment", {}),
    ]
    # the template's 12 months are cut to none by the term rule: the curation is unstated, so possibly raw
    assert entries[0]["exclusivity_months"] == 0


@pytest.mark.parametrize("rid", REQUESTS)
def test_rank_json(cli, rid, dataset):
    answer = cli("rank", rid, "--json").json()
    assert answer["weights"] == pytest.approx({k: 0.2 for k in answer["weights"]})
    for entry in answer["rankings"]:
        scores = [row["score"] for row in entry["ranking"]]
        assert scores == sorted(scores, reverse=True)
        assert len(entry["ranking"]) == len(dataset.option_ids) == 7
        for row in entry["ranking"]:
            assert set(row) == {"option", "score", "lever_scores", "exclusivity_months", "flags"}
            assert all(set(f) == {"principle", "source", "reason"} for f in row["flags"])
            # equal weights: the score is the mean of the lever scores, each within 0..10
            assert row["score"] == pytest.approx(sum(row["lever_scores"].values()) / 5)
            assert all(0 <= v <= 10 for v in row["lever_scores"].values())
        assert sorted(row["option"] for row in entry["ranking"]) == sorted(o.id for o in dataset.options)


def test_rank_with_weights_and_profile(cli):
    answer = cli("rank", "scenario-3", "--weights", "clinical=1,commercial=1", "--json").json()
    assert answer["weights"]["clinical"] == 0.5 and answer["weights"]["social"] == 0.0
    assert answer["rankings"][0]["ranking"][0] == {
        "option": "strategic_codevelopment",
        "score": 9.0,
        "lever_scores": {
            "clinical": 9.0,
            "social": 7.0,
            "economic_development": 3.0,
            "environmental": 6.0,
            "commercial": 9.0,
        },
        "exclusivity_months": 0,
        "flags": [],
    }
    smes = cli("rank", "scenario-2", "--profile", "smes", "--requester", "0", "--json").json()
    assert len(smes["rankings"]) == 1
    assert smes["rankings"][0]["ranking"][0]["option"] == "sme_incubation"


def test_request_by_path(cli, samples):
    answer = cli("recommend", str(samples / "requests" / "scenario-3.yaml"), "--json").json()
    assert answer["request"] == "scenario-3"


def test_user_added_request_is_found(cli, data_copy):
    text = (data_copy / "requests" / "scenario-3.yaml").read_text().replace("id: scenario-3", "id: my-request")
    (data_copy / "requests" / "my-request.yaml").write_text(text)
    answer = cli("recommend", "my-request", "--data", str(data_copy), "--json").json()
    assert answer["request"] == "my-request"


@pytest.mark.parametrize(
    "args, message",
    [
        (["rank", "scenario-1", "--weights", "clinical=0,commercial=0"], "at least one positive weight"),
        (["rank", "scenario-1", "--weights", "clinical=-2,social=1"], "non-negative number for lever 'clinical'"),
        (["rank", "scenario-1", "--weights", "clinical=1", "--profile", "smes"], "not allowed with argument --weights"),
        (["rank", "scenario-1", "--profile", "nobody"], "parameter 'profile': expected one of equal, nhs_finance"),
        (["recommend", "scenario-9"], "found 'scenario-9'"),
        (["recommend", "scenario-1", "--requester", "3"], "parameter 'requester'"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
    ],
)
def test_bad_arguments_are_one_line_errors(cli, args, message):
    result = cli(*args)
    assert result.code == 2 and result.out == ""
    assert result.err.startswith("error: ") and result.err.count("\n") == 1
    assert message in result.err


def test_bad_data_is_one_line_error(cli, data_copy):
    path = data_copy / "requests" / "scenario-1.yaml"
    path.write_text(path.read_text().replace("kind: sme", "kind: startup"))
    result = cli("recommend", "scenario-1", "--data", str(data_copy))
    assert result.code == 2 and result.err.count("\n") == 1
    assert "requests/scenario-1.yaml: requesters[0]: field 'kind'" in result.err and "found 'startup'" in result.err


def test_installed_command_exits_2_without_traceback(tmp_path):
    script = Path(sys.executable).with_name("imaging-value")
    proc = subprocess.run(
        [str(script), "recommend", "scenario-1", "--data", str(tmp_path / "none")], capture_output=True, text=True
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: ") and "Traceback" not in proc.stderr
    assert proc.stdout == ""


def test_export_writes_everything_and_nothing_on_bad_input(cli, tmp_path, data_copy):
    out = tmp_path / "out"
    assert cli("export", "--out", str(out)).code == 0
    names = sorted(p.name for p in out.iterdir())
    assert "portfolio.json" in names and "portfolio.csv" in names
    for rid in REQUESTS:
        for suffix in ("recommend.json", "recommend.csv", "rank.json", "rank.csv"):
            assert f"{rid}-{suffix}" in names
    assert (
        json.loads((out / "scenario-2-rank.json").read_text())["rankings"][1]["ranking"][0]["option"]
        == "strategic_codevelopment"
    )
    # a broken request file: the command fails and writes nothing
    (data_copy / "requests" / "scenario-4.yaml").write_text("id: [\n")
    fresh = tmp_path / "fresh"
    result = cli("export", "--data", str(data_copy), "--out", str(fresh))
    assert result.code == 2 and not fresh.exists()


def test_dataset_digests_cover_every_file(dataset):
    from imaging_value.model.data import DATA_FILES

    summit_files = {f"summits/illustrative/{g}.yaml" for g in ("clinicians", "nhs_finance", "smes")}
    assert set(dataset.digests) == set(DATA_FILES) | summit_files | {"valuation.yaml"}
    assert len(DATA_FILES) == 19 and all(len(d) == 64 for d in dataset.digests.values())
