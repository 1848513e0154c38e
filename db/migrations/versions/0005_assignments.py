"""assignments and review settings

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 16:58:50.448863
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "article_assignments",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("assigned_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_article_assignments_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["assigned_by_id"],
            ["users.id"],
            name=op.f("fk_article_assignments_assigned_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"],
            ["users.id"],
            name=op.f("fk_article_assignments_reviewer_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_id", "reviewer_id", name=op.f("pk_article_assignments")),
    )
    with op.batch_alter_table("article_assignments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_article_assignments_reviewer_id"), ["reviewer_id"], unique=False
        )

    op.create_table(
        "claim_assignments",
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("assigned_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_claim_assignments_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["assigned_by_id"], ["users.id"], name=op.f("fk_claim_assignments_assigned_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["claims.id"],
            name=op.f("fk_claim_assignments_claim_id_claims"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"],
            ["users.id"],
            name=op.f("fk_claim_assignments_reviewer_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("claim_id", "reviewer_id", name=op.f("pk_claim_assignments")),
    )
    with op.batch_alter_table("claim_assignments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_claim_assignments_reviewer_article", ["reviewer_id", "article_id"], unique=False
        )

    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("blind_review", sa.String(length=4), server_default="auto", nullable=False)
        )
        batch_op.add_column(
            sa.Column(
                "auto_accept_unanimous", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_column("auto_accept_unanimous")
        batch_op.drop_column("blind_review")

    with op.batch_alter_table("claim_assignments", schema=None) as batch_op:
        batch_op.drop_index("ix_claim_assignments_reviewer_article")

    op.drop_table("claim_assignments")
    with op.batch_alter_table("article_assignments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_article_assignments_reviewer_id"))

    op.drop_table("article_assignments")
