"""Which tests share a test process when the suite runs in parallel (pytest-xdist, ``--dist loadgroup``).

Here, at the top of the repository, so that it covers both ``tests/`` and the notebooks that
``pytest --nbval-lax`` runs. Kept together in one process (one ``xdist_group`` each):
- each notebook's cells, which run in order in one kernel;
- the tests of the rendered pack (the ``pack`` fixture), so it is rendered once;
- the explorer app's browser tests, one server and one page (marked in their module).
"""

import pytest


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Mark the groups before xdist reads them (its own hook of the same name)."""
    for item in items:
        if item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.xdist_group(f"notebook-{item.path.stem}"))
        elif "pack" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("pack"))
