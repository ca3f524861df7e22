"""The first schema: matters, tags, deadlines, extensions, history, API tokens.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "matters",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("company", sa.Text, nullable=False),
        sa.Column("file_numbers", sa.JSON, nullable=False),
        sa.Column("tags", sa.JSON, nullable=False),
        sa.Column("owner", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_matters"),
    )
    op.create_table(
        "matter_tags",
        sa.Column("matter_id", sa.Integer, nullable=False),
        sa.Column("tag", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("matter_id", "tag", name="pk_matter_tags"),
        sa.ForeignKeyConstraint(["matter_id"], ["matters.id"], name="fk_matter_tags_matter_id_matters", ondelete="CASCADE"),
    )
    op.create_index("ix_matter_tags_tag", "matter_tags", ["tag"])
    op.create_table(
        "deadlines",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("matter_id", sa.Integer, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("trigger_date", sa.Date, nullable=False),
        sa.Column("rule", sa.Text, nullable=False),
        sa.Column("calendar", sa.String(100), nullable=False),
        sa.Column("computed_due_date", sa.Date, nullable=False),
        sa.Column("override_due_date", sa.Date, nullable=True),
        sa.Column("override_reason", sa.Text, nullable=True),
        sa.Column("due_date", sa.Date, nullable=False),
        sa.Column("cutoff", sa.String(40), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("assignee", sa.Text, nullable=False),
        sa.Column("notes", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("completed_at", sa.DateTime, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_deadlines"),
        sa.ForeignKeyConstraint(["matter_id"], ["matters.id"], name="fk_deadlines_matter_id_matters", ondelete="RESTRICT"),
    )
    op.create_index("ix_deadlines_matter_id", "deadlines", ["matter_id"])
    op.create_index("ix_deadlines_status_due_date_id", "deadlines", ["status", "due_date", "id"])
    op.create_index("ix_deadlines_due_date_id", "deadlines", ["due_date", "id"])
    op.create_index("ix_deadlines_assignee", "deadlines", ["assignee"])
    op.create_table(
        "extensions",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("deadline_id", sa.Integer, nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("previous_due_date", sa.Date, nullable=False),
        sa.Column("new_due_date", sa.Date, nullable=False),
        sa.Column("previous_rule", sa.Text, nullable=False),
        sa.Column("new_rule", sa.Text, nullable=True),
        sa.Column("reason", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_extensions"),
        sa.ForeignKeyConstraint(["deadline_id"], ["deadlines.id"], name="fk_extensions_deadline_id_deadlines", ondelete="CASCADE"),
    )
    op.create_index("ix_extensions_deadline_id", "extensions", ["deadline_id"])
    op.create_table(
        "history",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("entity", sa.String(20), nullable=False),
        sa.Column("entity_id", sa.Integer, nullable=False),
        sa.Column("matter_id", sa.Integer, nullable=True),
        sa.Column("changes", sa.JSON, nullable=False),
        sa.Column("reason", sa.Text, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_history"),
    )
    op.create_index("ix_history_entity_entity_id_id", "history", ["entity", "entity_id", "id"])
    op.create_index("ix_history_matter_id", "history", ["matter_id"])
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("read_only", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("revoked_at", sa.DateTime, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_api_tokens"),
        sa.UniqueConstraint("name", name="uq_api_tokens_name"),
        sa.UniqueConstraint("token_hash", name="uq_api_tokens_token_hash"),
    )


def downgrade() -> None:
    for table in ("api_tokens", "history", "extensions", "deadlines", "matter_tags", "matters"):
        op.drop_table(table)
