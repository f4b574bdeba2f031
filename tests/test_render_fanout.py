"""Fan-out for schedulers: the plan, one job at a time, the index rebuilt from disk, safe output names."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import yaml

from imaging_value.render.pack import Job, Outcome, write_index

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.timeout(600)


def index_links(out: Path) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', (out / "index.html").read_text(encoding="utf-8")))


def test_the_plan_lists_every_job_with_notebook_parameters_output_and_command(cli, data_copy, tmp_path):
    result = cli("report", "--all", "--plan", "--json", "--data", str(data_copy), "--out", str(tmp_path / "o"))
    assert result.code == 0, result.err
    plan = result.json()
    names = [job["name"] for job in plan["jobs"]]
    assert names == [
        "board-paper",
        "portfolio",
        "request-scenario-1",
        "request-scenario-2",
        "request-scenario-3",
        "request-scenario-4",
        "negotiation-scenario-1-sme",
        "negotiation-scenario-2-healthtech",
        "compare",
        "summit-illustrative",
    ]
    by_name = {job["name"]: job for job in plan["jobs"]}
    request = by_name["request-scenario-2"]
    assert request["notebook"] == "notebooks/02-request.ipynb" and request["cwd"] == "notebooks"
    assert request["output"] == "request-scenario-2.html"
    assert request["parameters"]["request"] == "scenario-2" and request["parameters"]["seed"] == 20210401
    assert request["args"] == ["report", "scenario-2", "--data", str(data_copy), "--out", str(tmp_path / "o")]
    board = by_name["board-paper"]
    assert board["notebook"] == "notebooks/09-board.ipynb" and board["output"] == "board-paper.html"
    assert board["args"] == ["report", "--board", "--data", str(data_copy), "--out", str(tmp_path / "o")]
    assert board["parameters"]["seed"] == 20210401 and board["parameters"]["total"] == 1000000.0
    assert by_name["portfolio"]["args"][:2] == ["report", "--portfolio"]
    assert by_name["compare"]["args"][:2] == ["report", "--compare"]
    assert by_name["summit-illustrative"]["args"][:3] == ["report", "--summit", "illustrative"]
    assert by_name["summit-illustrative"]["notebook"] == "notebooks/04-summit.ipynb"
    assert plan["index_args"] == ["index", "--out", str(tmp_path / "o")]
    assert not (tmp_path / "o").exists(), "planning runs nothing"
    unknown = cli("report", "--summit", "nowhere", "--plan", "--data", str(data_copy), "--out", str(tmp_path / "o"))
    assert unknown.code == 2 and "illustrative" in unknown.err and "nowhere" in unknown.err
    text = cli("report", "--all", "--plan", "--data", str(data_copy), "--out", str(tmp_path / "o"))
    assert text.out.splitlines()[2] == f"report scenario-1 --data {data_copy} --out {tmp_path / 'o'}"


def test_the_plan_gives_every_job_the_view_so_a_fanned_out_job_renders_the_same(cli, data_copy, tmp_path):
    out = tmp_path / "o"
    result = cli(
        "report",
        "--all",
        "--plan",
        "--json",
        "--data",
        str(data_copy),
        "--out",
        str(out),
        "--weights",
        "clinical=3,commercial=1",
        "--total",
        "250000",
        "--seed",
        "7",
        "--pdf",
    )
    assert result.code == 0, result.err
    by_name = {job["name"]: job for job in result.json()["jobs"]}
    request = by_name["request-scenario-2"]
    assert request["parameters"]["weights"] == {"clinical": 3.0, "commercial": 1.0}
    assert request["parameters"]["total"] == 250000.0 and request["parameters"]["seed"] == 7
    assert by_name["compare"]["parameters"]["seed"] == 7 and by_name["summit-illustrative"]["parameters"]["seed"] == 7
    view = ["--weights", "clinical=3.0,commercial=1.0", "--total", "250000.0", "--seed", "7", "--pdf"]
    assert request["args"] == ["report", "scenario-2", "--data", str(data_copy), "--out", str(out), *view]
    assert all(job["args"][-len(view) :] == view for job in by_name.values())
    profiled = cli(
        "report",
        "scenario-2",
        "--plan",
        "--json",
        "--data",
        str(data_copy),
        "--out",
        str(out),
        "--profile",
        "clinicians",
    )
    job = profiled.json()["jobs"][0]
    assert job["parameters"]["profile"] == "clinicians" and job["args"][-2:] == ["--profile", "clinicians"]
    # the job's own command line plans the same parameters: what a scheduler runs is what the pack would render
    again = cli(*job["args"], "--plan", "--json")
    assert again.json()["jobs"][0]["parameters"] == job["parameters"]


def test_the_index_links_a_pdf_found_beside_a_report(cli, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    fake_report(out, "request-a")
    fake_report(out, "request-b")
    (out / "request-a.pdf").write_bytes(b"%PDF-1.4")
    assert cli("index", "--out", str(out)).code == 0
    assert index_links(out) == {"request-a.html", "request-a.pdf", "request-b.html"}


def readme_block() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Running at scale", 1)[1]
    return re.search(r"```sh\n(.*?)```", section, re.S).group(1)


def test_the_readme_fan_out_with_xargs_gives_the_whole_pack(tmp_path):
    block = readme_block()
    assert "xargs -P 2" in block
    out = tmp_path / "reports"
    script = block.replace("--out reports", f"--out {out}").replace(".venv/bin/", f"{Path(sys.executable).parent}/")
    done = subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=540
    )
    assert done.returncode == 0, done.stderr[-3000:]
    plan = json.loads(
        subprocess.run(
            [
                str(Path(sys.executable).with_name("imaging-value")),
                "report",
                "--all",
                "--plan",
                "--json",
                "--out",
                str(out),
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    outputs = {job["output"] for job in plan["jobs"]}
    assert {p.name for p in out.glob("*.html")} == outputs | {"index.html"}
    assert index_links(out) == outputs
    assert {entry["file"] for entry in json.loads((out / "manifest.json").read_text()).values()} == outputs
    for job in plan["jobs"]:
        if job["parameters_file"]:
            assert yaml.safe_load((out / job["parameters_file"]).read_text()) == job["parameters"]
    assert (
        f"{len(outputs)} reports listed" in done.stdout and len(outputs) == 10
    )  # with the sample summit, the negotiations and the board paper


def fake_report(out: Path, name: str) -> Outcome:
    meta = json.dumps({"name": name, "title": f"Report {name}", "kind": "request", "rendered": "now"})
    path = out / f"{name}.html"
    path.write_text(f"<html><head><meta content='{meta}' name=\"imaging-value-report\"/></head></html>")
    return Outcome(Job("request", name, f"Report {name}"), 0.1, html=path)


def test_concurrent_index_updates_lose_no_entry(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    names = [f"request-r{i:02d}" for i in range(24)]
    start = threading.Barrier(len(names))

    def one(name: str) -> None:
        outcome = fake_report(out, name)
        start.wait()
        write_index(out, [outcome])

    threads = [threading.Thread(target=one, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(json.loads((out / "manifest.json").read_text())) == set(names)
    assert index_links(out) == {f"{name}.html" for name in names}


def test_the_index_command_rebuilds_from_the_reports_on_disk(cli, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    fake_report(out, "request-a")
    fake_report(out, "request-b")
    (out / "manifest.json").write_text(
        '{"request-gone": {"title": "x", "kind": "request", "file": "request-gone.html"}}'
    )
    (out / "notes.html").write_text("<p>not a report</p>")
    result = cli("index", "--out", str(out))
    assert result.code == 0 and "2 reports listed" in result.out
    assert set(json.loads((out / "manifest.json").read_text())) == {"request-a", "request-b"}
    assert index_links(out) == {"request-a.html", "request-b.html"}
    assert cli("index", "--out", str(tmp_path / "nowhere")).code == 2


def test_a_request_path_with_dot_dot_cannot_write_outside_out(cli, tmp_path, data_copy):
    # data: tmp/d1/d2/data; the request file: tmp/evil/x.yaml, reached as requests/../../../../evil/x
    data = tmp_path / "d1" / "d2" / "data"
    data.parent.mkdir(parents=True)
    data_copy.rename(data)
    (tmp_path / "evil").mkdir()
    text = (data / "requests" / "scenario-3.yaml").read_text().replace("id: scenario-3", "id: evil-request")
    (tmp_path / "evil" / "x.yaml").write_text(text)
    out = tmp_path / "o1" / "o2" / "out"
    result = cli("report", "../../../../evil/x", "--data", str(data), "--out", str(out), "--jobs", "1")
    assert result.code == 0, result.err
    written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.html"))
    assert written == ["o1/o2/out/index.html", "o1/o2/out/request-evil-request.html"]
