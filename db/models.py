"""Typed ORM models: the product's whole data model.

Designed for what the product grows into: several reviewers per claim (one review each), an
editor's final decision per claim, citations shared across claims, an append-only audit trail,
optimistic concurrency (version columns), and the same schema on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.sql.expression import false

# Stable constraint names, so Alembic can alter tables on SQLite (batch mode) and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

JSONType = JSON().with_variant(JSONB(), "postgresql")

REVIEW_STATUSES = ("draft", "submitted")
ROLES = ("reviewer", "editor", "admin")


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; use datetime.now(UTC)")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# --- Scales: data, seeded from claims/data/scales.json ------------------------------------------


class ScaleValueMixin:
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    label: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(Integer)
    rating: Mapped[int | None]
    description: Mapped[str] = mapped_column(Text, default="")
    flag: Mapped[str | None] = mapped_column(String(40))


class Verdict(ScaleValueMixin, Base):
    __tablename__ = "verdicts"


class CertaintyLevel(ScaleValueMixin, Base):
    __tablename__ = "certainty_levels"


class StudyDesign(ScaleValueMixin, Base):
    __tablename__ = "study_designs"


class Stance(ScaleValueMixin, Base):
    __tablename__ = "stances"


SCALE_MODELS: dict[str, type[ScaleValueMixin]] = {
    "verdict": Verdict,
    "certainty": CertaintyLevel,
    "study_design": StudyDesign,
    "stance": Stance,
}


# --- People ---------------------------------------------------------------------------------------


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(default=True)
    must_change_password: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Consecutive failed logins; past a threshold each further try must wait longer.
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_failed_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    roles: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def role_names(self) -> set[str]:
        return {r.role for r in self.roles}


class LoginSession(Base):
    """A browser's login, remembered by a cookie across page reloads.

    Only the token's sha256 is stored; the token itself lives in the browser's cookie.
    """

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class UnknownNameFailure(Base):
    """Failed logins under a username that has no account: throttled exactly as a real one is,
    so the throttle's message does not tell a stranger which usernames exist. Only a hash of the
    name is kept: people sometimes type their password into the username field."""

    __tablename__ = "unknown_name_failures"

    username_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    last_failed_login_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class Organisation(Base):
    """The organisation that publishes the reports (one row, id 1): set by an administrator."""

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    url: Mapped[str | None] = mapped_column(String(2000))
    logo: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    logo_type: Mapped[str | None] = mapped_column(String(20))
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class DataVersion(Base):
    """One row (id 1) whose number every write transaction raises: a server keys its cached
    reads on it, so a write made anywhere (another server, the command line) is seen at its
    next page run."""

    __tablename__ = "data_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


class UserRole(Base):
    __tablename__ = "user_roles"
    __table_args__ = (CheckConstraint("role IN ('reviewer', 'editor', 'admin')", name="role"),)

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(20), primary_key=True)

    user: Mapped[User] = relationship(back_populates="roles")


# --- Articles and claims --------------------------------------------------------------------------


class Article(Base):
    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    source_url: Mapped[str | None] = mapped_column(String(2000))
    author: Mapped[str | None] = mapped_column(String(500))
    # Who reviewed the article medically, as the source says ("Reviewed by Jane Doe, MD").
    medical_reviewer: Mapped[str | None] = mapped_column(String(500))
    published_on: Mapped[date | None] = mapped_column(Date)
    # The plain text every claim offset points into, kept exactly as imported. Both texts are
    # loaded only when read: an article reached from a claim (blind review, auto-accept, the
    # review page's checks) would otherwise carry its whole text on every click.
    text: Mapped[str] = mapped_column(Text, deferred=True)
    # The decoded source (Markdown or HTML markup) verbatim; None for binary formats (Word).
    source_text: Mapped[str | None] = mapped_column(Text, deferred=True)
    source_format: Mapped[str] = mapped_column(String(10))
    source_filename: Mapped[str | None] = mapped_column(String(500))
    # sha256 of `text`: importing the same content again finds this article.
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Blind review: "auto" (on once two or more reviewers are assigned), "on" or "off".
    blind_review: Mapped[str] = mapped_column(String(4), default="auto", server_default="auto")
    # Submitted reviews that all agree become the decision without an editor.
    auto_accept_unanimous: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The editor's key takeaways (Markdown), printed in the report's summary.
    key_takeaways: Mapped[str] = mapped_column(Text, default="", server_default="")
    # JSON: which parts the report includes (claims.reports.model.ReportOptions); NULL: defaults.
    report_settings: Mapped[str | None] = mapped_column(Text)

    imported_by: Mapped[User | None] = relationship()
    claims: Mapped[list[Claim]] = relationship(
        back_populates="article",
        cascade="all, delete-orphan",
        order_by="Claim.ordinal",
        passive_deletes=True,
    )


class Claim(Base):
    __tablename__ = "claims"
    __table_args__ = (
        UniqueConstraint("article_id", "ordinal"),
        CheckConstraint("char_start >= 0 AND char_end > char_start", name="span"),
        Index("ix_claims_article_checkable", "article_id", "checkable"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    ordinal: Mapped[int] = mapped_column(Integer)  # 1-based position in the article
    # article.text[start:end] == text, always.
    start: Mapped[int] = mapped_column("char_start", Integer)
    end: Mapped[int] = mapped_column("char_end", Integer)
    text: Mapped[str] = mapped_column(Text)
    section: Mapped[str | None] = mapped_column(String(500))
    checkable: Mapped[bool] = mapped_column(default=True)
    # claim | heading | signpost | question | opinion | fragment: why it is (not) checkable.
    kind: Mapped[str] = mapped_column(String(20), default="claim")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    article: Mapped[Article] = relationship(back_populates="claims")
    cues: Mapped[list[ClaimCue]] = relationship(
        back_populates="claim",
        cascade="all, delete-orphan",
        order_by="ClaimCue.start",
        passive_deletes=True,
    )
    reviews: Mapped[list[Review]] = relationship(back_populates="claim", passive_deletes=True)
    decision: Mapped[Decision | None] = relationship(back_populates="claim", passive_deletes=True)

    __mapper_args__ = {"version_id_col": version}


class ClaimCue(Base):
    """A cue of overclaiming (or a hedge) found in a claim; span relative to the claim's text."""

    __tablename__ = "claim_cues"
    __table_args__ = (Index("ix_claim_cues_kind_claim", "kind", "claim_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    start: Mapped[int] = mapped_column("char_start", Integer)
    end: Mapped[int] = mapped_column("char_end", Integer)
    text: Mapped[str] = mapped_column(String(500))
    reason: Mapped[str] = mapped_column(String(500))

    claim: Mapped[Claim] = relationship(back_populates="cues")


# --- Reviews, citations, decisions ----------------------------------------------------------------


class Review(Base):
    """One reviewer's review of one claim (drafts included)."""

    __tablename__ = "reviews"
    __table_args__ = (
        UniqueConstraint("claim_id", "reviewer_id"),
        CheckConstraint("status IN ('draft', 'submitted')", name="status"),
        Index("ix_reviews_reviewer_status", "reviewer_id", "status"),
        # Reviewer throughput: submitted reviews by day.
        Index("ix_reviews_status_submitted_at", "status", "submitted_at", "reviewer_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    verdict: Mapped[str | None] = mapped_column(ForeignKey("verdicts.code"))
    certainty: Mapped[str | None] = mapped_column(ForeignKey("certainty_levels.code"))
    # The certainty rated by GRADE's domains (claims.grade.GradeAssessment.to_json(), as JSON);
    # None: rated directly. When set, ``certainty`` is what it gives.
    grade: Mapped[str | None] = mapped_column(Text)
    rationale: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default="draft")
    # Set when the claim's span changed after this review was written.
    needs_second_look: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    claim: Mapped[Claim] = relationship(back_populates="reviews")
    reviewer: Mapped[User] = relationship()
    citations: Mapped[list[ReviewCitation]] = relationship(
        back_populates="review",
        cascade="all, delete-orphan",
        order_by="ReviewCitation.position",
        passive_deletes=True,
    )

    __mapper_args__ = {"version_id_col": version}


class Citation(Base):
    """One source (a paper, trial, page), shared by every review that cites it."""

    __tablename__ = "citations"
    __table_args__ = (UniqueConstraint("kind", "identifier"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # pmid | doi | pmcid | nct | url | reference (from an imported reference file, no identifier)
    kind: Mapped[str] = mapped_column(String(12))
    identifier: Mapped[str] = mapped_column(String(2000))  # normalized (DOIs lower-cased)
    title: Mapped[str | None] = mapped_column(Text)
    authors: Mapped[str | None] = mapped_column(Text)  # "Surname AB; Surname CD" (Vancouver)
    journal: Mapped[str | None] = mapped_column(String(500))
    year: Mapped[int | None] = mapped_column(Integer)
    volume: Mapped[str | None] = mapped_column(String(40))
    issue: Mapped[str | None] = mapped_column(String(40))
    pages: Mapped[str | None] = mapped_column(String(60))
    study_design: Mapped[str | None] = mapped_column(ForeignKey("study_designs.code"))
    url: Mapped[str | None] = mapped_column(String(2000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # What the source services said (claims/sources): the other identifiers of the same work,
    # the design its publication types suggest, its flags ("retracted,corrected": codes of
    # claims.sources.flags), and the record as fetched, with when and from where.
    doi: Mapped[str | None] = mapped_column(String(300))
    pmid: Mapped[str | None] = mapped_column(String(12))
    pmcid: Mapped[str | None] = mapped_column(String(20))
    suggested_design: Mapped[str | None] = mapped_column(String(40))
    flags: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # Fields a person gave (a reference file, a reviewer): a lookup never overwrites them.
    person_fields: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # None: never looked up; found | not_found | failed (lookup_note says why).
    lookup_status: Mapped[str | None] = mapped_column(String(12))
    lookup_note: Mapped[str | None] = mapped_column(Text)
    fetched_from: Mapped[str | None] = mapped_column(String(20))  # pubmed, crossref, ...
    fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    fetched_record: Mapped[str | None] = mapped_column(Text)  # SourceRecord.to_json(), as JSON


class ReviewCitation(Base):
    """A citation as one review uses it: its stance toward the claim, the passage, where."""

    __tablename__ = "review_citations"
    __table_args__ = (UniqueConstraint("review_id", "citation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"))
    citation_id: Mapped[int] = mapped_column(ForeignKey("citations.id"), index=True)
    stance: Mapped[str | None] = mapped_column(ForeignKey("stances.code"))
    quote: Mapped[str] = mapped_column(Text, default="")
    locator: Mapped[str] = mapped_column(String(200), default="")  # page, table, figure
    position: Mapped[int] = mapped_column(Integer, default=0)

    review: Mapped[Review] = relationship(back_populates="citations")
    citation: Mapped[Citation] = relationship(lazy="joined")


class Decision(Base):
    """An editor's final verdict and certainty for a claim."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"), unique=True)
    editor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    verdict: Mapped[str] = mapped_column(ForeignKey("verdicts.code"))
    certainty: Mapped[str | None] = mapped_column(ForeignKey("certainty_levels.code"))
    # new_evidence | reviewer_error | scale_interpretation | unanimous | other
    reason: Mapped[str | None] = mapped_column(String(40))
    note: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    claim: Mapped[Claim] = relationship(back_populates="decision")
    editor: Mapped[User | None] = relationship()
    based_on: Mapped[list[DecisionReview]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )

    __mapper_args__ = {"version_id_col": version}


class DecisionReview(Base):
    """Which reviews a decision rests on."""

    __tablename__ = "decision_reviews"

    decision_id: Mapped[int] = mapped_column(
        ForeignKey("decisions.id", ondelete="CASCADE"), primary_key=True
    )
    review_id: Mapped[int] = mapped_column(
        ForeignKey("reviews.id", ondelete="CASCADE"), primary_key=True
    )


# --- Assignments --------------------------------------------------------------------------------


class ArticleAssignment(Base):
    """A reviewer assigned every checkable claim of an article (present and future)."""

    __tablename__ = "article_assignments"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    reviewer_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class ClaimAssignment(Base):
    """A reviewer assigned one claim (when an editor picks a set of an article's claims)."""

    __tablename__ = "claim_assignments"
    __table_args__ = (Index("ix_claim_assignments_reviewer_article", "reviewer_id", "article_id"),)

    claim_id: Mapped[int] = mapped_column(
        ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True
    )
    reviewer_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


# --- Evidence-gap facts (derived, kept current on every write; see db/claim_facts.py) ---------

GAP_COLUMNS = (
    "no_review",
    "no_citation",
    "weak_evidence",
    "indirect_only",
    "single_source",
    "disagreement",
    "clash",
    "cues_unreviewed",
    "cites_retracted",
)


class _FactCounts:
    """The counts shared by a claim's facts (0 or 1 each) and an article's sums of them."""

    claims: Mapped[int] = mapped_column(Integer, default=1)
    checkable: Mapped[int] = mapped_column(Integer, default=0)
    reviewed: Mapped[int] = mapped_column(Integer, default=0)
    decided: Mapped[int] = mapped_column(Integer, default=0)
    open_gap: Mapped[int] = mapped_column(Integer, default=0)  # in at least one gap
    no_review: Mapped[int] = mapped_column(Integer, default=0)
    no_citation: Mapped[int] = mapped_column(Integer, default=0)
    weak_evidence: Mapped[int] = mapped_column(Integer, default=0)
    indirect_only: Mapped[int] = mapped_column(Integer, default=0)
    single_source: Mapped[int] = mapped_column(Integer, default=0)
    disagreement: Mapped[int] = mapped_column(Integer, default=0)
    clash: Mapped[int] = mapped_column(Integer, default=0)
    cues_unreviewed: Mapped[int] = mapped_column(Integer, default=0)
    cites_retracted: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class ClaimFact(_FactCounts, Base):
    """What one claim's reviews, citations and decision amount to, for dashboards at scale.

    Derived data: rewritten for the claims a transaction touched, just before it commits.
    """

    __tablename__ = "claim_facts"
    __table_args__ = (
        Index("ix_claim_facts_article_section", "article_id", "section"),
        Index("ix_claim_facts_section", "section"),  # the section filter across articles
    )

    claim_id: Mapped[int] = mapped_column(
        ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True
    )
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    section: Mapped[str | None] = mapped_column(String(500))
    # A verdict code, or "disagreement", "unreviewed", "not_a_claim" (claim not checkable).
    verdict_state: Mapped[str] = mapped_column(String(40))
    # A certainty code, or "not_rated", "not_a_claim".
    certainty_state: Mapped[str] = mapped_column(String(40))


class ArticleFact(_FactCounts, Base):
    """An article's claim facts summed by finding: the all-articles overview reads only these."""

    __tablename__ = "article_facts"
    # The verdict and certainty distributions of every article: read in this index's order,
    # with no sort and without touching the table.
    __table_args__ = (
        Index("ix_article_facts_finding", "verdict_state", "certainty_state", "claims"),
    )

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    verdict_state: Mapped[str] = mapped_column(String(40), primary_key=True)
    certainty_state: Mapped[str] = mapped_column(String(40), primary_key=True)


class ArticleTotal(_FactCounts, Base):
    """An article's claim facts summed over every finding: one row per article, so the
    all-articles totals and the ranking by open gaps read thousands of rows, not one per
    article and finding. Derived data, rewritten with the article's ``article_facts``."""

    __tablename__ = "article_totals"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )


class ReviewDay(Base):
    """How many of a reviewer's reviews stand submitted on each day (UTC): the throughput
    chart sums these few rows instead of grouping every review. Derived data, kept current by
    db/review_days.py just before each commit."""

    __tablename__ = "review_days"
    __table_args__ = (Index("ix_review_days_day", "day"),)

    reviewer_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    reviews: Mapped[int] = mapped_column(Integer)


# --- Audit trail ----------------------------------------------------------------------------------


class AuditEvent(Base):
    """Append-only record of every write. Database triggers refuse UPDATE and DELETE."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_entity", "entity_type", "entity_id"),
        Index("ix_audit_events_article_time", "article_id", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # How the write arrived when no user is logged in: "cli", "app", "demo", "system".
    channel: Mapped[str] = mapped_column(String(20), default="app")
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    article_id: Mapped[int | None] = mapped_column(Integer)  # for per-article history; no FK
    claim_id: Mapped[int | None] = mapped_column(Integer, index=True)  # for a claim's history
    action: Mapped[str] = mapped_column(String(40))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONType)


# --- Search -----------------------------------------------------------------------------------


class SearchEntry(Base):
    """A piece of reviewed work as the search finds it: a claim's text and section, a review's
    rationale and its sources' titles and authors, or a decision's note. Derived data,
    rewritten for the claims a transaction touched, just before it commits (db/search_index.py).

    The full-text index over ``body`` is the database's own and is not mapped here: SQLite's
    FTS5 table ``search_fts``, PostgreSQL's ``document`` tsvector column with a GIN index.
    """

    __tablename__ = "search_entries"
    # "Is there a finding in another article at all?", asked before every "seen before".
    __table_args__ = (Index("ix_search_entries_kind_article", "kind", "article_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"), index=True)
    # The claim's article, kept here for the article filter: the index narrows to it without
    # a join over every match (a claim never moves between articles).
    article_id: Mapped[int] = mapped_column(Integer, index=True)
    # claim | review | decision | settled: what the search may show to whom (blind review)
    # follows it.
    kind: Mapped[str] = mapped_column(String(10))
    review_id: Mapped[int | None] = mapped_column(
        ForeignKey("reviews.id", ondelete="CASCADE"), index=True
    )
    body: Mapped[str] = mapped_column(Text)


class ClaimMatch(Base):
    """Two claims of different articles that say the same thing, or the opposite, as
    claims.matching judged their texts: stored once in each direction, so a claim's matches
    are one index read. Derived data (db/claim_matches.py): written when a claim is imported
    or its text changes, never on a review's click path."""

    __tablename__ = "claim_matches"
    # Recurring claims: the articles each claim was matched in, read from the index alone.
    __table_args__ = (
        Index("ix_claim_matches_recurring", "relation", "claim_id", "other_article_id"),
    )

    claim_id: Mapped[int] = mapped_column(
        ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True
    )
    other_claim_id: Mapped[int] = mapped_column(
        ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    other_article_id: Mapped[int] = mapped_column(Integer)
    similarity: Mapped[float] = mapped_column(Float)
    relation: Mapped[str] = mapped_column(String(10))  # claims.matching.SAME or OPPOSITE


class ClaimRecurrence(Base):
    """In how many other articles a claim's same-claim matches lie: the recurring claims are
    read from this index, not counted over every match (db/claim_matches.py keeps it as it
    stores matches). Only claims with such a match have a row."""

    __tablename__ = "claim_recurrence"
    __table_args__ = (Index("ix_claim_recurrence_other_articles", "other_articles"),)

    claim_id: Mapped[int] = mapped_column(
        ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True
    )
    other_articles: Mapped[int] = mapped_column(Integer)


class ClaimMatchQueue(Base):
    """Claims whose matches are still to be found: new or changed text. Drained in batches by
    db/claim_matches.py (the app's background matcher, an import, ``claimreview match``)."""

    __tablename__ = "claim_match_queue"

    claim_id: Mapped[int] = mapped_column(
        ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True
    )
