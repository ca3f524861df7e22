"""Letters: the text of each letter read, kept with its matter so its evidence can be shown.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "letters",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("matter_id", sa.Integer, nullable=False),
        sa.Column("deadline_id", sa.Integer, nullable=True),
        sa.Column("filename", sa.Text, nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("letter_date", sa.Date, nullable=True),
        sa.Column("source", sa.String(10), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("facts", sa.JSON, nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_letters"),
        sa.UniqueConstraint("sha256", name="uq_letters_sha256"),
        sa.ForeignKeyConstraint(["matter_id"], ["matters.id"], name="fk_letters_matter_id_matters", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["deadline_id"], ["deadlines.id"], name="fk_letters_deadline_id_deadlines", ondelete="SET NULL"),
    )
    op.create_index("ix_letters_matter_id", "letters", ["matter_id"])


def downgrade() -> None:
    op.drop_table("letters")
