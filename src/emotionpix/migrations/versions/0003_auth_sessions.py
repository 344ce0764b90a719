"""The server's record of open sessions (auth/ledger.py): sign-out ends a session even where
its cookie was copied.

Revision ID: 0003
Revises: 0002
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
        "auth_sessions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("auth_sessions_by_account", "auth_sessions", ["account_id"], unique=False)


def downgrade() -> None:
    op.drop_index("auth_sessions_by_account", table_name="auth_sessions")
    op.drop_table("auth_sessions")
