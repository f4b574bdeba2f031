"""The command line in its surroundings: run from any folder, and piped into a reader that stops early."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from imaging_value.core.layout import DATA_ENV

COMMAND = Path(sys.executable).with_name("imaging-value")


def test_the_default_data_folder_does_not_depend_on_the_current_folder(cli, tmp_path, monkeypatch):
    monkeypatch.delenv(DATA_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    result = cli("recommend", "scenario-1", "--json")
    assert result.code == 0, result.err


def test_the_data_folder_can_come_from_the_environment(cli, tmp_path, data_copy, monkeypatch):
    text = (data_copy / "requests" / "scenario-1.yaml").read_text().replace("id: scenario-1", "id: only-here")
    (data_copy / "requests" / "only-here.yaml").write_text(text)
    monkeypatch.setenv(DATA_ENV, str(data_copy))
    monkeypatch.chdir(tmp_path)
    assert cli("recommend", "only-here", "--json").code == 0


def test_a_missing_default_data_folder_is_named_with_where_it_came_from(cli, tmp_path, monkeypatch):
    monkeypatch.setenv(DATA_ENV, str(tmp_path / "nowhere"))
    result = cli("portfolio")
    assert result.code == 2
    assert result.err.count("\n") == 1 and result.err.startswith("error: ")
    assert str(tmp_path / "nowhere") in result.err and DATA_ENV in result.err


def test_a_reader_that_stops_early_gets_no_traceback(tmp_path):
    process = subprocess.Popen(
        [str(COMMAND), "rank", "scenario-2", "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    process.stdout.close()  # like `| head` that has read what it wanted, before the answer is printed
    err = process.stderr.read()
    assert process.wait(timeout=60) == 0
    assert err == ""
