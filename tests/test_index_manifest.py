"""The report pack's index: earlier runs' reports stay listed, vanished ones go, failures are named.

Tested through ``write_index`` on a folder of stand-in report files, without running any notebook.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from imaging_value.render.pack import Job, Outcome, write_index


def report_file(out: Path, name: str, title: str, kind: str) -> Path:
    """A stand-in for a rendered report, carrying its name, title and kind in its head as reports do."""
    meta = html.escape(json.dumps({"name": name, "title": title, "kind": kind, "rendered": "2026-01-01 00:00 UTC"}))
    path = out / f"{name}.html"
    path.write_text(
        f'<!DOCTYPE html><html><head><meta name="imaging-value-report" content="{meta}">'
        f"</head><body>{html.escape(title)}</body></html>",
        encoding="utf-8",
    )
    return path


def rendered(out: Path, name: str, title: str, kind: str = "request") -> Outcome:
    return Outcome(Job(kind, name, title), 1.0, html=report_file(out, name, title, kind))


def links(out: Path) -> list[str]:
    return re.findall(r'href="([^"]+)"', (out / "index.html").read_text(encoding="utf-8"))


def manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def test_a_later_run_keeps_the_earlier_runs_reports(tmp_path):
    write_index(
        tmp_path,
        [
            rendered(tmp_path, "portfolio", "Portfolio", "portfolio"),
            rendered(tmp_path, "request-scenario-1", "Scenario one"),
        ],
    )
    write_index(tmp_path, [rendered(tmp_path, "request-scenario-2", "Scenario two")])
    assert set(manifest(tmp_path)) == {"portfolio", "request-scenario-1", "request-scenario-2"}
    assert manifest(tmp_path)["request-scenario-1"]["title"] == "Scenario one"
    assert links(tmp_path) == ["portfolio.html", "request-scenario-1.html", "request-scenario-2.html"]


def test_a_report_rendered_again_is_listed_once_with_its_new_title(tmp_path):
    write_index(tmp_path, [rendered(tmp_path, "request-scenario-1", "Scenario one")])
    write_index(tmp_path, [rendered(tmp_path, "request-scenario-1", "Scenario one, revised")])
    assert links(tmp_path) == ["request-scenario-1.html"]
    assert manifest(tmp_path)["request-scenario-1"]["title"] == "Scenario one, revised"


def test_a_report_deleted_since_the_last_run_is_dropped(tmp_path):
    write_index(
        tmp_path,
        [
            rendered(tmp_path, "request-scenario-1", "Scenario one"),
            rendered(tmp_path, "request-scenario-2", "Scenario two"),
        ],
    )
    (tmp_path / "request-scenario-1.html").unlink()
    write_index(tmp_path, [])
    assert set(manifest(tmp_path)) == {"request-scenario-2"}
    assert links(tmp_path) == ["request-scenario-2.html"]


def test_reports_are_listed_portfolio_then_requests_then_the_comparison(tmp_path):
    write_index(
        tmp_path,
        [
            rendered(tmp_path, "compare", "All requests", "compare"),
            rendered(tmp_path, "request-b", "B"),
            rendered(tmp_path, "request-a", "A"),
            rendered(tmp_path, "portfolio", "Portfolio", "portfolio"),
        ],
    )
    assert links(tmp_path) == ["portfolio.html", "request-a.html", "request-b.html", "compare.html"]


def test_a_damaged_manifest_is_rebuilt_not_fatal(tmp_path):
    (tmp_path / "manifest.json").write_text("{not json", encoding="utf-8")
    write_index(tmp_path, [rendered(tmp_path, "request-scenario-1", "Scenario one")])
    assert set(manifest(tmp_path)) == {"request-scenario-1"}


def test_failures_of_this_run_are_named_and_titles_escaped(tmp_path):
    failed = Outcome(
        Job("request", "request-bad", "Bad"),
        0.5,
        error="02-request.ipynb (request-bad): cell 3: ParameterError: <found 'x'>",
    )
    write_index(tmp_path, [rendered(tmp_path, "request-ok", "SME's R&D <b>trial</b>"), failed])
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert links(tmp_path) == ["request-ok.html"]
    assert "request-bad.html" not in page
    assert "ParameterError: &lt;found" in page and "<found" not in page
    assert "<b>trial</b>" not in page and "&lt;b&gt;trial&lt;/b&gt;" in page
    assert manifest(tmp_path)["request-ok"]["title"] == "SME's R&D <b>trial</b>"  # the manifest keeps the text


def test_the_index_and_manifest_are_written_whole(tmp_path):
    write_index(tmp_path, [rendered(tmp_path, "request-scenario-1", "Scenario one")])
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert (tmp_path / "index.html").read_text(encoding="utf-8").rstrip().endswith("</html>")
