"""Shared fixtures: the sample data, a writable copy of it, an in-process command-line runner,
the rendered pack and the browser.

The suite runs in parallel (pytest-xdist; see the conftest.py at the top of the repository for
which tests are kept in one process). Each module of browser tests starts one browser, shared by
its tests. The pack's tests are spread over the test processes: a lock file has the pack rendered once,
by the first process that needs it, and shared.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from imaging_value import load_dataset
from imaging_value.cli import main

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
# the sample data's levers, in levers.yaml's order (for tests of code that takes the levers as a parameter)
LEVER_IDS = tuple(
    lever["id"] for lever in yaml.safe_load((SAMPLES / "levers.yaml").read_text(encoding="utf-8"))["levers"]
)
XSS_TITLE = "<script>alert(1)</script>"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


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


def _render_pack(root: Path) -> Path:
    """The whole pack rendered from a copy of the samples plus a user-added request with a hostile title."""
    data = root / "data"
    shutil.copytree(SAMPLES, data)
    text = (data / "requests" / "scenario-3.yaml").read_text()
    text = text.replace("id: scenario-3", "id: hostile").replace(
        'title: "Scenario three: one large academic hospital, a profit-generating UK SME, annotated PET/CT"',
        f'title: "{XSS_TITLE}"',
    )
    (data / "requests" / "hostile.yaml").write_text(text)
    out = root / "reports"
    code = main(["report", "--all", "--data", str(data), "--out", str(out), "--jobs", "2"])
    assert code == 0
    return out


@pytest.fixture(scope="session")
def pack(tmp_path_factory, worker_id):
    """The rendered pack, rendered once for the whole run and shared by every test process.

    Under xdist each process has its own base temp folder; their common parent holds the pack,
    and a lock file makes the first process render it while the others wait, then reuse it.
    """
    if worker_id == "master":  # not distributed
        return _render_pack(tmp_path_factory.mktemp("pack"))
    root = tmp_path_factory.getbasetemp().parent / "shared-pack"
    root.mkdir(exist_ok=True)
    done = root / "rendered"
    with open(root / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(root / "data", ignore_errors=True)
            shutil.rmtree(root / "reports", ignore_errors=True)
            _render_pack(root)
            done.touch()
    return root / "reports"


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless, driven by Playwright, shared by the tests of a module.

    Not one for the whole process: while Playwright's synchronous API is open it leaves its own
    asyncio loop marked as running, and the explorer's debounce timer, looking for a running
    loop, would wait on it for ever in the tests that run after in the same process.
    """
    if not CHROMIUM.exists():
        pytest.skip("needs Debian's chromium at /usr/bin/chromium (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# --- the agreements register: every register test runs on SQLite, and on PostgreSQL where one is given ---

PG_ENV = "IMAGING_VALUE_TEST_PG"  # a PostgreSQL URL whose server may create databases (.ci/postgres starts one)


@pytest.fixture(params=["sqlite", "postgresql"])
def register_db(request, tmp_path):
    """A register URL for a test: a new SQLite file, or a new database on the PostgreSQL server of
    $IMAGING_VALUE_TEST_PG (dropped afterwards). Without that variable the PostgreSQL case is skipped,
    except in CI, where it must run."""
    if request.param == "sqlite":
        yield str(tmp_path / "register.sqlite3")
        return
    base = os.environ.get(PG_ENV, "").strip()
    if not base:
        if os.environ.get("CI"):
            pytest.fail(f"CI runs the register's tests on PostgreSQL: ${PG_ENV} is not set (.ci/run sets it)")
        pytest.skip(f"no PostgreSQL server for the register's tests (set ${PG_ENV}, as .ci/run does)")
    import uuid

    import sqlalchemy as sa

    name = f"register_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield sa.engine.make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


# --- what a reader sees in an HTML fragment (tests assert that, not the markup) -----------------


def seen(fragment: str) -> str:
    """The text a reader sees: tags gone, entities decoded, white space collapsed to single spaces."""
    from bs4 import BeautifulSoup

    return (
        " ".join(BeautifulSoup(fragment, "html.parser").get_text(" ").split())
        .replace(" ,", ",")
        .replace("( ", "(")
        .replace(" )", ")")
        .replace(" :", ":")
    )


def texts(fragment: str, tag: str) -> list[str]:
    """The text of every ``tag`` element (headings, bold words, list items), as a reader sees each."""
    from bs4 import BeautifulSoup

    return [" ".join(node.get_text(" ").split()) for node in BeautifulSoup(fragment, "html.parser").find_all(tag)]


def table_rows(fragment: str) -> list[list[str]]:
    """Every table row's cells, as a reader sees them."""
    from bs4 import BeautifulSoup

    return [
        [" ".join(cell.get_text(" ").split()) for cell in row.find_all(["td", "th"])]
        for row in BeautifulSoup(fragment, "html.parser").find_all("tr")
    ]
