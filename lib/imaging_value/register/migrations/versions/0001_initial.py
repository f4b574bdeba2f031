"""The register's first schema: agreements and their versions, sites, obligations, events, payments,
royalty reports, distributions, the ledger and the audit trail; every table append-only.

Revision ID: 0001
Revises:
Create Date: 2026-05-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TABLES = (
    "agreements",
    "agreement_sites",
    "obligations",
    "events",
    "payments",
    "royalty_reports",
    "distributions",
    "ledger",
    "audit",
)


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer, primary_key=True, autoincrement=True)


def upgrade() -> None:
    """Create every table, index and constraint, then the triggers that keep the tables append-only."""
    op.create_table(
        "agreements",
        _id(),
        sa.Column("agreement", sa.String(120), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("varies", sa.Integer, nullable=True),
        sa.Column("request", sa.String(120), nullable=False),
        sa.Column("requester_index", sa.Integer, nullable=False),
        sa.Column("partner", sa.Text, nullable=False),
        sa.Column("partner_kind", sa.String(40), nullable=False),
        sa.Column("purpose", sa.Text, nullable=False),
        sa.Column("data_types", sa.Text, nullable=False),
        sa.Column("option", sa.String(80), nullable=False),
        sa.Column("option_label", sa.Text, nullable=False),
        sa.Column("recommended", sa.String(80), nullable=False),
        sa.Column("assumed", sa.Text, nullable=False),
        sa.Column("starts_on", sa.Date, nullable=False),
        sa.Column("signed_on", sa.Date, nullable=False),
        sa.Column("minute", sa.Text, nullable=False),
        sa.Column("signed_by", sa.Text, nullable=False),
        sa.Column("recorded_at", sa.String(40), nullable=False),
        sa.Column("terms", sa.Text, nullable=False),
        sa.Column("compliance", sa.Text, nullable=False),
        sa.Column("valuation", sa.Text, nullable=False),
        sa.Column("split_rule", sa.String(40), nullable=False),
        sa.Column("broker", sa.Text, nullable=False),
        sa.Column("broker_share_ppb", sa.BigInteger, nullable=False),
        sa.Column("sites_assumed", sa.Boolean, nullable=False),
        sa.Column("digests", sa.Text, nullable=False),
        sa.Column("package_version", sa.String(40), nullable=False),
        sa.Column("lock_digest", sa.String(80), nullable=True),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("source_detail", sa.Text, nullable=False),
        sa.ForeignKeyConstraint(["varies"], ["agreements.id"], name="fk_agreements_varies_agreements"),
        sa.PrimaryKeyConstraint("id", name="pk_agreements"),
        sa.UniqueConstraint("agreement", "version", name="uq_agreements_agreement_version"),
    )
    op.create_table(
        "agreement_sites",
        _id(),
        sa.Column("agreement_row", sa.Integer, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("site", sa.Text, nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("images", sa.Float, nullable=False),
        sa.Column("share_ppb", sa.BigInteger, nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_row"], ["agreements.id"], name="fk_agreement_sites_agreement_row_agreements"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_agreement_sites"),
        sa.UniqueConstraint("agreement_row", "position", name="uq_agreement_sites_agreement_row_position"),
    )
    op.create_table(
        "obligations",
        _id(),
        sa.Column("agreement_row", sa.Integer, nullable=False),
        sa.Column("obligation", sa.String(120), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("label", sa.Text, nullable=False),
        sa.Column("amount_pence", sa.BigInteger, nullable=True),
        sa.Column("due_on", sa.Date, nullable=True),
        sa.Column("awaits", sa.String(400), nullable=True),
        sa.Column("after_days", sa.Integer, nullable=True),
        sa.Column("window_months", sa.Integer, nullable=True),
        sa.Column("period_start", sa.Date, nullable=True),
        sa.Column("period_end", sa.Date, nullable=True),
        sa.Column("carried", sa.Boolean, nullable=False),
        sa.ForeignKeyConstraint(["agreement_row"], ["agreements.id"], name="fk_obligations_agreement_row_agreements"),
        sa.PrimaryKeyConstraint("id", name="pk_obligations"),
        sa.UniqueConstraint("agreement_row", "obligation", name="uq_obligations_agreement_row_obligation"),
    )
    op.create_table(
        "events",
        _id(),
        sa.Column("agreement", sa.String(120), nullable=False),
        sa.Column("event", sa.String(240), nullable=False),
        sa.Column("occurred_on", sa.Date, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("reverses", sa.Integer, nullable=True),
        sa.Column("recorded_at", sa.String(40), nullable=False),
        sa.ForeignKeyConstraint(["reverses"], ["events.id"], name="fk_events_reverses_events"),
        sa.PrimaryKeyConstraint("id", name="pk_events"),
    )
    op.create_index("ix_events_agreement", "events", ["agreement"])
    op.create_table(
        "payments",
        _id(),
        sa.Column("agreement", sa.String(120), nullable=False),
        sa.Column("obligation", sa.String(120), nullable=False),
        sa.Column("amount_pence", sa.BigInteger, nullable=False),
        sa.Column("received_on", sa.Date, nullable=False),
        sa.Column("reference", sa.Text, nullable=False),
        sa.Column("reverses", sa.Integer, nullable=True),
        sa.Column("recorded_at", sa.String(40), nullable=False),
        sa.ForeignKeyConstraint(["reverses"], ["payments.id"], name="fk_payments_reverses_payments"),
        sa.PrimaryKeyConstraint("id", name="pk_payments"),
    )
    op.create_index("ix_payments_agreement_obligation", "payments", ["agreement", "obligation"])
    op.create_table(
        "royalty_reports",
        _id(),
        sa.Column("agreement", sa.String(120), nullable=False),
        sa.Column("agreement_row", sa.Integer, nullable=False),
        sa.Column("period", sa.String(8), nullable=False),
        sa.Column("net_revenue_pence", sa.BigInteger, nullable=False),
        sa.Column("rate", sa.String(20), nullable=False),
        sa.Column("royalty_pence", sa.BigInteger, nullable=False),
        sa.Column("cap_pence", sa.BigInteger, nullable=True),
        sa.Column("capped", sa.Boolean, nullable=False),
        sa.Column("profit_pence", sa.BigInteger, nullable=True),
        sa.Column("profit_share_rate", sa.String(20), nullable=True),
        sa.Column("profit_share_pence", sa.BigInteger, nullable=False),
        sa.Column("reported_on", sa.Date, nullable=False),
        sa.Column("reverses", sa.Integer, nullable=True),
        sa.Column("recorded_at", sa.String(40), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_row"], ["agreements.id"], name="fk_royalty_reports_agreement_row_agreements"
        ),
        sa.ForeignKeyConstraint(
            ["reverses"], ["royalty_reports.id"], name="fk_royalty_reports_reverses_royalty_reports"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_royalty_reports"),
    )
    op.create_index("ix_royalty_reports_agreement_period", "royalty_reports", ["agreement", "period"])
    op.create_table(
        "distributions",
        _id(),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("total_pence", sa.BigInteger, nullable=False),
        sa.Column("agreements", sa.Integer, nullable=False),
        sa.Column("recorded_at", sa.String(40), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_distributions"),
    )
    op.create_table(
        "ledger",
        _id(),
        sa.Column("payment", sa.Integer, nullable=True),
        sa.Column("distribution", sa.Integer, nullable=True),
        sa.Column("agreement", sa.String(120), nullable=False),
        sa.Column("agreement_row", sa.Integer, nullable=True),
        sa.Column("account", sa.String(10), nullable=False),
        sa.Column("payee", sa.Text, nullable=True),
        sa.Column("amount_pence", sa.BigInteger, nullable=False),
        sa.Column("posted_on", sa.Date, nullable=False),
        sa.ForeignKeyConstraint(["payment"], ["payments.id"], name="fk_ledger_payment_payments"),
        sa.ForeignKeyConstraint(["distribution"], ["distributions.id"], name="fk_ledger_distribution_distributions"),
        sa.ForeignKeyConstraint(["agreement_row"], ["agreements.id"], name="fk_ledger_agreement_row_agreements"),
        sa.PrimaryKeyConstraint("id", name="pk_ledger"),
    )
    op.create_index("ix_ledger_account_agreement", "ledger", ["account", "agreement"])
    op.create_index("ix_ledger_distribution", "ledger", ["distribution"])
    op.create_index("ix_ledger_payment", "ledger", ["payment"])
    op.create_table(
        "audit",
        _id(),
        sa.Column("at", sa.String(40), nullable=False),
        sa.Column("who", sa.Text, nullable=False),
        sa.Column("command", sa.Text, nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("entity", sa.String(40), nullable=False),
        sa.Column("entity_id", sa.Integer, nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit"),
        sa.UniqueConstraint("entity", "entity_id", name="uq_audit_entity_entity_id"),
    )
    _append_only()


def _append_only() -> None:
    """Triggers that refuse to change or delete any row: corrections are reversing entries."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION register_append_only() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'the register is append-only: % rows are never changed or deleted', TG_TABLE_NAME; "
            "END $$ LANGUAGE plpgsql"
        )
        for table in TABLES:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION register_append_only()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION register_append_only()"
            )
        return
    for table in TABLES:
        for change in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{change.lower()} BEFORE {change} ON {table} BEGIN "
                f"SELECT RAISE(ABORT, 'the register is append-only: {table} rows are never changed or deleted'); END"
            )


def downgrade() -> None:
    """Back to an empty database: every table (and with it every row and trigger) is dropped."""
    for table in reversed(TABLES):
        op.drop_table(table)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION register_append_only()")
