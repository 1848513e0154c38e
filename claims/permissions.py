"""Who may do what: roles, the permissions they grant, and the acting user.

The rules are data (ROLE_PERMISSIONS) and are checked by the write and read layer in db/,
not only by which pages the app shows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from claims.errors import ClaimreviewError

ROLES = ("reviewer", "editor", "admin")

# Permissions, named by what they let a person do.
REVIEW_CLAIMS = "review claims"  # write one's own reviews
EDIT_CLAIMS = "fix a claim's split"
ADD_CITATIONS = "add citations"
READ_ARTICLES = "read articles"
IMPORT_ARTICLES = "import articles"
ARCHIVE_ARTICLES = "archive articles"
READ_ALL_REVIEWS = "see every review"
RECORD_DECISIONS = "record final decisions"
ASSIGN_REVIEWS = "assign reviewers and set review rules"
EXPORT_REPORTS = "export reports"
READ_AUDIT = "read the audit trail"
MANAGE_USERS = "manage users"
MANAGE_SETTINGS = "change settings"

_REVIEWER = frozenset({REVIEW_CLAIMS, EDIT_CLAIMS, ADD_CITATIONS, READ_ARTICLES})
_EDITOR = _REVIEWER | {
    IMPORT_ARTICLES,
    ARCHIVE_ARTICLES,
    READ_ALL_REVIEWS,
    RECORD_DECISIONS,
    ASSIGN_REVIEWS,
    EXPORT_REPORTS,
    READ_AUDIT,
}
_ADMIN = frozenset({MANAGE_USERS, MANAGE_SETTINGS, READ_AUDIT})

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "reviewer": _REVIEWER,
    "editor": frozenset(_EDITOR),
    "admin": _ADMIN,
}
ALL_PERMISSIONS = frozenset().union(*ROLE_PERMISSIONS.values())


class PermissionDenied(ClaimreviewError):
    """The acting user's roles do not allow what was asked."""


def check_roles(roles: Iterable[str]) -> frozenset[str]:
    roles = frozenset(roles)
    unknown = sorted(roles - set(ROLES))
    if unknown:
        raise ClaimreviewError(f"Unknown role {', '.join(unknown)}; roles are {', '.join(ROLES)}.")
    if not roles:
        raise ClaimreviewError(f"Give at least one role ({', '.join(ROLES)}).")
    return roles


@dataclass(frozen=True)
class Actor:
    """The person (or operator channel) on whose behalf a read or write happens."""

    user_id: int | None
    username: str
    roles: frozenset[str] = field(default_factory=frozenset)
    channel: str = "app"  # how the action arrived: app, cli, demo, system

    @classmethod
    def operator(cls, channel: str = "cli") -> Actor:
        """Someone at the server's command line: holds every role (they own the database)."""
        return cls(user_id=None, username=f"({channel})", roles=frozenset(ROLES), channel=channel)

    @property
    def permissions(self) -> frozenset[str]:
        return frozenset().union(*(ROLE_PERMISSIONS.get(r, frozenset()) for r in self.roles))

    def can(self, permission: str) -> bool:
        return permission in self.permissions

    def require(self, permission: str) -> None:
        if not self.can(permission):
            held = ", ".join(sorted(self.roles)) or "no role"
            raise PermissionDenied(
                f"{self.username} ({held}) may not {permission}; ask an administrator for a "
                "role that allows it."
            )
