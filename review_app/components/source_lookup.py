"""A pasted source looked up while the reviewer goes on: "looking up…", then what the service
said (title, authors, flags, a suggested design), without the form ever waiting.

The lookups run on the process's worker threads (resources.background_lookups); a found record
is stored on the library's citation by the worker (db.source_lookups.store_lookup) as soon as
the library has it. While a row's lookup is pending, the review form draws that row's heading
as a fragment that checks again twice a second (review_form._source_heading).
"""

from __future__ import annotations

from dataclasses import dataclass

from claims.permissions import Actor
from claims.sources.background import PENDING
from claims.sources.client import SERVICE_FOR_KIND, SERVICE_NAMES
from claims.sources.designs import suggest_design
from claims.sources.flags import flags
from claims.vancouver import format_vancouver
from db.source_lookups import LOOKUP_KINDS, store_lookup
from review_app.resources import background_lookups, database

POLL_SECONDS = 0.5


@dataclass(frozen=True)
class LookupView:
    """A row's lookup as the form draws it."""

    pending: bool = False
    name: str | None = None  # the reference as the record gives it
    flags: tuple[str, ...] = ()
    suggested_design: str | None = None
    message: str | None = None  # not found, or failed: in words


def start_lookups(actor: Actor, keys: list[tuple[str, str]]) -> None:
    """Look these (kind, value) identifiers up in the background; each found record is stored
    on its library entry, if the library has one by then."""
    lookups = background_lookups()
    keys = [k for k in keys if k[0] in LOOKUP_KINDS]
    if lookups is None or not keys:
        return

    def store(result: object) -> None:
        store_lookup(database(), actor, result)

    lookups.request(keys, on_result=store)


def lookup_view(key: tuple[str, str] | None) -> LookupView | None:
    """What the background knows of this identifier (None: nothing to show)."""
    lookups = background_lookups()
    if key is None or lookups is None:
        return None
    state = lookups.state(*key)
    if state is None:
        return None
    service = SERVICE_NAMES.get(SERVICE_FOR_KIND.get(key[0], ""), "its service")
    if state == PENDING:
        return LookupView(pending=True, message=f"Looking up in {service}…")
    if state.status == "found" and state.record is not None:
        record = state.record
        return LookupView(
            name=format_vancouver(record),
            flags=tuple(flag.code for flag in flags(record)),
            suggested_design=suggest_design(record),
        )
    if state.status == "not_found":
        return LookupView(message=f"{service} does not know it: check the identifier.")
    if state.status == "failed":
        return LookupView(
            message=f"Not looked up: {state.reason} The source is kept as given; "
            "`claimreview sources refresh` fills it in later."
        )
    return None


def stored_results(keys: list[tuple[str, str]]) -> list[object]:
    """Finished lookups of these identifiers (to store once their citations exist)."""
    lookups = background_lookups()
    if lookups is None:
        return []
    states = [lookups.state(*k) for k in keys]
    return [s for s in states if s is not None and s != PENDING]
