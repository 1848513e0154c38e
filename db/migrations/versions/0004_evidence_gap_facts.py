"""evidence-gap facts per claim and per article

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 16:41:12.911261
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Filled by db.setup.prepare_database (claim_facts.rebuild_all) once the schema is current.
    op.create_table(
        "article_facts",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("verdict_state", sa.String(length=40), nullable=False),
        sa.Column("certainty_state", sa.String(length=40), nullable=False),
        sa.Column("claims", sa.Integer(), nullable=False),
        sa.Column("checkable", sa.Integer(), nullable=False),
        sa.Column("reviewed", sa.Integer(), nullable=False),
        sa.Column("decided", sa.Integer(), nullable=False),
        sa.Column("open_gap", sa.Integer(), nullable=False),
        sa.Column("no_review", sa.Integer(), nullable=False),
        sa.Column("no_citation", sa.Integer(), nullable=False),
        sa.Column("weak_evidence", sa.Integer(), nullable=False),
        sa.Column("indirect_only", sa.Integer(), nullable=False),
        sa.Column("single_source", sa.Integer(), nullable=False),
        sa.Column("disagreement", sa.Integer(), nullable=False),
        sa.Column("clash", sa.Integer(), nullable=False),
        sa.Column("cues_unreviewed", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_article_facts_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "article_id", "verdict_state", "certainty_state", name=op.f("pk_article_facts")
        ),
    )
    op.create_table(
        "claim_facts",
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("section", sa.String(length=500), nullable=True),
        sa.Column("verdict_state", sa.String(length=40), nullable=False),
        sa.Column("certainty_state", sa.String(length=40), nullable=False),
        sa.Column("claims", sa.Integer(), nullable=False),
        sa.Column("checkable", sa.Integer(), nullable=False),
        sa.Column("reviewed", sa.Integer(), nullable=False),
        sa.Column("decided", sa.Integer(), nullable=False),
        sa.Column("open_gap", sa.Integer(), nullable=False),
        sa.Column("no_review", sa.Integer(), nullable=False),
        sa.Column("no_citation", sa.Integer(), nullable=False),
        sa.Column("weak_evidence", sa.Integer(), nullable=False),
        sa.Column("indirect_only", sa.Integer(), nullable=False),
        sa.Column("single_source", sa.Integer(), nullable=False),
        sa.Column("disagreement", sa.Integer(), nullable=False),
        sa.Column("clash", sa.Integer(), nullable=False),
        sa.Column("cues_unreviewed", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_claim_facts_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["claims.id"],
            name=op.f("fk_claim_facts_claim_id_claims"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("claim_id", name=op.f("pk_claim_facts")),
    )
    with op.batch_alter_table("claim_facts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_claim_facts_article_section", ["article_id", "section"], unique=False
        )
        batch_op.create_index("ix_claim_facts_section", ["section"], unique=False)
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.create_index(
            "ix_reviews_status_submitted_at",
            ["status", "submitted_at", "reviewer_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.drop_index("ix_reviews_status_submitted_at")
    with op.batch_alter_table("claim_facts", schema=None) as batch_op:
        batch_op.drop_index("ix_claim_facts_section")
        batch_op.drop_index("ix_claim_facts_article_section")

    op.drop_table("claim_facts")
    op.drop_table("article_facts")
