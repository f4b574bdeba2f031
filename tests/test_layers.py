"""The layers contract (pyproject.toml's import-linter contracts) holds, and it sees imports inside functions:
an upward import planted in a function of a copy of the package breaks it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).with_name("lint-imports")


def _lint(tree: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(tree / "lib")}
    return subprocess.run(
        [str(LINT), "--config", str(tree / "pyproject.toml"), "--no-cache"],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    """A copy of the package and its contracts, to plant imports in."""
    copy = tmp_path / "tree"
    shutil.copytree(
        ROOT / "lib" / "imaging_value",
        copy / "lib" / "imaging_value",
        symlinks=True,
        ignore=shutil.ignore_patterns("__pycache__", "notebooks", "templates", "voila_assets"),
    )
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    return copy


def test_the_package_keeps_its_layers():
    out = _lint(ROOT)
    assert out.returncode == 0, out.stdout[-3000:]
    assert "Layers point downward KEPT" in out.stdout and "No cycles among the modules of a layer KEPT" in out.stdout


def test_an_upward_import_inside_a_function_breaks_the_layers(tree: Path):
    errors = tree / "lib" / "imaging_value" / "core" / "errors.py"
    errors.write_text(
        errors.read_text(encoding="utf-8") + "\n\ndef _planted():\n"
        "    from ..engine.case import Case  # upward, and only inside a function\n\n"
        "    return Case\n",
        encoding="utf-8",
    )
    out = _lint(tree)
    assert out.returncode != 0
    assert "Layers point downward BROKEN" in out.stdout
    assert "imaging_value.core.errors -> imaging_value.engine.case" in out.stdout


def test_a_cycle_between_two_modules_of_a_layer_breaks_the_contract(tree: Path):
    scoring = tree / "lib" / "imaging_value" / "framework" / "scoring.py"
    scoring.write_text(
        scoring.read_text(encoding="utf-8") + "\n\ndef _planted():\n"
        "    from .agreement import agreements  # agreement imports scoring: a cycle\n\n"
        "    return agreements\n",
        encoding="utf-8",
    )
    out = _lint(tree)
    assert out.returncode != 0
    assert "No cycles among the modules of a layer BROKEN" in out.stdout
