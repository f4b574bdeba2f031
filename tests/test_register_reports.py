"""The register's reports in the pack: the transparency register and the board's report, rendered by
papermill from their notebooks when a register is given, listed in the index; left out when there is none."""

from __future__ import annotations

import json

from imaging_value.render.pack import NOTEBOOKS, notebooks_dir, plan_jobs

SIGN = ["sign", "scenario-2", "--requester", "1", "--option", "strategic_codevelopment", "--signed-on", "2024-04-01"]
SIGN += ["--minute", "B/2026/7"]


def test_the_pack_plans_the_register_reports_only_with_a_register(samples, tmp_path):
    kinds = [job.kind for job in plan_jobs(samples, everything=True)]
    assert "transparency" not in kinds and "register" not in kinds
    db = str(tmp_path / "r.sqlite3")
    jobs = {job.kind: job for job in plan_jobs(samples, everything=True, register=db)}
    assert jobs["transparency"].parameters["db"] == db and jobs["register"].notebook == NOTEBOOKS["register"]
    assert (notebooks_dir() / NOTEBOOKS["transparency"]).is_file()


def test_report_renders_the_register_reports_into_the_pack(cli, samples, tmp_path):
    db = str(tmp_path / "register.sqlite3")
    assert cli("register", *SIGN, "--db", db, "--data", str(samples)).code == 0
    reg = ["--db", db]
    assert (
        cli(
            "register",
            "event",
            "scenario-2-r1",
            "milestone:regulatory_clearance",
            "--on",
            "2025-01-05",
            *reg,
            "--data",
            str(samples),
        ).code
        == 0
    )
    assert (
        cli(
            "register",
            "payment",
            "scenario-2-r1",
            "--amount",
            "200000",
            "--on",
            "2025-02-01",
            "--for",
            "milestone:regulatory_clearance",
            *reg,
        ).code
        == 0
    )
    assert cli("register", "distribute", "--as-of", "2025-03-31", *reg).code == 0
    out = tmp_path / "pack"
    plan = cli(
        "report",
        "--transparency",
        "--register",
        "--db",
        db,
        "--data",
        str(samples),
        "--out",
        str(out),
        "--plan",
        "--json",
    ).json()
    assert [j["kind"] for j in plan["jobs"]] == ["transparency", "register"]
    assert plan["jobs"][0]["args"][:4] == ["report", "--transparency", "--db", db]
    result = cli(
        "report", "--transparency", "--register", "--db", db, "--data", str(samples), "--out", str(out), "--jobs", "2"
    )
    assert result.code == 0, result.err
    public = (out / "transparency.html").read_text(encoding="utf-8")
    assert "Multinational healthcare technology company" in public and "Strategic co-development" in public
    assert "GBP 100,000 to 250,000" in public  # 200,000 received, banded
    assert "200,000.00" not in public and "3% of net revenue" not in public  # exact amounts and the royalty withheld
    board = (out / "register.html").read_text(encoding="utf-8")
    assert "200,000.00" in board and "running costs" in board and "scenario-2-r1" in board
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert {entry["kind"] for entry in manifest.values()} == {"transparency", "register"}
    assert "transparency.html" in (out / "index.html").read_text(encoding="utf-8")


def test_the_transparency_and_register_flags_need_a_register(cli, samples, tmp_path):
    result = cli("report", "--transparency", "--data", str(samples), "--out", str(tmp_path))
    assert result.code == 2 and "an agreements register for --transparency or --register" in result.err
