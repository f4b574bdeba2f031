"""The register's tables (SQLAlchemy Core). The migrations in :mod:`.migrations` create the same schema,
and a test compares the two.

Every table is append-only: rows are inserted, never updated or deleted (triggers refuse both). Money is
in integer pence; shares in parts per billion; dates are dates; JSON documents are stored as text,
written with sorted keys so that the audit trail's digests can be checked later.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

__all__ = [
    "metadata",
    "agreements",
    "agreement_sites",
    "obligations",
    "events",
    "payments",
    "royalty_reports",
    "distributions",
    "ledger",
    "audit",
    "TABLES",
    "APPEND_ONLY",
]

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

ID = 120  # the longest agreement or obligation id

# One row per version of a signed agreement: version 1 is the signing, each later one a variation.
agreements = Table(
    "agreements",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("agreement", String(ID), nullable=False),
    Column("version", Integer, nullable=False),
    Column("varies", Integer, ForeignKey("agreements.id"), nullable=True),
    Column("request", String(ID), nullable=False),
    Column("requester_index", Integer, nullable=False),
    Column("partner", Text, nullable=False),
    Column("partner_kind", String(40), nullable=False),
    Column("purpose", Text, nullable=False),
    Column("data_types", Text, nullable=False),
    Column("option", String(80), nullable=False),
    Column("option_label", Text, nullable=False),
    Column("recommended", String(80), nullable=False),
    Column("assumed", Text, nullable=False),
    Column("starts_on", Date, nullable=False),
    Column("signed_on", Date, nullable=False),
    Column("minute", Text, nullable=False),
    Column("signed_by", Text, nullable=False),
    Column("recorded_at", String(40), nullable=False),
    Column("terms", Text, nullable=False),
    Column("compliance", Text, nullable=False),
    Column("valuation", Text, nullable=False),
    Column("split_rule", String(40), nullable=False),
    Column("broker", Text, nullable=False),
    Column("broker_share_ppb", BigInteger, nullable=False),
    Column("sites_assumed", Boolean, nullable=False),
    Column("digests", Text, nullable=False),
    Column("package_version", String(40), nullable=False),
    Column("lock_digest", String(80), nullable=True),
    Column("source", String(20), nullable=False),
    Column("source_detail", Text, nullable=False),
    UniqueConstraint("agreement", "version"),
)

agreement_sites = Table(
    "agreement_sites",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("agreement_row", Integer, ForeignKey("agreements.id"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("site", Text, nullable=False),
    Column("kind", String(40), nullable=False),
    Column("images", Float, nullable=False),
    Column("share_ppb", BigInteger, nullable=False),
    UniqueConstraint("agreement_row", "position"),
)

obligations = Table(
    "obligations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("agreement_row", Integer, ForeignKey("agreements.id"), nullable=False),
    Column("obligation", String(ID), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("label", Text, nullable=False),
    Column("amount_pence", BigInteger, nullable=True),
    Column("due_on", Date, nullable=True),
    Column("awaits", String(400), nullable=True),
    Column("after_days", Integer, nullable=True),
    Column("window_months", Integer, nullable=True),
    Column("period_start", Date, nullable=True),
    Column("period_end", Date, nullable=True),
    Column("carried", Boolean, nullable=False),
    UniqueConstraint("agreement_row", "obligation"),
)

events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("agreement", String(ID), nullable=False),
    Column("event", String(ID * 2), nullable=False),
    Column("occurred_on", Date, nullable=False),
    Column("note", Text, nullable=False),
    Column("reverses", Integer, ForeignKey("events.id"), nullable=True),
    Column("recorded_at", String(40), nullable=False),
    Index(None, "agreement"),
)

payments = Table(
    "payments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("agreement", String(ID), nullable=False),
    Column("obligation", String(ID), nullable=False),
    Column("amount_pence", BigInteger, nullable=False),
    Column("received_on", Date, nullable=False),
    Column("reference", Text, nullable=False),
    Column("reverses", Integer, ForeignKey("payments.id"), nullable=True),
    Column("recorded_at", String(40), nullable=False),
    Index(None, "agreement", "obligation"),
)

royalty_reports = Table(
    "royalty_reports",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("agreement", String(ID), nullable=False),
    Column("agreement_row", Integer, ForeignKey("agreements.id"), nullable=False),
    Column("period", String(8), nullable=False),
    Column("net_revenue_pence", BigInteger, nullable=False),
    Column("rate", String(20), nullable=False),
    Column("royalty_pence", BigInteger, nullable=False),
    Column("cap_pence", BigInteger, nullable=True),
    Column("capped", Boolean, nullable=False),
    Column("profit_pence", BigInteger, nullable=True),
    Column("profit_share_rate", String(20), nullable=True),
    Column("profit_share_pence", BigInteger, nullable=False),
    Column("reported_on", Date, nullable=False),
    Column("reverses", Integer, ForeignKey("royalty_reports.id"), nullable=True),
    Column("recorded_at", String(40), nullable=False),
    Index(None, "agreement", "period"),
)

distributions = Table(
    "distributions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("as_of", Date, nullable=False),
    Column("total_pence", BigInteger, nullable=False),
    Column("agreements", Integer, nullable=False),
    Column("recorded_at", String(40), nullable=False),
)

# The journal: a payment posts +amount to "in" and to "held"; a distribution moves money from "held"
# to each "trust" and to the "broker". In = held + trusts + broker, overall and for each agreement.
ledger = Table(
    "ledger",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("payment", Integer, ForeignKey("payments.id"), nullable=True),
    Column("distribution", Integer, ForeignKey("distributions.id"), nullable=True),
    Column("agreement", String(ID), nullable=False),
    Column("agreement_row", Integer, ForeignKey("agreements.id"), nullable=True),  # the version whose split applied
    Column("account", String(10), nullable=False),
    Column("payee", Text, nullable=True),
    Column("amount_pence", BigInteger, nullable=False),
    Column("posted_on", Date, nullable=False),
    Index(None, "account", "agreement"),
    Index(None, "distribution"),
    Index(None, "payment"),
)

audit = Table(
    "audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", String(40), nullable=False),
    Column("who", Text, nullable=False),
    Column("command", Text, nullable=False),
    Column("action", String(40), nullable=False),
    Column("entity", String(40), nullable=False),
    Column("entity_id", Integer, nullable=False),
    Column("digest", String(64), nullable=False),
    Column("detail", Text, nullable=False),
    UniqueConstraint("entity", "entity_id"),
)

TABLES = (agreements, agreement_sites, obligations, events, payments, royalty_reports, distributions, ledger, audit)
APPEND_ONLY = tuple(t.name for t in TABLES)
