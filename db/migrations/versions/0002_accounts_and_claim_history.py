"""Accounts (login throttling, password change time), audit events by claim, citation details.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 14:15:03.279320
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claim_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_audit_events_claim_id"), ["claim_id"], unique=False)

    with op.batch_alter_table("citations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("volume", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("issue", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("pages", sa.String(length=60), nullable=True))

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("failed_logins", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("last_failed_login_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("password_changed_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("citations", schema=None) as batch_op:
        batch_op.drop_column("pages")
        batch_op.drop_column("issue")
        batch_op.drop_column("volume")

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("password_changed_at")
        batch_op.drop_column("last_failed_login_at")
        batch_op.drop_column("failed_logins")

    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_events_claim_id"))
        batch_op.drop_column("claim_id")
