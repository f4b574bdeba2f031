"""Shared fixtures: the sample data, a writable copy of it, and an in-process command-line runner."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from imaging_value import load_dataset
from imaging_value.cli import main

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
XSS_TITLE = "<script>alert(1)</script>"


@pytest.fixture(scope="session")
def samples() -> Path:
    return SAMPLES


@pytest.fixture(scope="session")
def dataset():
    return load_dataset(SAMPLES)


@pytest.fixture()
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the sample data folder (the samples themselves are never edited)."""
    target = tmp_path / "data"
    shutil.copytree(SAMPLES, target)
    return target


@dataclass
class CliResult:
    code: int
    out: str
    err: str

    def json(self):
        return json.loads(self.out)


@pytest.fixture()
def cli(capsys):
    def run(*args: str) -> CliResult:
        code = main(list(args))
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


@pytest.fixture(scope="session")
def pack(tmp_path_factory):
    """The whole pack rendered from a copy of the samples plus a user-added request with a hostile title."""
    root = tmp_path_factory.mktemp("pack")
    data = root / "data"
    shutil.copytree(SAMPLES, data)
    text = (data / "requests" / "scenario-3.yaml").read_text()
    text = text.replace("id: scenario-3", "id: hostile").replace(
        'title: "Scenario three: one large academic hospital, a profit-generating UK SME, annotated PET/CT"',
        f'title: "{XSS_TITLE}"')
    (data / "requests" / "hostile.yaml").write_text(text)
    out = root / "reports"
    code = main(["report", "--all", "--data", str(data), "--out", str(out), "--jobs", "2"])
    assert code == 0
    return out
