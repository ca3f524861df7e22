"""Alerts: channels, the alert outbox and its delivery log; deadlines get an alert generation;
and the data version feeds revalidate against.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "channels",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("signing_secret", sa.String(100), nullable=False),
        sa.Column("matter_ids", sa.JSON, nullable=False),
        sa.Column("tags", sa.JSON, nullable=False),
        sa.Column("assignees", sa.JSON, nullable=False),
        sa.Column("companies", sa.JSON, nullable=False),
        sa.Column("schedule", sa.JSON, nullable=True),
        sa.Column("digest", sa.Boolean, nullable=False),
        sa.Column("digest_business_days", sa.Integer, nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("enabled", sa.Boolean, nullable=False),
        sa.Column("disabled_reason", sa.Text, nullable=True),
        sa.Column("paused_until", sa.DateTime, nullable=True),
        sa.Column("last_success_at", sa.DateTime, nullable=True),
        sa.Column("last_error", sa.Text, nullable=True),
        sa.Column("last_error_at", sa.DateTime, nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_channels"),
        sa.UniqueConstraint("name", name="uq_channels_name"),
    )
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("deadline_id", sa.Integer, nullable=True),
        sa.Column("channel_id", sa.Integer, nullable=False),
        sa.Column("offset_code", sa.String(60), nullable=False),
        sa.Column("generation", sa.Integer, nullable=False),
        sa.Column("due_at", sa.DateTime, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", sa.DateTime, nullable=False),
        sa.Column("claim_token", sa.String(64), nullable=True),
        sa.Column("lease_until", sa.DateTime, nullable=True),
        sa.Column("sent_at", sa.DateTime, nullable=True),
        sa.Column("late", sa.Boolean, nullable=False),
        sa.Column("last_http_status", sa.Integer, nullable=True),
        sa.Column("last_error", sa.Text, nullable=True),
        sa.Column("context", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_alerts"),
        sa.UniqueConstraint(
            "deadline_id", "channel_id", "offset_code", "generation", name="uq_alerts_deadline_id_channel_id_offset_code_generation"
        ),
        sa.ForeignKeyConstraint(["deadline_id"], ["deadlines.id"], name="fk_alerts_deadline_id_deadlines", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["channel_id"], ["channels.id"], name="fk_alerts_channel_id_channels", ondelete="CASCADE"),
    )
    op.create_index("ix_alerts_status_next_attempt_at", "alerts", ["status", "next_attempt_at"])
    op.create_index("ix_alerts_deadline_id", "alerts", ["deadline_id"])
    op.create_index("ix_alerts_channel_id", "alerts", ["channel_id"])
    op.create_table(
        "alert_deliveries",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("alert_id", sa.Integer, nullable=False),
        sa.Column("attempt", sa.Integer, nullable=False),
        sa.Column("worker", sa.String(100), nullable=False),
        sa.Column("started_at", sa.DateTime, nullable=False),
        sa.Column("finished_at", sa.DateTime, nullable=False),
        sa.Column("duration_ms", sa.Integer, nullable=False),
        sa.Column("http_status", sa.Integer, nullable=True),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("response_excerpt", sa.Text, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_alert_deliveries"),
        sa.ForeignKeyConstraint(["alert_id"], ["alerts.id"], name="fk_alert_deliveries_alert_id_alerts", ondelete="CASCADE"),
    )
    op.create_index("ix_alert_deliveries_alert_id", "alert_deliveries", ["alert_id"])
    # One row whose version rises with every write to matters or deadlines: a feed poll reads it
    # to know, in one indexed lookup, whether anything it shows can have changed.
    data_version = op.create_table(
        "data_version",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_data_version"),
    )
    op.bulk_insert(data_version, [{"id": 1, "version": 0}])
    with op.batch_alter_table("deadlines") as batch:
        batch.add_column(sa.Column("alert_generation", sa.Integer, nullable=False, server_default="1"))
        batch.add_column(sa.Column("alert_schedule", sa.JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("deadlines") as batch:
        batch.drop_column("alert_schedule")
        batch.drop_column("alert_generation")
    for table in ("data_version", "alert_deliveries", "alerts", "channels"):
        op.drop_table(table)
