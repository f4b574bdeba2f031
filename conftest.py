"""Which tests share a test process when the suite runs in parallel (pytest-xdist, ``--dist loadgroup``).

Here, at the top of the repository, so that it covers both ``tests/`` and the notebooks that
``pytest --nbval-lax`` runs. Kept together in one process (one ``xdist_group`` each):
- each notebook's cells, which run in order in one kernel;
- the explorer app's browser tests, one server and one page (marked in their module);
- the tests of the pack's PDFs (the ``pdfs`` fixture), so each report is printed once.
The tests of the rendered pack are spread over the processes like any others: the first process
to need the pack renders it while the others wait on a lock, then all read it (tests/conftest.py).
"""

import os
import shutil
import tempfile
from pathlib import Path

import pytest

CACHE_ENV = "IMAGING_VALUE_CACHE"  # imaging_value.model.datacache's folder of validated data
DB_ENV = "IMAGING_VALUE_DB"  # imaging_value.register.location: the agreements register
# where the print tests leave what they measured (pages, empty space per page), printed at the end of the run
MEASURES_ENV = "IMAGING_VALUE_PRINT_MEASURES"

# The slow tier (`make test` runs it; `make test-fast` leaves it out): tests that start a browser, a Jupyter
# kernel, papermill, Voila or a wheel build, or time whole processes. Marked here by module or by fixture.
SLOW_MODULES = frozenset({
    "test_app", "test_app_browser", "test_app_limits_browser", "test_board_print", "test_report_browser",
    "test_render_fanout", "test_render_interrupt", "test_render_kernels", "test_report_render", "test_package_data",
    "test_layers", "test_imports", "test_cli_environment", "test_atomic_nbstore", "test_bench_scripts",
    "test_summit_report",
})
SLOW_FIXTURES = frozenset({"pack", "browser", "pdfs", "server", "site", "kernel", "wheel"})


def pytest_configure(config):
    """The ``slow`` marker; one cache of validated data folders for the run (shared by its test processes, which
    inherit the variable), never the user's own, and one folder for the print tests' measures; removed at the
    end. The agreements register the tests (and the notebooks they run) would open by default is a file in a
    temporary folder that does not exist, never the user's own register: a test that needs one makes its own."""
    config.addinivalue_line("markers", "slow: a browser, kernel, papermill, Voila, wheel or whole-process test "
                                       "(left out by `make test-fast`)")
    if hasattr(config, "workerinput"):
        return
    config._imaging_value_db = tempfile.mkdtemp(prefix="imaging-value-test-register-")
    config._imaging_value_db_before = os.environ.get(DB_ENV)
    os.environ[DB_ENV] = os.path.join(config._imaging_value_db, "register.sqlite3")
    if not os.environ.get(CACHE_ENV):
        config._imaging_value_cache = tempfile.mkdtemp(prefix="imaging-value-test-cache-")
        os.environ[CACHE_ENV] = config._imaging_value_cache
    if not os.environ.get(MEASURES_ENV):
        config._imaging_value_measures = tempfile.mkdtemp(prefix="imaging-value-print-measures-")
        os.environ[MEASURES_ENV] = config._imaging_value_measures


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """What the print tests measured, every report's lines in order (they ran in whichever process)."""
    folder = getattr(config, "_imaging_value_measures", None)
    files = sorted(Path(folder).glob("*.txt")) if folder else []
    if files:
        terminalreporter.section("printed reports: pages and the empty space on each")
        for path in files:
            terminalreporter.write(path.read_text(encoding="utf-8"))


def pytest_unconfigure(config):
    folder = getattr(config, "_imaging_value_cache", None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        os.environ.pop(CACHE_ENV, None)
    folder = getattr(config, "_imaging_value_db", None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        before = getattr(config, "_imaging_value_db_before", None)
        if before is None:
            os.environ.pop(DB_ENV, None)
        else:
            os.environ[DB_ENV] = before
    folder = getattr(config, "_imaging_value_measures", None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        os.environ.pop(MEASURES_ENV, None)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Mark the groups before xdist reads them (its own hook of the same name)."""
    for item in items:
        if (item.path.suffix == ".ipynb" or item.path.stem in SLOW_MODULES
                or SLOW_FIXTURES & set(getattr(item, "fixturenames", ()))):
            item.add_marker(pytest.mark.slow)
        if item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.xdist_group(f"notebook-{item.path.stem}"))
        elif "pdfs" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("pack-pdfs"))  # the pack printed once, by one process
