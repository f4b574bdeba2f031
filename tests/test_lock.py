"""The lock file: pyproject.toml, requirements.lock and environment.yml agree, and its digest is shown.

When a test here fails after a dependency changed in pyproject.toml: run `make lock`, copy the
change into environment.yml, and commit all three files together.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from imaging_value.cli import main
from imaging_value.core.layout import LOCK_FILE, lock_digest, version_text
from imaging_value.reports import portfolio_report

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / LOCK_FILE
REMEDY = "run `make lock` and commit requirements.lock with pyproject.toml and environment.yml"


def _declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return [Requirement(r) for r in project["dependencies"] + project["optional-dependencies"]["test"]]


def _locked() -> dict[str, dict]:
    """name -> {version, hashes, via}, from the lock's `name==version \\ --hash=... # via ...` blocks."""
    entries: dict[str, dict] = {}
    current = None
    for line in LOCK.read_text().splitlines():
        pin = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==(\S+)\s*\\?$", line)
        if pin:
            current = entries.setdefault(canonicalize_name(pin[1]), {"version": pin[3], "hashes": [], "via": []})
        elif line and not line.startswith((" ", "#")):
            raise AssertionError(f"{LOCK_FILE}: not an exact pin: {line!r}; {REMEDY}")
        elif current is not None and (h := re.match(r"^\s+--hash=(sha256:[0-9a-f]{64})", line)):
            current["hashes"].append(h[1])
        elif current is not None and (via := re.match(r"^\s+#\s+(?:via\s+)?(\S.*)$", line)):
            if via[1] != "via":
                current["via"].append(via[1].strip())
    return entries


def test_lock_pins_every_declared_requirement_within_its_range():
    locked = _locked()
    problems = []
    for req in _declared():
        entry = locked.get(canonicalize_name(req.name))
        if entry is None:
            problems.append(f"{req} is declared in pyproject.toml but not in {LOCK_FILE}")
        elif not req.specifier.contains(entry["version"], prereleases=True):
            problems.append(f"{req} is declared but {LOCK_FILE} pins {req.name}=={entry['version']}")
    assert not problems, "; ".join(problems) + f"; {REMEDY}"


def test_lock_holds_no_direct_dependency_that_pyproject_dropped():
    declared = {canonicalize_name(r.name) for r in _declared()}
    direct = {name for name, entry in _locked().items() if "imaging-value (pyproject.toml)" in entry["via"]}
    assert direct == declared, (
        f"only in {LOCK_FILE}: {sorted(direct - declared)}; "
        f"only in pyproject.toml: {sorted(declared - direct)}; {REMEDY}"
    )


def test_every_locked_package_is_exact_and_hashed():
    locked = _locked()
    assert len(locked) > 50, "the lock should hold the whole dependency tree"
    unhashed = sorted(name for name, entry in locked.items() if not entry["hashes"])
    assert not unhashed, f"no hashes for {unhashed}; {REMEDY}"


def test_lock_and_environment_are_for_python_311_on_linux():
    header = LOCK.read_text().split("\n", 3)[:2]
    assert "--python-version 3.11" in header[1] and "--python-platform linux" in header[1], header
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert "python=3.11" in env["dependencies"], "environment.yml should ask for the lock's Python, 3.11"


def test_version_names_the_lock_digest(capsys):
    digest = hashlib.sha256(LOCK.read_bytes()).hexdigest()
    assert lock_digest() == digest
    try:
        main(["--version"])
    except SystemExit as stop:
        assert stop.code == 0
    out = capsys.readouterr().out.strip()
    assert re.fullmatch(r"imaging-value \S+ \(requirements\.lock sha256 [0-9a-f]{12}\)", out), out
    assert digest[:12] in out


def test_version_text_says_when_there_is_no_lock(tmp_path):
    assert lock_digest(tmp_path / LOCK_FILE) is None
    assert version_text("0.1.0", None) == "0.1.0 (no requirements.lock found)"


def test_report_header_names_the_lock_digest():
    header = portfolio_report(data_dir=str(ROOT / "data" / "samples")).header()
    digest = hashlib.sha256(LOCK.read_bytes()).hexdigest()
    assert f"requirements.lock sha256 {digest[:12]}" in header
    assert f'title="requirements.lock sha256 {digest}"' in header
