"""The full-text index of reviewed work, kept current inside every write transaction.

``search_entries`` holds one row per claim (its text and section), per review with something
to find (its rationale, its sources' titles and authors), per decision with a note, and one
more per claim with a decision or a submitted review ("settled": its text, for "seen before"). Each
database indexes ``body`` its own way, created by migration 0015 and not mapped in the models:

- SQLite: the FTS5 table ``search_fts`` (porter stemmer) over ``search_entries``, kept in step
  by three triggers, so every insert, update or delete of an entry (cascades included) is
  indexed in the same transaction.
- PostgreSQL: the generated column ``document`` (``to_tsvector('english', body)``) with a GIN
  index.

db/claim_facts.py calls ``refresh`` for the claims and articles a transaction changed, just
before it commits, as it rewrites their facts: the search can never find a claim as it was
before a save, nor miss one just imported.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, bindparam, delete, func, insert, literal, or_, select, text
from sqlalchemy.orm import Session

from claims.search import index_text
from db.models import Citation, Claim, Decision, Review, ReviewCitation, SearchEntry

FTS_TABLE = "search_fts"
DOCUMENT_COLUMN = "document"  # PostgreSQL's tsvector column on search_entries
DOCUMENT_INDEX = "ix_search_entries_document"
SETTLED_INDEX = "ix_search_entries_settled"
# The entry of a claim that has a decision or a submitted review: its text again, searched
# only for "seen before" (db/seen_before.py), through an index of its own.
SETTLED = "settled"
_CHUNK = 500  # ids per IN (...) list; stays far below every driver's parameter limit
_BATCH = 5000  # claims read and written at a time by a rebuild
_ROWS_PER_INSERT = 500  # 2,500 bound values a statement, within every driver's limit

SQLITE_DDL = (
    # kind and article_id are indexed too, as columns of their own: "kind : settled" picks the
    # claims with a finding out of the index itself (db/seen_before.py), and searches leave
    # those out; "article_id : 12" keeps one article's entries without a join over every match.
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(body, kind, article_id, "
    "content='search_entries', "
    "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER search_entries_ai AFTER INSERT ON search_entries BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, body, kind, article_id) "
    "VALUES (new.id, new.body, new.kind, new.article_id); END",
    f"CREATE TRIGGER search_entries_ad AFTER DELETE ON search_entries BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, body, kind, article_id) "
    "VALUES ('delete', old.id, old.body, old.kind, old.article_id); END",
    f"CREATE TRIGGER search_entries_au AFTER UPDATE ON search_entries BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, body, kind, article_id) "
    "VALUES ('delete', old.id, old.body, old.kind, old.article_id); "
    f"INSERT INTO {FTS_TABLE}(rowid, body, kind, article_id) "
    "VALUES (new.id, new.body, new.kind, new.article_id); END",
)
POSTGRESQL_DDL = (
    f"ALTER TABLE search_entries ADD COLUMN {DOCUMENT_COLUMN} tsvector "
    "GENERATED ALWAYS AS (to_tsvector('english', body)) STORED",
    f"CREATE INDEX {DOCUMENT_INDEX} ON search_entries USING gin ({DOCUMENT_COLUMN}) "
    f"WHERE kind <> '{SETTLED}'",
    f"CREATE INDEX {SETTLED_INDEX} ON search_entries USING gin ({DOCUMENT_COLUMN}) "
    f"WHERE kind = '{SETTLED}'",
)


def install(connection: Connection) -> None:
    """Create the database's own full-text index over search_entries (migration 0015)."""
    for statement in SQLITE_DDL if connection.dialect.name == "sqlite" else POSTGRESQL_DDL:
        connection.execute(text(statement))


def uninstall(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        for trigger in ("search_entries_ai", "search_entries_ad", "search_entries_au"):
            connection.execute(text(f"DROP TRIGGER IF EXISTS {trigger}"))
        connection.execute(text(f"DROP TABLE IF EXISTS {FTS_TABLE}"))


def is_engine_object(name: str | None, type_: str, parent: str | None = None) -> bool:
    """Whether a schema object is the database's own index above (not in the models): for the
    check that the migrations produce exactly the models."""
    if type_ == "table":
        return bool(name) and name.startswith(FTS_TABLE)  # and FTS5's shadow tables
    if type_ == "column":
        return name == DOCUMENT_COLUMN and parent == "search_entries"
    if type_ == "index":
        return name in (DOCUMENT_INDEX, SETTLED_INDEX)
    return False


_IDS = bindparam("ids", expanding=True)


def _write_claims(session: Session, claim_condition) -> None:  # type: ignore[no-untyped-def]
    """The claims' own entries: text and section, through claims.search.index_text (accents
    off, joined words split) as every entry is, in batches."""
    rows = session.execute(
        select(Claim.id, Claim.article_id, Claim.text, Claim.section)
        .where(claim_condition)
        .execution_options(yield_per=_BATCH)
    )
    for batch in rows.partitions():
        _insert(
            session,
            [{"claim_id": claim_id, "article_id": article_id, "kind": "claim",
              "review_id": None, "body": index_text(text, section)}
             for claim_id, article_id, text, section in batch],
        )  # fmt: skip


def _insert(session: Session, rows: list[dict]) -> None:
    """Write entries as multi-row INSERTs of ``_ROWS_PER_INSERT``, not one statement per row:
    SQLite's FTS5 writes its pending index to disk at the end of every statement that fires
    its trigger, so row-at-a-time inserts left a segment per row to merge (a 1,000,000-claim
    generation stalled for an hour in them; 5,000 entries took 1.6 s, now 0.03 s)."""
    connection = session.connection()
    for start in range(0, len(rows), _ROWS_PER_INSERT):
        connection.execute(insert(SearchEntry).values(rows[start : start + _ROWS_PER_INSERT]))


_DELETE_OF_CLAIMS = delete(SearchEntry).where(SearchEntry.claim_id.in_(_IDS))
_DELETE_OF_ARTICLES = delete(SearchEntry).where(
    SearchEntry.claim_id.in_(select(Claim.id).where(Claim.article_id.in_(_IDS)))
)


def chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    """Ids sorted and cut into lists short enough for every driver's IN (...) parameters
    (db/claim_facts.py uses them too)."""
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), _CHUNK):
        yield ordered[start : start + _CHUNK]


def refresh(
    session: Session, claim_ids: Iterable[int] = (), article_ids: Iterable[int] = ()
) -> None:
    """Rewrite the entries of these claims and of every claim of these articles."""
    claim_ids, article_ids = set(claim_ids), set(article_ids)
    if not claim_ids and not article_ids:
        return
    connection = session.connection()
    for chunk in chunks(article_ids):
        connection.execute(_DELETE_OF_ARTICLES, {"ids": chunk})
        _write_claims(session, Claim.article_id.in_(chunk))
        _write_reviews_and_decisions(session, Claim.article_id.in_(chunk))
    for chunk in chunks(claim_ids):
        connection.execute(_DELETE_OF_CLAIMS, {"ids": chunk})
        _write_claims(session, Claim.id.in_(chunk))
        _write_reviews_and_decisions(session, Claim.id.in_(chunk))


def _write_reviews_and_decisions(session: Session, claim_condition) -> None:  # type: ignore[no-untyped-def]
    reviews = session.execute(
        select(Review.id, Review.claim_id, Claim.article_id, Review.rationale)
        .join(Claim, Claim.id == Review.claim_id)
        .where(claim_condition)
    ).all()
    sources: dict[int, list[str]] = {}
    if reviews:
        for chunk in chunks(r.id for r in reviews):
            for review_id, title, authors in session.execute(
                select(ReviewCitation.review_id, Citation.title, Citation.authors)
                .join(Citation, Citation.id == ReviewCitation.citation_id)
                .where(ReviewCitation.review_id.in_(chunk))
                .order_by(ReviewCitation.review_id, ReviewCitation.position)
            ):
                sources.setdefault(review_id, []).extend(p for p in (title, authors) if p)
    rows = []
    for review in reviews:
        body = index_text(review.rationale, *sources.get(review.id, ()))
        if body.strip():
            rows.append(
                {"claim_id": review.claim_id, "article_id": review.article_id, "kind": "review",
                 "review_id": review.id, "body": body}
            )  # fmt: skip
    submitted = select(Review.id).where(Review.claim_id == Claim.id, Review.status == "submitted")
    decided = select(Decision.id).where(Decision.claim_id == Claim.id)
    for claim_id, article_id, claim_text in session.execute(
        select(Claim.id, Claim.article_id, Claim.text).where(
            claim_condition, or_(submitted.exists(), decided.exists())
        )
    ):
        rows.append({"claim_id": claim_id, "article_id": article_id, "kind": SETTLED,
                     "review_id": None, "body": index_text(claim_text)})  # fmt: skip
    for claim_id, article_id, note in session.execute(
        select(Decision.claim_id, Claim.article_id, Decision.note)
        .join(Claim, Claim.id == Decision.claim_id)
        .where(claim_condition)
    ):
        if note and note.strip():
            rows.append({"claim_id": claim_id, "article_id": article_id, "kind": "decision",
                         "review_id": None, "body": index_text(note)})  # fmt: skip
    _insert(session, rows)


def rebuild_all(session: Session) -> None:
    """Rewrite every entry (a database made before search existed, a restore, a bulk load)."""
    session.execute(delete(SearchEntry))
    _write_claims(session, literal(True))
    _write_reviews_and_decisions(session, literal(True))
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')"))


def ensure_search_index(session: Session) -> bool:
    """Rebuild the entries if they do not cover every claim; returns whether it rebuilt."""
    claims = session.scalar(select(func.count()).select_from(Claim)) or 0
    entries = session.scalar(
        select(func.count()).select_from(SearchEntry).where(SearchEntry.kind == "claim")
    ) or 0  # fmt: skip
    if claims == entries:
        return False
    rebuild_all(session)
    return True
