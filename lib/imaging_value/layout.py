"""Where the workbook's files are: its source tree, the default data folder, and the lock file.

Kept free of heavy imports: the command line reads it before it knows what it will run.

``requirements.lock`` (made by ``make lock`` from ``pyproject.toml``) lists the exact
version and hashes of every package the workbook installs. Its sha256 is named beside
the package version by ``imaging-value --version`` and in every report's header, so a
reader can tell which set of dependencies produced a number.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

__all__ = ["DATA_ENV", "LOCK_FILE", "VALUATION_FILE", "project_root", "default_data_dir", "lock_digest", "version_text"]

DATA_ENV = "IMAGING_VALUE_DATA"
LOCK_FILE = "requirements.lock"
# the valuation's assumptions in a data folder (read by the rank path only for its lever switch)
VALUATION_FILE = "valuation.yaml"


def project_root() -> Path:
    """The source tree this package runs from (the package is installed editable)."""
    return Path(__file__).resolve().parents[2]


def default_data_dir() -> tuple[Path, str]:
    """The default data folder and where it came from: ``$IMAGING_VALUE_DATA``, else the project's samples.

    "The project" is the source tree this package was installed from (``pip install -e .``),
    so the command works from any folder, not only from the project root.
    """
    given = os.environ.get(DATA_ENV, "").strip()
    if given:
        return Path(given).expanduser(), f"from {DATA_ENV}"
    return (project_root() / "data" / "samples",
            f"data/samples of the project imaging-value was installed from; set {DATA_ENV} to use another")


def lock_digest(path: str | Path | None = None) -> str | None:
    """The sha256 of the lock file (hex), or None when there is none beside the package."""
    try:
        return hashlib.sha256(Path(path or project_root() / LOCK_FILE).read_bytes()).hexdigest()
    except FileNotFoundError:
        return None


def version_text(version: str, digest: str | None) -> str:
    """``0.1.0 (requirements.lock sha256 0123456789ab)``: the package version beside the lock's digest."""
    lock = f"{LOCK_FILE} sha256 {digest[:12]}" if digest else f"no {LOCK_FILE} found"
    return f"{version} ({lock})"
