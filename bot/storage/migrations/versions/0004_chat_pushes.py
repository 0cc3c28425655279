"""chat pushes

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 13:39:10.551449
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "chat_pushes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("user_key", sa.String(length=128), nullable=False),
        sa.Column(
            "reply",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=300), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("chat_pushes", schema=None) as batch_op:
        batch_op.create_index("ix_chat_pushes_pending", ["channel", "delivered_at", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("chat_pushes", schema=None) as batch_op:
        batch_op.drop_index("ix_chat_pushes_pending")

    op.drop_table("chat_pushes")
