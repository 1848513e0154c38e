"""failed logins under usernames that have no account

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "unknown_name_failures",
        sa.Column("username_hash", sa.String(length=64), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("last_failed_login_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("username_hash", name=op.f("pk_unknown_name_failures")),
    )
    with op.batch_alter_table("unknown_name_failures", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_unknown_name_failures_last_failed_login_at"),
            ["last_failed_login_at"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("unknown_name_failures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unknown_name_failures_last_failed_login_at"))
    op.drop_table("unknown_name_failures")
