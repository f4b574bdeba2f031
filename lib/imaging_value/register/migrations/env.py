"""Alembic's environment for the register: migrate the connection the register passes in
(``config.attributes["connection"]``, already inside its transaction), or, run by hand, the database
named with ``-x db=URL``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from imaging_value.register.location import resolve
from imaging_value.register.schema import metadata

config = context.config


def run() -> None:
    """Run the migrations on the register's connection, or on the database ``-x db=URL`` names."""
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=metadata)
        with context.begin_transaction():  # inside the register's own transaction: a no-op
            context.run_migrations()
        return
    url = resolve(context.get_x_argument(as_dictionary=True).get("db")).url
    with create_engine(url).begin() as own:
        context.configure(connection=own, target_metadata=metadata)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("the register's migrations run on a database connection (no offline SQL)")
run()
