"""The command line starts without the heavy libraries: they load only in the code paths that need them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("pandas", "scipy", "plotly", "papermill", "nbconvert")


def _loaded_after(code: str, packages: tuple[str, ...] = HEAVY) -> dict:
    """Run `code` in a fresh interpreter; which of these (by default the heavy) top-level packages did it import?"""
    probe = (
        f"import sys\n{code}\n"
        f"print('\\n' + __import__('json').dumps(sorted({{m.split('.')[0] for m in sys.modules}} & {set(packages)!r})))"
    )
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_importing_the_cli_loads_no_heavy_library():
    assert _loaded_after("import imaging_value.cli") == []


def test_importing_the_package_loads_no_heavy_library():
    assert _loaded_after("import imaging_value") == []


def test_help_and_rank_load_no_heavy_library():
    run = "from imaging_value.cli import main\ntry:\n    main({args})\nexcept SystemExit:\n    pass"
    assert _loaded_after(run.format(args=["--help"])) == []
    assert _loaded_after(run.format(args=["rank", "scenario-1", "--json"])) == []


def test_analytics_still_load_what_they_need():
    split = "imaging_value.split_value(10.0, ['a', 'b'], [1, 2], None, 'equal')"
    assert "pandas" in _loaded_after(f"import imaging_value\n{split}")


def test_lazy_names_resolve_to_the_same_objects_as_their_modules():
    import imaging_value
    from imaging_value.framework import scoring
    from imaging_value.maths import smaa

    assert imaging_value.score_options is scoring.score_options
    assert imaging_value.rank_acceptability is smaa.rank_acceptability
    assert set(imaging_value.__all__) <= set(dir(imaging_value))


def test_the_fast_yaml_loader_reads_every_sample_file_as_the_pure_python_one_does():
    import yaml

    from imaging_value.core.yamlread import read_yaml_text

    files = sorted((ROOT / "data" / "samples").rglob("*.yaml"))
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8")
        data, issues = read_yaml_text(text)
        assert issues == [] and data == yaml.safe_load(text), path.name


def test_rank_with_the_lever_switch_off_reads_no_valuation_model():
    """valuation.yaml's switch is off in the samples: rank reads the validated assumptions (part of the data
    folder) and the exact expectations that price a term sheet's deferred fee and proportionate royalty
    (maths.expectation), never the Monte Carlo valuation model."""
    probe = (
        "import sys\nfrom imaging_value.cli import main\nmain(['rank', 'scenario-1', '--json'])\n"
        "print('\\n' + __import__('json').dumps(sorted(m for m in sys.modules if m in "
        "('imaging_value.maths.valuation', 'imaging_value.framework.appraisal'))))"
    )
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


def test_help_loads_neither_numpy_nor_pydantic():
    """--help lists every capability's sub-command without importing what the answers need."""
    help_ = "from imaging_value.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass"
    assert _loaded_after(help_, ("numpy", "pydantic", "yaml")) == []


def test_register_commands_start_without_the_analytics_or_alembic(tmp_path):
    """Reading the register (due, list, check) needs SQLAlchemy only: no numpy, pandas or pydantic, and no
    Alembic once the register's schema is at this package's revision."""
    db = tmp_path / "register.sqlite3"
    code = f"from imaging_value.register.store import open_register\nopen_register({str(db)!r}, create=True)"
    assert "sqlalchemy" in _loaded_after(code, ("sqlalchemy",))
    run = f"from imaging_value.cli import main\nmain(['register', 'due', '--as-of', '2027-01-01', '--db', {str(db)!r}])"
    assert _loaded_after(run, ("numpy", "pandas", "pydantic", "yaml", "alembic", "scipy")) == []
