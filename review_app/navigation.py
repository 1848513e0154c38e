"""The app's pages, and which of them a user's roles open."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from claims.permissions import (
    ASSIGN_REVIEWS,
    MANAGE_USERS,
    READ_ALL_REVIEWS,
    READ_ARTICLES,
    READ_AUDIT,
    RECORD_DECISIONS,
    REVIEW_CLAIMS,
    Actor,
)

# Not "pages/": Streamlit would list a folder of that name as pages by itself, login or not.
PAGES_DIR = Path(__file__).parent / "views"


@dataclass(frozen=True)
class PageSpec:
    file: str
    title: str
    icon: str
    permission: str | None  # None: every logged-in user

    @property
    def path(self) -> Path:
        return PAGES_DIR / self.file

    @property
    def url_path(self) -> str:
        return self.file.removesuffix(".py")


PAGES = (
    PageSpec("articles.py", "Articles", ":material/article:", READ_ARTICLES),
    PageSpec("queue.py", "My queue", ":material/inbox:", REVIEW_CLAIMS),
    PageSpec("review.py", "Review", ":material/rate_review:", REVIEW_CLAIMS),
    PageSpec("claims.py", "Claims", ":material/format_list_numbered:", READ_ARTICLES),
    PageSpec("dashboard.py", "Evidence gaps", ":material/monitoring:", READ_ALL_REVIEWS),
    PageSpec("assignments.py", "Assignments", ":material/group_add:", ASSIGN_REVIEWS),
    PageSpec("adjudication.py", "Adjudication", ":material/gavel:", RECORD_DECISIONS),
    PageSpec("library.py", "Citation library", ":material/library_books:", READ_ARTICLES),
    PageSpec("audit.py", "Audit trail", ":material/history:", READ_AUDIT),
    PageSpec("users.py", "Users", ":material/group:", MANAGE_USERS),
    PageSpec("account.py", "My account", ":material/person:", None),
)


def pages_for(actor: Actor) -> list[PageSpec]:
    return [p for p in PAGES if p.permission is None or actor.can(p.permission)]
