"""What the review page's navigator keeps in the session between runs, and what it was read for.

These classes live here, not in views/review.py: a page file runs afresh on every full run of
the page, so a class defined there is a new class each time, and a frozen dataclass never
equals one made by an earlier run. The kept rows would then be read again after every full
run (a filter changed, the page reopened), not only when something changed.
"""

from __future__ import annotations

from dataclasses import dataclass

from db.workspace import NavigatorRow, Progress
from review_app.components.navigator_table import TableRow


@dataclass(frozen=True)
class NavigatorFilters:
    """The navigator's filters, as db.workspace.review_navigator takes them."""

    status: tuple[str, ...]
    checkable_only: bool
    with_cues: bool
    verdicts: tuple[str, ...]
    certainties: tuple[str, ...]

    def on_my_review(self) -> bool:
        """Whether saving a review can move a claim into or out of the list."""
        return bool(self.status or self.verdicts or self.certainties)


@dataclass(frozen=True)
class KeptNavigator:
    """The navigator's rows kept in the session, and what they were read for."""

    article_id: int
    filters: NavigatorFilters
    page: int
    writes: int  # resources.writes_seen() when read: any write of mine reads them again
    period: int  # the half-minute they were read in: others' changes show within it
    progress: Progress
    total: int
    rows: list[NavigatorRow]
    table: tuple[TableRow, ...]  # the rows as the table shows them
