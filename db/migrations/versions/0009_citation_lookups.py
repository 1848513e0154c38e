"""what the source services said of each citation: metadata, flags, when and where fetched

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("citations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("doi", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("pmid", sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column("pmcid", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("suggested_design", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("flags", sa.String(length=200), nullable=False,
                                      server_default=""))  # fmt: skip
        batch_op.add_column(sa.Column("person_fields", sa.String(length=200), nullable=False,
                                      server_default=""))  # fmt: skip
        batch_op.add_column(sa.Column("lookup_status", sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column("lookup_note", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("fetched_from", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("fetched_record", sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f("ix_citations_fetched_at"), ["fetched_at"], unique=False)
    # Values that came from reference files or a reviewer are a person's: a lookup never
    # overwrites them. Mark what is there now as such.
    op.execute(
        "UPDATE citations SET person_fields = 'title,authors,journal,year,volume,issue,pages'"
        " WHERE title IS NOT NULL OR authors IS NOT NULL OR journal IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("citations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_citations_fetched_at"))
        for name in (
            "fetched_record", "fetched_at", "fetched_from", "lookup_note", "lookup_status",
            "person_fields", "flags", "suggested_design", "pmcid", "pmid", "doi",
        ):  # fmt: skip
            batch_op.drop_column(name)
