"""What a user may say about an article on import, checked before anything is written."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from urllib.parse import urlsplit

from claims.document import Document
from claims.errors import ClaimreviewError

MAX_TITLE_LENGTH = 500
MAX_URL_LENGTH = 2000


def check_source_url(url: str, what: str = "The source URL") -> str:
    """An article's source URL (or, named by ``what``, another web address): http or https
    only, with a host."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise ClaimreviewError(
            f"{what} {url[:80]!r} is not an http(s) address; give one like "
            "https://example.org/article."
        )
    if len(url) > MAX_URL_LENGTH:
        raise ClaimreviewError(f"{what} is longer than {MAX_URL_LENGTH} characters.")
    return url


def check_title(title: str) -> str:
    title = " ".join(title.split())
    if not title:
        raise ClaimreviewError("The title is empty; give the article a title.")
    if len(title) > MAX_TITLE_LENGTH:
        raise ClaimreviewError(
            f"The title is {len(title)} characters long; shorten it to {MAX_TITLE_LENGTH} or fewer."
        )
    return title


def with_overrides(
    document: Document,
    *,
    title: str | None = None,
    source_url: str | None = None,
    author: str | None = None,
    published: date | None = None,
) -> Document:
    """The document with the user's metadata in place of what the source said."""
    changes: dict[str, object] = {}
    if title is not None:
        changes["title"] = check_title(title)
    if source_url is not None:
        changes["source_url"] = check_source_url(source_url)
    if author is not None:
        changes["author"] = " ".join(author.split()) or None
    if published is not None:
        changes["published"] = published
    document = replace(document, **changes) if changes else document
    # Whatever the source said must fit too.
    if document.title:
        document = replace(document, title=check_title(document.title[:MAX_TITLE_LENGTH]))
    if document.source_url and source_url is None:
        try:
            check_source_url(document.source_url)
        except ClaimreviewError:
            document = replace(document, source_url=None)  # a relative or odd link: drop it
    return document
