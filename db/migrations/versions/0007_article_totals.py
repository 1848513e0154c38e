"""article totals, and an index for the finding distributions

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 22:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COUNTS = (
    "claims",
    "checkable",
    "reviewed",
    "decided",
    "open_gap",
    "no_review",
    "no_citation",
    "weak_evidence",
    "indirect_only",
    "single_source",
    "disagreement",
    "clash",
    "cues_unreviewed",
)


def upgrade() -> None:
    # Filled by db.setup.prepare_database (claim_facts.ensure_facts) once the schema is current.
    op.create_table(
        "article_totals",
        sa.Column("article_id", sa.Integer(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in COUNTS),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_article_totals_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_id", name=op.f("pk_article_totals")),
    )
    with op.batch_alter_table("article_facts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_article_facts_finding", ["verdict_state", "certainty_state", "claims"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("article_facts", schema=None) as batch_op:
        batch_op.drop_index("ix_article_facts_finding")
    op.drop_table("article_totals")
