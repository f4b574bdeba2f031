"""Where the workbook's files are: the files shipped in the package, its source tree, the default data folder,
and the lock file.

Kept free of heavy imports: the command line reads it before it knows what it will run.

The notebooks, templates, style sheet and the app's assets ship inside the package
(``imaging_value/notebooks``, ``imaging_value/templates``, ``imaging_value/voila_assets``) and
are found through :func:`package_path` (``importlib.resources``), so an installed wheel renders
reports as a source tree does. In the source tree ``lib/imaging_value/notebooks`` is a link to
the top-level ``notebooks/`` folder, where the notebooks are edited.

Data never ships in the package: an installed package reads the folder given with ``--data``
or ``$IMAGING_VALUE_DATA``; only a source tree falls back to its own ``data/samples``.

``requirements.lock`` (made by ``make lock`` from ``pyproject.toml``) lists the exact
version and hashes of every package the workbook installs. Its sha256 is named beside
the package version by ``imaging-value --version`` and in every report's header, so a
reader can tell which set of dependencies produced a number.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

__all__ = [
    "DATA_ENV",
    "PLOTLY_BUNDLE_ENV",
    "LOCK_FILE",
    "VALUATION_FILE",
    "PACKAGE",
    "package_path",
    "project_root",
    "default_data_dir",
    "lock_digest",
    "version_text",
]

PACKAGE = "imaging_value"
DATA_ENV = "IMAGING_VALUE_DATA"
# set by the local web app for its kernels: where, under Voila's base URL, plotly's widget bundle is served
PLOTLY_BUNDLE_ENV = "IMAGING_VALUE_PLOTLY_BUNDLE"
LOCK_FILE = "requirements.lock"
# the valuation's assumptions in a data folder (read by the rank path only for its lever switch)
VALUATION_FILE = "valuation.yaml"


def package_path(*parts: str, package: str = PACKAGE) -> Path:
    """A folder or file shipped inside the package (``package_path("notebooks")``), as a path on disk.

    Found through ``importlib.resources``: the installed package's own copy, or the
    source tree's in an editable install. ``package`` names another installed package
    whose data is read (plotly's widget bundle). Raises :class:`ImagingValueError` naming
    what is missing when the package was installed without it (or not as files on disk).
    """
    from importlib.resources import files

    from .errors import ImagingValueError

    root = files(package)
    if not isinstance(root, Path):  # e.g. imported from a zip file: papermill needs real files and folders
        raise ImagingValueError(
            f"the {package} package is not installed as files on disk ({root}); install it with pip or uv"
        )
    path = root.joinpath(*parts).resolve()  # in a source tree, notebooks/ is a link to the top-level folder
    if not path.exists():
        raise ImagingValueError(f"{'/'.join(parts)} is missing from the {package} package at {root}; reinstall it")
    return path


def project_root() -> Path | None:
    """The source tree this package runs from (installed editable), or None for an installed wheel."""
    root = Path(__file__).resolve().parents[3]  # lib/imaging_value/core/layout.py
    return root if (root / "pyproject.toml").is_file() and (root / "lib" / PACKAGE).is_dir() else None


def default_data_dir() -> tuple[Path, str]:
    """The default data folder and where it came from: ``$IMAGING_VALUE_DATA``, else the project's samples.

    "The project" is the source tree this package was installed from (``pip install -e .``),
    so the command works from any folder, not only from the project root. An installed
    wheel carries no data: without ``$IMAGING_VALUE_DATA`` it raises :class:`ParameterError`.
    """
    given = os.environ.get(DATA_ENV, "").strip()
    if given:
        return Path(given).expanduser(), f"from {DATA_ENV}"
    root = project_root()
    if root is None:
        from .errors import ParameterError

        raise ParameterError(
            "data",
            f"a data folder, given with --data DIR or in ${DATA_ENV} (an installed {PACKAGE} package carries no data)",
            "neither was given",
        )
    return (
        root / "data" / "samples",
        f"data/samples of the project imaging-value was installed from; set {DATA_ENV} to use another",
    )


def lock_digest(path: str | Path | None = None) -> str | None:
    """The sha256 of the lock file (hex), or None when there is none (an installed wheel carries no lock)."""
    if not path:
        root = project_root()
        if root is None:
            return None
        path = root / LOCK_FILE
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except FileNotFoundError:
        return None


def version_text(version: str, digest: str | None) -> str:
    """``0.1.0 (requirements.lock sha256 0123456789ab)``: the package version beside the lock's digest."""
    lock = f"{LOCK_FILE} sha256 {digest[:12]}" if digest else f"no {LOCK_FILE} found"
    return f"{version} ({lock})"
