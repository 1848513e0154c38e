"""claim_matches, claim_recurrence and claim_match_queue: "seen before" stored, not searched on every page

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 22:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "claim_matches",
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("other_claim_id", sa.Integer(), nullable=False),
        sa.Column("other_article_id", sa.Integer(), nullable=False),
        sa.Column("similarity", sa.Float(), nullable=False),
        sa.Column("relation", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claims.id"],
            name=op.f("fk_claim_matches_claim_id_claims"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["other_claim_id"], ["claims.id"],
            name=op.f("fk_claim_matches_other_claim_id_claims"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("claim_id", "other_claim_id", name=op.f("pk_claim_matches")),
    )  # fmt: skip
    op.create_index(op.f("ix_claim_matches_other_claim_id"), "claim_matches", ["other_claim_id"])
    op.create_index(
        "ix_claim_matches_recurring",
        "claim_matches",
        ["relation", "claim_id", "other_article_id"],
    )
    op.create_table(
        "claim_recurrence",
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("other_articles", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claims.id"],
            name=op.f("fk_claim_recurrence_claim_id_claims"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("claim_id", name=op.f("pk_claim_recurrence")),
    )  # fmt: skip
    op.create_index("ix_claim_recurrence_other_articles", "claim_recurrence", ["other_articles"])
    op.create_table(
        "claim_match_queue",
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claims.id"],
            name=op.f("fk_claim_match_queue_claim_id_claims"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("claim_id", name=op.f("pk_claim_match_queue")),
    )  # fmt: skip
    # Every checkable claim already imported is matched once, newest first, in the background.
    op.execute("INSERT INTO claim_match_queue (claim_id) SELECT id FROM claims WHERE checkable")


def downgrade() -> None:
    op.drop_table("claim_match_queue")
    op.drop_table("claim_recurrence")
    op.drop_table("claim_matches")
