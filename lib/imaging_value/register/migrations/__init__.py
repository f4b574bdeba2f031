"""The register's schema migrations (Alembic): ``env.py`` and one file per revision in ``versions/``.

Run on first use by :func:`imaging_value.register.store.open_register` (:func:`upgrade`); a developer
may also run ``alembic -c lib/imaging_value/register/migrations/alembic.ini -x db=URL upgrade head``.
"""

# the newest revision in versions/ (a test checks it against Alembic's own reading): a register already
# there is opened without importing Alembic at all
HEAD = "0001"
