"""The app's pages, and which of them a user's roles open.

Every page's address exists for everyone: a page a user may not open (or any page, before
login) is registered at its own address with a stand-in that draws the login form or says
plainly why it is closed. A shared link therefore keeps its address and query through the
login, and never meets Streamlit's "page not found".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from claims.permissions import (
    ASSIGN_REVIEWS,
    MANAGE_SETTINGS,
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
    PageSpec("search.py", "Search", ":material/search:", READ_ARTICLES),
    PageSpec("dashboard.py", "Evidence gaps", ":material/monitoring:", READ_ALL_REVIEWS),
    PageSpec("assignments.py", "Assignments", ":material/group_add:", ASSIGN_REVIEWS),
    PageSpec("adjudication.py", "Adjudication", ":material/gavel:", RECORD_DECISIONS),
    PageSpec("library.py", "Citation library", ":material/library_books:", READ_ARTICLES),
    PageSpec("audit.py", "Audit trail", ":material/history:", READ_AUDIT),
    PageSpec("users.py", "Users", ":material/group:", MANAGE_USERS),
    PageSpec("settings.py", "Settings", ":material/settings:", MANAGE_SETTINGS),
    PageSpec("account.py", "My account", ":material/person:", None),
)


def pages_for(actor: Actor) -> list[PageSpec]:
    return [p for p in PAGES if p.permission is None or actor.can(p.permission)]


def stand_in_pages(draw: Callable[[], None]) -> list[st.Page]:
    """Every page's address (and the bare address), each drawing ``draw`` (the login form, a
    new password)."""
    return [
        st.Page(draw, title="claimreview", url_path="start", default=True),
        *(st.Page(draw, title=spec.title, url_path=spec.url_path) for spec in PAGES),
    ]


def app_pages(actor: Actor) -> list[st.Page]:
    """The pages this user opens, listed in the menu; the others, hidden, say they are closed.

    The bare address opens the first of them at its own address (Streamlit serves the default
    page only at "/", so no listed page is the default: "/articles" must work too)."""
    allowed = pages_for(actor)
    pages = [
        st.Page(spec.path, title=spec.title, icon=spec.icon, url_path=spec.url_path)
        for spec in allowed
    ]
    pages.insert(0, st.Page(_opens(pages[0]), title=pages[0].title, default=True,
                            url_path="start", visibility="hidden"))  # fmt: skip
    for spec in PAGES:
        if spec not in allowed:
            pages.append(
                st.Page(
                    _closed_page(spec, actor),
                    title=spec.title,
                    url_path=spec.url_path,
                    visibility="hidden",
                )
            )
    return pages


def _opens(first: st.Page) -> Callable[[], None]:
    def start() -> None:
        st.switch_page(first, query_params=st.query_params.to_dict())

    return start


def _closed_page(spec: PageSpec, actor: Actor) -> Callable[[], None]:
    def closed() -> None:
        st.title(spec.title)
        roles = ", ".join(sorted(actor.roles)) or "no role"
        st.warning(
            f"**{spec.title}** is not open to your roles ({roles}). An administrator can give "
            "you a role that opens it.",
            icon=":material/lock:",
        )
        first = pages_for(actor)[0]
        st.page_link(f"views/{first.file}", label=f"Go to {first.title}", icon=first.icon)

    closed.__name__ = f"closed_{spec.url_path}"
    return closed
