"""public lists (§3.5) and public notices (§3.3, §3.4), query counters for rate limits

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 13:34:26.984711
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "list_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("entry_id", sa.String(length=64), nullable=False),
        sa.Column("subject_type", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("id_number", sa.String(length=32), nullable=True),
        sa.Column("legal_representative", sa.String(length=64), nullable=True),
        sa.Column("court_code", sa.String(length=16), nullable=False),
        sa.Column("court_name", sa.String(length=64), nullable=False),
        sa.Column("case_no", sa.String(length=64), nullable=False),
        sa.Column("filed_on", sa.Date(), nullable=True),
        sa.Column("basis_document", sa.String(length=200), nullable=False),
        sa.Column("basis_issuer", sa.String(length=100), nullable=False),
        sa.Column("obligation", sa.Text(), nullable=False),
        sa.Column("performance", sa.String(length=16), nullable=True),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("conduct", sa.Text(), nullable=True),
        sa.Column("published_on", sa.Date(), nullable=False),
        sa.Column("removed_on", sa.Date(), nullable=True),
        sa.Column("removal_reason", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "entry_id", name="uq_list_entry"),
    )
    with op.batch_alter_table("list_entries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_list_entries_id_number",
            ["id_number"],
            unique=False,
            postgresql_where=sa.text("removed_on IS NULL"),
            sqlite_where=sa.text("removed_on IS NULL"),
        )
        batch_op.create_index(
            "ix_list_entries_org_name",
            ["name_key"],
            unique=False,
            postgresql_where=sa.text("removed_on IS NULL AND subject_type = 'organisation'"),
            sqlite_where=sa.text("removed_on IS NULL AND subject_type = 'organisation'"),
        )

    op.create_table(
        "public_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("court_code", sa.String(length=16), nullable=False),
        sa.Column("court_name", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("case_no", sa.String(length=64), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("withdrawn_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("notice_id"),
    )
    with op.batch_alter_table("public_notices", schema=None) as batch_op:
        batch_op.create_index("ix_public_notices_court", ["court_code", "published_on"], unique=False)
        batch_op.create_index("ix_public_notices_published", ["published_on"], unique=False)

    op.create_table(
        "query_counters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("subject", sa.String(length=64), nullable=False),
        sa.Column("window_start", sa.BigInteger(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("scope", "subject", "window_start", name="uq_query_counter"),
    )
    with op.batch_alter_table("query_counters", schema=None) as batch_op:
        batch_op.create_index("ix_query_counters_window", ["window_start"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("query_counters", schema=None) as batch_op:
        batch_op.drop_index("ix_query_counters_window")

    op.drop_table("query_counters")
    with op.batch_alter_table("public_notices", schema=None) as batch_op:
        batch_op.drop_index("ix_public_notices_published")
        batch_op.drop_index("ix_public_notices_court")

    op.drop_table("public_notices")
    with op.batch_alter_table("list_entries", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_list_entries_org_name",
            postgresql_where=sa.text("removed_on IS NULL AND subject_type = 'organisation'"),
            sqlite_where=sa.text("removed_on IS NULL AND subject_type = 'organisation'"),
        )
        batch_op.drop_index(
            "ix_list_entries_id_number",
            postgresql_where=sa.text("removed_on IS NULL"),
            sqlite_where=sa.text("removed_on IS NULL"),
        )

    op.drop_table("list_entries")
