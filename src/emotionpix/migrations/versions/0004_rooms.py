"""Movie-night rooms (rooms/store.py): rooms, their members, vetoes and votes; deleted six
hours after a room's last change.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rooms",
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("active_at", sa.Float(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("films", sa.Text(), nullable=False),
        sa.Column("pick", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_index("rooms_by_activity", "rooms", ["active_at"], unique=False)
    op.create_table(
        "room_members",
        sa.Column("room", sa.String(length=16), nullable=False),
        sa.Column("member", sa.String(length=64), nullable=False),
        sa.Column("seat", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("emotion", sa.String(length=16), nullable=True),
        sa.Column("emotions", sa.Text(), nullable=True),
        sa.Column("account_id", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("room", "member"),
    )
    op.create_table(
        "room_marks",
        sa.Column("room", sa.String(length=16), nullable=False),
        sa.Column("member", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("movie_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("room", "member", "kind", "movie_id"),
    )


def downgrade() -> None:
    op.drop_table("room_marks")
    op.drop_table("room_members")
    op.drop_index("rooms_by_activity", table_name="rooms")
    op.drop_table("rooms")
