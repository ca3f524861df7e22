"""Company profiles, and deadlines generated from filing rules (rule id, citation, dependency).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "companies",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("cik", sa.String(10), nullable=False, server_default=""),
        sa.Column("fiscal_year_end", sa.String(5), nullable=False),
        sa.Column("filer_status", sa.String(30), nullable=False),
        sa.Column("foreign_private_issuer", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("matter_id", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_companies"),
        sa.UniqueConstraint("name", name="uq_companies_name"),
        sa.ForeignKeyConstraint(["matter_id"], ["matters.id"], name="fk_companies_matter_id_matters", ondelete="RESTRICT"),
    )
    with op.batch_alter_table("deadlines") as batch:
        # The filing rule a deadline was made from, and its legal source.
        batch.add_column(sa.Column("filing_rule", sa.String(80), nullable=True))
        batch.add_column(sa.Column("citation", sa.Text, nullable=True))
        # Identity of a generated periodic deadline ("company 3: 10-K for the year ending 2025-12-31"),
        # so that generating a year again finds it instead of adding a copy.
        batch.add_column(sa.Column("filing_key", sa.String(200), nullable=True))
        # The deadline whose prescribed due date is this one's trigger (Form 12b-25 and its report).
        batch.add_column(sa.Column("depends_on_id", sa.Integer, nullable=True))
        batch.create_index("ix_deadlines_filing_key", ["filing_key"], unique=True)
        batch.create_index("ix_deadlines_depends_on_id", ["depends_on_id"])


def downgrade() -> None:
    with op.batch_alter_table("deadlines") as batch:
        batch.drop_index("ix_deadlines_depends_on_id")
        batch.drop_index("ix_deadlines_filing_key")
        for column in ("depends_on_id", "filing_key", "citation", "filing_rule"):
            batch.drop_column(column)
    op.drop_table("companies")
