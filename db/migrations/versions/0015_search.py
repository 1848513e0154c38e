"""search_entries and the database's own full-text index over them (db/search_index.py)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 19:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from db.search_index import install, uninstall

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "search_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claims.id"],
            name=op.f("fk_search_entries_claim_id_claims"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["review_id"], ["reviews.id"],
            name=op.f("fk_search_entries_review_id_reviews"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_entries")),
    )  # fmt: skip
    op.create_index(op.f("ix_search_entries_claim_id"), "search_entries", ["claim_id"])
    op.create_index(op.f("ix_search_entries_review_id"), "search_entries", ["review_id"])
    op.create_index(op.f("ix_search_entries_article_id"), "search_entries", ["article_id"])
    op.create_index("ix_search_entries_kind_article", "search_entries", ["kind", "article_id"])
    install(op.get_bind())
    # Filled by db.setup.prepare_database (search_index.ensure_search_index).


def downgrade() -> None:
    uninstall(op.get_bind())
    op.drop_table("search_entries")
