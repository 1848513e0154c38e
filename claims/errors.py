"""Errors the domain raises for a user's mistake.

Every message says what was wrong and what to do; callers (command line, app) show it as is.
"""


class ClaimreviewError(Exception):
    """A problem caused by input or use, reported to the user in one line (never a traceback)."""


class DocumentRefused(ClaimreviewError):
    """A file or text that cannot be imported: empty, binary, undecodable, too large, malformed."""
