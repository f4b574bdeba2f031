"""Where the workbook's files are: its source tree, the default data folder, and the lock file.

Kept free of heavy imports: the command line reads it before it knows what it will run.

``requirements.lock`` (made by ``make lock`` from ``pyproject.toml``) lists the exact
version and hashes of every package the workbook installs. Its sha256 is named beside
the package version by ``imaging-value --version`` and in every report's header, so a
reader can tell which set of dependencies produced a number.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

__all__ = ["DEFAULT_DATA_DIR", "LOCK_FILE", "project_root", "lock_digest", "version_text"]

DEFAULT_DATA_DIR = Path("data/samples")  # relative to the working directory, as the README's commands run
LOCK_FILE = "requirements.lock"


def project_root() -> Path:
    """The source tree this package runs from (the package is installed editable)."""
    return Path(__file__).resolve().parents[2]


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
