"""reports: an article's key takeaways and report settings; the organisation that publishes

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 10:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("key_takeaways", sa.Text(), nullable=False, server_default="")
        )
        # JSON: which parts the report includes; NULL means the defaults.
        batch_op.add_column(sa.Column("report_settings", sa.Text(), nullable=True))
    # One row (id 1) at most: the instance's organisation, printed on every report.
    op.create_table(
        "organisation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False, server_default=""),
        sa.Column("url", sa.String(length=2000), nullable=True),
        sa.Column("logo", sa.LargeBinary(), nullable=True),
        sa.Column("logo_type", sa.String(length=20), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation")),
    )


def downgrade() -> None:
    op.drop_table("organisation")
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_column("report_settings")
        batch_op.drop_column("key_takeaways")
