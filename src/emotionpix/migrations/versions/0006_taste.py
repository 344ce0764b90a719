"""A viewer's taste: the signals an account's owner gave (feedback on films, films put on a
list) and the switch that turns learning from them off.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(
            sa.Column("learning_enabled", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    op.create_table(
        "taste_signals",
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("movie_id", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("verdict", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=24), nullable=True),
        sa.Column("emotion", sa.String(length=16), nullable=True),
        sa.Column("mode", sa.String(length=8), nullable=True),
        sa.Column("features", sa.Text(), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("taste_signals_by_account", "taste_signals", ["account_id", "at"])


def downgrade() -> None:
    op.drop_index("taste_signals_by_account", table_name="taste_signals")
    op.drop_table("taste_signals")
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("learning_enabled")
