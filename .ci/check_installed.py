"""CI: the package as a user installs it. Build a wheel, install it in a fresh virtual environment outside
the work tree, and render one request report with it.

Run with the project's environment (``make check-installed``), which has uv. The fresh environment
gets the locked dependencies (``requirements.lock``, hashes checked) and the wheel without its
dependencies, in a temporary folder; the report is rendered from that folder, with nothing from the
work tree on the path but the sample data given with ``--data``. Exits 1 with one line per failed
check; prints the time of each step.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
UV = Path(sys.executable).with_name("uv")
REQUEST = "scenario-1"
NOTEBOOK = "02-request.ipynb"  # its stored summary is of REQUEST with the default parameters
STEP_TIMEOUT = 600  # seconds any one step may take


def run(step: str, command: list[str], **kwargs) -> subprocess.CompletedProcess:
    start = time.perf_counter()
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=STEP_TIMEOUT, **kwargs)
    except subprocess.TimeoutExpired:
        sys.exit(f"error: {step} took more than {STEP_TIMEOUT} s ({' '.join(map(str, command))})")
    print(f"{step}: {time.perf_counter() - start:.1f} s", flush=True)
    if kwargs.get("check") is False:
        return done
    if done.returncode != 0:
        sys.exit(f"error: {step} failed ({' '.join(map(str, command))}):\n{done.stdout}{done.stderr}")
    return done


def clean_copy(dest: Path) -> Path:
    """The work tree as a clean clone of it would be (tracked and new files, nothing ignored), links kept.

    Building from it, no stale ``build/`` or ``*.egg-info`` of an earlier build can add files to the package.
    """
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            check=True, capture_output=True, text=True).stdout
    for name in filter(None, listed.split("\0")):
        source, target = ROOT / name, dest / name
        if not (source.exists() or source.is_symlink()):  # deleted in the work tree, not yet committed
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():
            target.symlink_to(os.readlink(source))
        else:
            shutil.copy2(source, target)
    return dest


def build(out: Path) -> Path:
    """Build the package from a clean copy of the work tree into ``out``; return the wheel.

    With uv: the sdist, then the wheel from the sdist (what reaches the wheel went through the
    sdist). Without uv (installed with INSTALLER=pip): the wheel straight from the copy.
    """
    with tempfile.TemporaryDirectory(prefix="imaging-value-source-") as tmp:
        source = clean_copy(Path(tmp))
        if UV.is_file():
            command = [str(UV), "build", "--quiet", "--out-dir", str(out), str(source)]
        else:
            command = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(out),
                       str(source)]
        run("build the package", command)
    return next(out.glob("imaging_value-*.whl"))


def clean_environment(venv: Path) -> dict[str, str]:
    """The environment of a user who installed the wheel: its venv first on PATH, no data folder preset."""
    env = {key: value for key, value in os.environ.items()
           if key not in {"PYTHONPATH", "VIRTUAL_ENV", "IMAGING_VALUE_DATA", "JUPYTER_PATH"}}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(venv)
    return env


def visible_text(page: str) -> str:
    """The report's words as a reader sees them: no scripts, styles or tags, entities decoded, spaces collapsed."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def expected_content() -> dict[str, str]:
    """What the report must say, from the work tree: the request's title and, for each agreement the
    notebook's stored summary (its checked key findings, default parameters) says to sign, "sign <label>"."""
    samples = ROOT / "data" / "samples"
    request = yaml.safe_load((samples / "requests" / f"{REQUEST}.yaml").read_text(encoding="utf-8"))
    options = yaml.safe_load((samples / "options.yaml").read_text(encoding="utf-8"))["options"]
    labels = {option["id"]: option["label"] for option in options}
    notebook = json.loads((ROOT / "notebooks" / NOTEBOOK).read_text(encoding="utf-8"))
    stored = "".join(text for cell in notebook["cells"] for output in cell.get("outputs", [])
                     for text in output.get("text", []))
    if f"Request {REQUEST};" not in stored:
        sys.exit(f"error: notebooks/{NOTEBOOK} stores no summary of {REQUEST} (run make notebook-outputs)")
    signed = [option for line in re.findall(r"agreement to sign: (.*)", stored)
              for option in re.findall(r"(\w+) by [\w-]+", line)]
    if not signed:
        sys.exit(f"error: the stored summary of notebooks/{NOTEBOOK} names no agreement to sign")
    checks = {"the request's title": request["title"], "the seed": "Seed 20210401",
              "the provenance of an installed package": "an installed package, not a git checkout"}
    checks.update({f"the agreement {option}": f"sign {labels[option]}" for option in dict.fromkeys(signed)})
    return checks


def check_report(out: Path, expected: dict[str, str], module_file: str, venv: Path) -> list[str]:
    failures = []
    page_path = out / f"request-{REQUEST}.html"
    if not page_path.is_file():
        return [f"no {page_path.name} in {out}: {sorted(p.name for p in out.iterdir())}"]
    if not Path(module_file).is_relative_to(venv):
        failures.append(f"imaging_value was imported from {module_file}, not from the fresh environment {venv}")
    page = page_path.read_text(encoding="utf-8")
    text = visible_text(page)
    meta = re.search(r'<meta\b[^>]*\bname="imaging-value-report"[^>]*>', page)
    if meta is None or f'"name": "request-{REQUEST}"' not in html.unescape(meta.group(0)):
        failures.append(f"{page_path.name} has no imaging-value-report meta tag naming request-{REQUEST}")
    for what, needle in expected.items():
        if needle not in text:
            failures.append(f"{page_path.name} lacks {what} ({needle!r})")
    if "Traceback" in text:
        failures.append(f"{page_path.name} shows a traceback")
    params = out / f"request-{REQUEST}.params.yaml"
    shipped = f"/site-packages/imaging_value/notebooks/{NOTEBOOK}"
    head = [line for line in params.read_text(encoding="utf-8").splitlines() if line.startswith("#")] \
        if params.is_file() else []
    if not any("papermill " in line and shipped in line for line in head):
        failures.append(f"{params.name} does not name the notebook the package ships (...{shipped})")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    if list(manifest) != [f"request-{REQUEST}"]:
        failures.append(f"manifest.json lists {list(manifest)}, expected request-{REQUEST} alone")
    return failures


def main() -> int:
    if not UV.is_file():
        sys.exit(f"error: no uv beside {sys.executable}; run `make .venv/.installed-stamp` first")
    tmp = Path(tempfile.mkdtemp(prefix="imaging-value-installed-"))
    try:
        dist, venv, out = tmp / "dist", tmp / "venv", tmp / "reports"
        wheel = build(dist)
        run("create a fresh environment", [str(UV), "venv", "--quiet", "--python", sys.executable, str(venv)])
        python = venv / "bin" / "python"
        run("install the locked dependencies", [str(UV), "pip", "install", "--quiet", "--python", str(python),
                                                "--require-hashes", "-r", str(ROOT / "requirements.lock")])
        run("install the wheel", [str(UV), "pip", "install", "--quiet", "--python", str(python), "--no-deps",
                                  str(wheel)])
        env = clean_environment(venv)
        where = run("locate the installed package",
                    [str(python), "-c", "import imaging_value; print(imaging_value.__file__)"], cwd=tmp, env=env)
        where = where.stdout.strip()
        no_data = run("a command without a data folder", [str(venv / "bin" / "imaging-value"), "rank", REQUEST],
                      cwd=tmp, env=env, check=False)
        failures = []
        if no_data.returncode != 2 or "--data DIR" not in no_data.stderr or "Traceback" in no_data.stderr:
            failures.append(f"rank without --data: exit {no_data.returncode}, {no_data.stderr.strip()!r}; expected "
                            "exit 2 and one error line naming --data DIR")
        run("render one report", [str(venv / "bin" / "imaging-value"), "report", REQUEST, "--data",
                                  str(ROOT / "data" / "samples"), "--out", str(out), "--jobs", "1"],
            cwd=tmp, env=env)
        failures += check_report(out, expected_content(), where, venv)
        for failure in failures:
            print(f"error: {failure}", file=sys.stderr)
        if failures:
            return 1
        print(f"ok: the wheel {wheel.name}, installed in a fresh environment, rendered request-{REQUEST}.html")
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
