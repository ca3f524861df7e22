"""Feeds: named, scoped iCalendar subscriptions with secret URLs.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feeds",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("token_salt", sa.String(64), nullable=False),
        sa.Column("matter_id", sa.Integer, nullable=True),
        sa.Column("assignee", sa.Text, nullable=True),
        sa.Column("tag", sa.String(200), nullable=True),
        sa.Column("company", sa.Text, nullable=True),
        sa.Column("include_completed", sa.Boolean, nullable=False),
        sa.Column("window_days_back", sa.Integer, nullable=False),
        sa.Column("window_days_ahead", sa.Integer, nullable=False),
        sa.Column("reminders", sa.JSON, nullable=False),
        sa.Column("cutoff_events", sa.Boolean, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_feeds"),
        sa.UniqueConstraint("token_hash", name="uq_feeds_token_hash"),
        sa.ForeignKeyConstraint(["matter_id"], ["matters.id"], name="fk_feeds_matter_id_matters", ondelete="CASCADE"),
    )


def downgrade() -> None:
    op.drop_table("feeds")
