"""Where to watch, kept for an account: its region and services, and per watchlist film where
it was offered when the watchlist was last shown.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "watch_settings",
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("region", sa.String(length=2), nullable=True),
        sa.Column("services", sa.Text(), nullable=False),
        sa.Column("include_free", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("updated_at", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("account_id"),
    )
    with op.batch_alter_table("watchlist") as batch:
        batch.add_column(sa.Column("watch_last_seen", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("watchlist") as batch:
        batch.drop_column("watch_last_seen")
    op.drop_table("watch_settings")
