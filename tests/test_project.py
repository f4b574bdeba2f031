"""The project's own promises: public API, dependency lists in step, README commands."""

import re
import tomllib
from pathlib import Path

import yaml

import imaging_value

ROOT = Path(__file__).resolve().parents[1]


def test_public_api_is_listed_in_all():
    assert imaging_value.__all__, "no public API"
    for name in imaging_value.__all__:
        assert hasattr(imaging_value, name), name
    for name in (
        "load_dataset",
        "load_request",
        "score_options",
        "rank_options",
        "recommend",
        "check_guidance",
        "DataValidationError",
        "ParameterError",
    ):
        assert name in imaging_value.__all__
    assert issubclass(imaging_value.DataValidationError, ValueError)
    assert issubclass(imaging_value.ParameterError, imaging_value.ImagingValueError)


def _requirement_set(lines):
    return {re.sub(r"\s+", "", line).lower() for line in lines}


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = project["dependencies"] + project["optional-dependencies"]["test"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    declared, listed = _requirement_set(declared), _requirement_set(p for p in pip if p != "-e .")
    assert declared == listed, (
        f"environment.yml's pip list differs from pyproject.toml: only in pyproject.toml: "
        f"{sorted(declared - listed)}; only in environment.yml: {sorted(listed - declared)}"
    )


def test_readme_gives_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    assert "make report" in readme and "make test" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text()
