"""The package carries what it reads at run time: the notebooks, templates, style sheet and the app's assets.

The wheel is built the way CI and a user build it (sdist first, then the wheel from the sdist) and
its file list is compared with the source tree. Rendering from an installed wheel in a fresh
environment is checked by ``.ci/check_installed.py`` (``make check-installed``, run by CI).
"""

from __future__ import annotations

import importlib.util
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from imaging_value.cli import main
from imaging_value.core import layout
from imaging_value.core.errors import ImagingValueError

ROOT = Path(__file__).resolve().parents[1]
PACKAGE_DIR = ROOT / "lib" / "imaging_value"
UV = Path(sys.executable).with_name("uv")
_spec = importlib.util.spec_from_file_location("check_installed", ROOT / ".ci" / "check_installed.py")
check_installed = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check_installed)


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    check_installed.build(out)  # from a clean copy of the tree, as CI builds it
    return out


@pytest.fixture(scope="module")
def wheel(dist) -> zipfile.ZipFile:
    (path,) = dist.glob("imaging_value-*.whl")
    with zipfile.ZipFile(path) as archive:
        yield archive


def _shipped(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (links followed), by its name inside the wheel."""
    return {
        f"imaging_value/{path.relative_to(PACKAGE_DIR).as_posix()}": path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def test_the_wheel_carries_every_notebook_template_and_asset_as_in_the_tree(wheel):
    names = set(wheel.namelist())
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    assert len(notebooks) >= 5
    expected = {f"imaging_value/notebooks/{path.name}": path.read_bytes() for path in notebooks}
    expected |= _shipped(PACKAGE_DIR / "templates") | _shipped(PACKAGE_DIR / "voila_assets")
    assert "imaging_value/templates/sections/report.css" in expected
    assert "imaging_value/templates/offline/conf.json" in expected
    missing = sorted(set(expected) - names)
    assert not missing, f"not in the wheel: {missing}"
    changed = sorted(name for name, content in expected.items() if wheel.read(name) != content)
    assert not changed, f"differ from the tree: {changed}"
    # the package's modules too, and nothing from outside the package (no data, tests or bench)
    modules = {f"imaging_value/{path.name}" for path in PACKAGE_DIR.glob("*.py")}
    # the register's migrations, which it runs on first use (alembic.ini is for running them by hand)
    modules |= {
        f"imaging_value/{path.relative_to(PACKAGE_DIR).as_posix()}"
        for path in (PACKAGE_DIR / "register" / "migrations").rglob("*.py")
        if "__pycache__" not in path.parts
    }
    assert modules <= names
    assert {name.split("/")[0] for name in names} == {"imaging_value", "imaging_value-0.1.0.dist-info"}
    shipped_data = {name for name in names if name.startswith("imaging_value/") and not name.endswith(".py")} - set(
        expected
    )
    assert not shipped_data, f"in the wheel but not in the tree's notebooks, templates or assets: {shipped_data}"


def test_the_wheel_names_the_command(wheel):
    entry_points = wheel.read("imaging_value-0.1.0.dist-info/entry_points.txt").decode()
    assert "imaging-value = imaging_value.cli:main" in entry_points


def test_the_sdist_carries_the_notebooks_as_files_not_links(dist):
    if not UV.is_file():
        pytest.skip("no uv: the wheel was built straight from the tree, without an sdist")
    (sdist,) = dist.glob("imaging_value-*.tar.gz")
    with tarfile.open(sdist) as archive:
        members = {Path(m.name).name: m for m in archive.getmembers() if "/lib/imaging_value/notebooks/" in m.name}
    assert set(members) == {path.name for path in (ROOT / "notebooks").glob("*.ipynb")}
    assert all(member.isfile() for member in members.values())


def test_package_path_finds_the_source_tree_notebooks_through_the_link():
    assert layout.package_path("notebooks") == ROOT / "notebooks"
    assert (PACKAGE_DIR / "notebooks").is_symlink()
    assert layout.package_path("templates", "sections", "report.css").is_file()


def test_package_path_names_what_is_missing():
    with pytest.raises(ImagingValueError, match="templates/nowhere is missing from the imaging_value package"):
        layout.package_path("templates", "nowhere")


def test_an_installed_package_needs_a_data_folder(monkeypatch, capsys):
    monkeypatch.setattr(layout, "project_root", lambda: None)  # as in a wheel: no source tree around the package
    monkeypatch.delenv(layout.DATA_ENV, raising=False)
    assert main(["rank", "scenario-1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: parameter 'data'")
    assert "--data DIR" in err and "$IMAGING_VALUE_DATA" in err and "carries no data" in err
    assert layout.lock_digest() is None  # no lock beside an installed package: the header says so
    monkeypatch.setenv(layout.DATA_ENV, str(ROOT / "data" / "samples"))
    assert main(["rank", "scenario-1", "--json"]) == 0
    assert '"request": "scenario-1"' in capsys.readouterr().out


def test_ci_renders_from_the_installed_wheel_after_the_tests():
    steps = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines() if line.startswith("make ")]
    assert steps[-2:] == ["make test", "make check-installed"]
    assert "$(BIN)/python .ci/check_installed.py" in (ROOT / "Makefile").read_text()


def test_an_installed_package_names_the_notebooks_it_ships_in_plans_and_parameter_files(monkeypatch):
    from imaging_value.render import pack as render

    samples = ROOT / "data" / "samples"
    source = render.plan_answer(render.plan_jobs(samples, ["scenario-1"]), samples, "out", ["scenario-1"])
    assert source["jobs"][0]["cwd"] == "notebooks"  # from the project root
    monkeypatch.setattr(render, "project_root", lambda: None)  # as in a wheel
    jobs = render.plan_jobs(samples, ["scenario-1"])
    (planned,) = render.plan_answer(jobs, samples, "out", ["scenario-1"])["jobs"]
    folder = str(render.notebooks_dir())
    assert planned["cwd"] == folder and planned["notebook"] == f"{folder}/02-request.ipynb"
    head = render._parameters_yaml(jobs[0]).splitlines()[:2]
    assert head[0].endswith("Reproduce it with papermill alone:")
    assert f"papermill {folder}/02-request.ipynb request-scenario-1.ipynb -f <this file> --cwd {folder}" in head[1]
