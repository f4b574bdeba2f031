"""Which register a command uses: ``--db URL``, else ``$IMAGING_VALUE_DB``, else the user's own SQLite file.

* ``--db`` or ``$IMAGING_VALUE_DB`` may be a database URL, ``sqlite:///path/register.sqlite3`` or
  ``postgresql://user@host/dbname`` (``postgresql+psycopg://`` is the same: psycopg 3 is the driver),
  or a plain path, taken as a SQLite file.
* Neither given: ``register.sqlite3`` in the user's data folder, ``$XDG_DATA_HOME/imaging-value`` (by
  default ``~/.local/share/imaging-value``), created on first use.

Kept free of heavy imports (the command line resolves the location before it opens anything).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import ParameterError

__all__ = ["DB_ENV", "DB_FILE", "Location", "default_path", "resolve", "shown_url"]

DB_ENV = "IMAGING_VALUE_DB"
DB_FILE = "register.sqlite3"
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*)://", re.IGNORECASE)
_PASSWORD = re.compile(r"^([a-z][a-z0-9+.-]*://[^:/@]*):[^@/]*@", re.IGNORECASE)


@dataclass(frozen=True)
class Location:
    """A register's database: its SQLAlchemy URL, its dialect, and (SQLite) its file."""

    url: str
    dialect: str  # "sqlite" or "postgresql"
    path: Path | None  # the SQLite file (None for PostgreSQL)
    source: str  # where it came from, for messages

    @property
    def shown(self) -> str:
        """The URL with any password replaced by ``***`` (for messages and reports)."""
        return shown_url(self.url)

    def exists(self) -> bool:
        """Whether there is a register to read: the SQLite file exists (a PostgreSQL URL is taken to)."""
        return self.path is None or self.path.is_file()


def shown_url(url: str) -> str:
    """``postgresql://me:secret@host/db`` -> ``postgresql://me:***@host/db``."""
    return _PASSWORD.sub(r"\1:***@", url)


def default_path() -> Path:
    """``register.sqlite3`` in the user's data folder (``$XDG_DATA_HOME/imaging-value``)."""
    base = os.environ.get("XDG_DATA_HOME", "").strip()
    return (Path(base) if base else Path.home() / ".local" / "share") / "imaging-value" / DB_FILE


def resolve(given: str | os.PathLike[str] | None = None) -> Location:
    """The register ``--db`` names, else ``$IMAGING_VALUE_DB``, else the default file."""
    if given is not None and str(given).strip():
        text, source = str(given).strip(), "--db"
    elif os.environ.get(DB_ENV, "").strip():
        text, source = os.environ[DB_ENV].strip(), f"${DB_ENV}"
    else:
        path = default_path()
        return Location(f"sqlite:///{path}", "sqlite", path, "the default register file")
    scheme = _SCHEME.match(text)
    if scheme is None:  # a plain path: a SQLite file
        path = Path(text).expanduser().absolute()
        return Location(f"sqlite:///{path}", "sqlite", path, source)
    name = scheme.group(1).lower()
    rest = text[scheme.end() :]
    if name == "sqlite":
        if not rest.startswith("/") or rest == "/":
            raise ParameterError(
                "db", "sqlite:///path/to/register.sqlite3 (a file; an in-memory register keeps nothing)", text
            )
        path = Path(rest[1:]).expanduser().absolute()
        return Location(f"sqlite:///{path}", "sqlite", path, source)
    if name in ("postgresql", "postgres", "postgresql+psycopg"):
        return Location(f"postgresql+psycopg://{rest}", "postgresql", None, source)
    raise ParameterError(
        "db",
        "a SQLite file (a path or sqlite:///path) or a PostgreSQL URL (postgresql://user@host/dbname)",
        shown_url(text),
    )
