"""The agreements register: what was signed, what is owed, what came back, and who gets it.

A database (SQLite by default, PostgreSQL for a team; SQLAlchemy Core, schema migrations by Alembic
shipped in :mod:`.migrations`) that keeps every signed agreement with its terms, the obligations its
terms create, the events, payments and royalty reports recorded against them, and the distributions
of the money received among the contributing trusts and the broker. Nothing is ever updated or
deleted: a correction is a reversing entry, a change of terms a new version (a variation), and every
change has a row in the audit trail.

Modules, one job each: :mod:`.money` (pence and the exact split), :mod:`.periods` (dates and royalty
periods), :mod:`.rules` (the register's data files), :mod:`.location` (which database), :mod:`.schema`
(the tables), :mod:`.store` (connections, transactions, the audit trail), :mod:`.obligations` (what the
terms owe, derived at signing), :mod:`.signing`, :mod:`.entries` (events, payments, royalty reports,
reversals), :mod:`.distribution`, :mod:`.queries` (what is due, statements, exports), :mod:`.checks`,
:mod:`.arguments` and :mod:`.commands` (the ``imaging-value register`` command group).

Importing this package loads nothing heavy: SQLAlchemy and Alembic are imported by the modules that
talk to the database, when a command needs them.
"""
