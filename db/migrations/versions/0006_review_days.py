"""submitted reviews per reviewer and day

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 21:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Filled by db.setup.prepare_database (review_days.ensure_review_days) once the schema is
    # current.
    op.create_table(
        "review_days",
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("reviews", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["reviewer_id"],
            ["users.id"],
            name=op.f("fk_review_days_reviewer_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("reviewer_id", "day", name=op.f("pk_review_days")),
    )
    with op.batch_alter_table("review_days", schema=None) as batch_op:
        batch_op.create_index("ix_review_days_day", ["day"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("review_days", schema=None) as batch_op:
        batch_op.drop_index("ix_review_days_day")
    op.drop_table("review_days")
