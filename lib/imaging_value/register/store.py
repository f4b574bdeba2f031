"""Opening the register, its transactions and its audit trail.

Every command is one transaction: :meth:`Register.writing` begins it (SQLite: ``BEGIN IMMEDIATE``, so two
writers queue instead of failing; PostgreSQL: a transaction-scoped advisory lock, so writers take turns
the same way), and either everything the command wrote is committed or, on any error, interrupt or
kill, nothing is. Each change adds one audit row (who, when, what, from which command) with the
sha256 of the row it records, which ``register check`` recomputes.

SQLite files are opened in WAL mode (readers never wait for a writer), with foreign keys on and
``synchronous=FULL``; a new file is readable by its owner only. The schema is migrated to the
package's revision on first use (:func:`upgrade`).
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, insert, text
from sqlalchemy.exc import DBAPIError, OperationalError

from ..core.errors import ImagingValueError, ParameterError
from .location import Location, resolve
from .schema import audit

__all__ = [
    "MIGRATIONS",
    "Actor",
    "Register",
    "Writer",
    "open_register",
    "upgrade",
    "row_digest",
    "canonical_json",
    "now",
    "RegisterError",
]

WRITE_LOCK = 0x1D5EA1  # PostgreSQL advisory lock key: one writer at a time, as SQLite has
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class RegisterError(ImagingValueError):
    """The register could not be opened or written (the database, not the input, is at fault)."""


@dataclass(frozen=True)
class Actor:
    """Who is making a change, and the command they ran (for the audit trail)."""

    who: str
    command: str

    @classmethod
    def current(cls, by: str | None, command: str) -> Actor:
        """``--by NAME``, else the operating-system user."""
        if by is not None and not by.strip():
            raise ParameterError("by", "a name for the audit trail", repr(by))
        try:
            user = by.strip() if by is not None else getpass.getuser()
        except (KeyError, OSError):
            user = f"uid {os.getuid()}"
        return cls(user, command)


def now() -> str:
    """The current time, UTC, as the audit trail writes it."""
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _iso(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not a value the register stores")


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no spaces (dates as ISO text): the same document is always the same text."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_iso)


def row_digest(content: Mapping[str, Any]) -> str:
    """The sha256 of a row's canonical JSON (what the audit trail records and ``check`` recomputes)."""
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


class Writer:
    """A connection inside a write transaction, with the actor to audit each change as."""

    def __init__(self, connection: Connection, actor: Actor):
        self.connection, self.actor = connection, actor

    def insert(self, table: Any, values: Mapping[str, Any]) -> int:
        """Insert one row; its new id."""
        result = self.connection.execute(insert(table).values(**values))
        return int(result.inserted_primary_key[0])

    def audit(self, action: str, entity: str, entity_id: int, content: Mapping[str, Any], **detail: Any) -> None:
        """The audit row for one change: ``content`` is what :func:`row_digest` digests (what check recomputes)."""
        self.connection.execute(
            insert(audit).values(
                at=now(),
                who=self.actor.who,
                command=self.actor.command,
                action=action,
                entity=entity,
                entity_id=entity_id,
                digest=row_digest(content),
                detail=canonical_json(detail),
            )
        )


class Register:
    """An open register: its location and engine, its read and write transactions."""

    def __init__(self, location: Location, engine: Engine):
        self.location, self.engine = location, engine

    @property
    def dialect(self) -> str:
        """The database: sqlite or postgresql."""
        return self.location.dialect

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A read transaction (a consistent snapshot on PostgreSQL's repeatable read; SQLite's WAL snapshot)."""
        with _opened(self.location), self.engine.connect() as connection:
            if self.dialect == "postgresql":
                connection = connection.execution_options(isolation_level="REPEATABLE READ")
            with connection.begin():
                yield connection

    @contextmanager
    def writing(self, actor: Actor) -> Iterator[Writer]:
        """One command's write transaction: committed when the block ends, rolled back on any exception."""
        with _opened(self.location), self.engine.connect() as connection:
            connection.info["write"] = True
            with connection.begin():
                if self.dialect == "postgresql":
                    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK})
                yield Writer(connection, actor)

    def close(self) -> None:
        """Close the register's connections."""
        self.engine.dispose()


@contextmanager
def _opened(location: Location) -> Iterator[None]:
    """Database errors as one readable line (the register's location, what went wrong)."""
    try:
        yield
    except OperationalError as exc:
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0] if str(exc) else type(exc).__name__
        raise RegisterError(f"register {location.shown}: {reason}") from None
    except DBAPIError as exc:
        if "append-only" in str(exc):
            raise RegisterError(
                f"register {location.shown}: the register is append-only; nothing was changed"
            ) from None
        raise


def _engine(location: Location) -> Engine:
    if location.dialect == "postgresql":
        return create_engine(location.url, pool_pre_ping=False)
    engine = create_engine(location.url, connect_args={"timeout": 60})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # the register begins its own transactions (below)
        cursor = dbapi_connection.cursor()
        for pragma in ("journal_mode=WAL", "foreign_keys=ON", "synchronous=FULL", "busy_timeout=60000"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if connection.info.get("write") else "BEGIN")

    return engine


def open_register(db: str | None = None, *, create: bool = False) -> Register:
    """The register ``db`` names (see :func:`~.location.resolve`), migrated to this package's schema.

    A SQLite file that does not exist yet is created when ``create`` (a command that writes); otherwise
    it is a :class:`ParameterError` naming the file (nothing has been signed there).
    """
    location = resolve(db)
    if location.path is not None and not location.path.is_file():
        if not create:
            raise ParameterError(
                "db",
                f"a register (nothing has been signed at this location yet; {location.source})",
                f"no file at {location.path}",
            )
        location.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.close(os.open(location.path, os.O_CREAT | os.O_WRONLY, 0o600))
        except OSError as exc:
            raise RegisterError(f"register {location.path}: cannot create it: {exc.strerror}") from None
    register = Register(location, _engine(location))
    with _opened(location):
        upgrade(register)
    return register


def _alembic_config() -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(register: Register) -> None:
    """Migrate the register's schema to this package's head revision (nothing to do when it is there).

    The upgrade runs in one write transaction, so two commands opening a new register at once migrate
    it once; a register made by a newer package (a revision this one does not know) is refused.
    """
    from .migrations import HEAD

    try:
        with register.engine.connect() as connection:
            current = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
            connection.rollback()
        if current == HEAD:
            return
    except DBAPIError:  # a new database: no version table yet
        pass
    from alembic import command
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    config = _alembic_config()
    script = ScriptDirectory.from_config(config)
    head = script.get_current_head()
    with register.engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
        connection.rollback()
    if current == head:
        return
    known = {rev.revision for rev in script.walk_revisions()}
    if current is not None and current not in known:
        raise RegisterError(
            f"register {register.location.shown}: its schema is at revision {current}, which this version of "
            f"imaging-value does not know (it knows up to {head}): use the version that made it, or a newer one"
        )
    with register.engine.connect() as connection:
        connection.info["write"] = True
        with connection.begin():
            if register.dialect == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK})
            if MigrationContext.configure(connection).get_current_revision() != head:
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
