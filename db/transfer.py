"""Moving a whole article between instances: the JSON export read back in, without loss.

Users named in the file are matched by username, or created disabled and without a password
(their reviews must keep their author); citations are matched by kind and identifier.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, ProgrammingError, StatementError

from claims.errors import ClaimreviewError
from claims.exports import JSON_FORMAT
from claims.grade import GradeAssessment
from claims.metadata import check_source_url
from claims.permissions import IMPORT_ARTICLES, Actor
from claims.publishing import check_takeaways
from claims.reports.model import ReportOptions
from claims.sources.flags import FLAG_LABELS
from db.accounts import USERNAME_MAX, check_username
from db.articles import ImportResult, content_hash, refuse_too_many_claims
from db.audit import record_event
from db.engine import Database
from db.models import (
    Article,
    Citation,
    Claim,
    ClaimCue,
    Decision,
    DecisionReview,
    Review,
    ReviewCitation,
    User,
)

MAX_JSON_BYTES = 200 * 1024 * 1024


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _web_address(url: object) -> str | None:
    """An http(s) address from the file, or None: a javascript: or data: link another instance
    (or a hand-edited file) carries is dropped, as the import path and the library refuse it."""
    if not isinstance(url, str) or not url.strip():
        return None
    try:
        return check_source_url(url)
    except ClaimreviewError:
        return None


def _username(name: str) -> str:
    """The name as a valid username; one with markup or other characters that usernames do not
    allow is kept readable with those characters replaced."""
    try:
        return check_username(name)
    except ClaimreviewError:
        cleaned = re.sub(r"[^\w.@-]", "-", str(name), flags=re.ASCII).strip("-")[: USERNAME_MAX - 9]
        return f"{cleaned or 'reviewer'}-imported"


def read_bundle(data: bytes) -> dict[str, Any]:
    """The bundle in a claimreview JSON export; refuses anything else clearly."""
    if len(data) > MAX_JSON_BYTES:
        raise ClaimreviewError("The file is larger than 200 MB; it is not a claimreview export.")
    try:
        bundle = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise ClaimreviewError(f"The file is not valid JSON ({error}).") from error
    except ValueError as error:  # a number longer than Python converts (4,300 digits)
        raise ClaimreviewError(
            "The file is not a claimreview export (it holds a number with thousands of digits)."
        ) from error
    if not isinstance(bundle, dict) or bundle.get("format") != JSON_FORMAT:
        raise ClaimreviewError(
            "The file is not a claimreview article export (its format is not "
            f"{JSON_FORMAT!r}); export one with `claimreview export ID --format json`."
        )
    return bundle


def _grade(data: Any, certainty: str | None) -> str | None:
    """A review's GRADE assessment from a bundle, checked as a save checks it (a malformed one,
    or one that does not give the review's certainty, refuses the import)."""
    if data is None:
        return None
    grade = GradeAssessment.from_json(data)
    if grade.certainty() != certainty:
        raise ClaimreviewError(
            f"A review's GRADE domains give {grade.certainty()}, but it says {certainty}."
        )
    return json.dumps(grade.to_json(), sort_keys=True)


def import_bundle(database: Database, actor: Actor, bundle: dict[str, Any]) -> ImportResult:
    """Recreate the article with its claims, reviews, citations and decisions, in one go.

    A bundle whose parts are missing or of the wrong type (or that the database refuses: a
    value too long, a code not on a scale) is refused whole; the transaction is rolled back.
    """
    actor.require(IMPORT_ARTICLES)
    try:
        return _import(database, actor, bundle)
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as error:
        raise _damaged(error) from error
    except StatementError as error:
        # Rejected values (wrong type, too long, not null, unknown code); a database that
        # cannot be reached or is locked (OperationalError and the like) is no damaged file.
        if isinstance(error, DBAPIError) and not isinstance(
            error, IntegrityError | DataError | ProgrammingError
        ):
            raise
        raise _damaged(error.orig if error.orig is not None else error) from error


def _damaged(error: BaseException) -> ClaimreviewError:
    reason = (str(error).strip().splitlines() or [""])[0]
    if len(reason) > 200:
        reason = reason[:199] + "…"
    return ClaimreviewError(
        f"The export is incomplete or damaged ({type(error).__name__}: {reason}); nothing was "
        "imported. Export the article again with `claimreview export ID --format json`."
    )


def _import(database: Database, actor: Actor, bundle: dict[str, Any]) -> ImportResult:
    source = bundle["article"]
    text = source["text"]
    digest = content_hash(text)
    refuse_too_many_claims(len(bundle["claims"]))
    with database.write() as session:
        existing = session.scalar(select(Article.id).where(Article.content_hash == digest))
        if existing is not None:
            raise ClaimreviewError(
                f"This article is already here as article {existing}; nothing was imported."
            )
        article = Article(
            title=source["title"],
            source_url=_web_address(source.get("source_url")),
            author=source.get("author"),
            medical_reviewer=source.get("medical_reviewer"),  # older exports have none
            published_on=date.fromisoformat(source["published_on"])
            if source.get("published_on")
            else None,
            text=text,
            source_format=source["source_format"],
            source_filename=source.get("source_filename"),
            content_hash=digest,
            imported_by_id=actor.user_id,
            # The editor's takeaways and report settings travel with the article (older exports
            # have none); checked as an editor's own would be.
            key_takeaways=check_takeaways(str(source.get("key_takeaways") or "")),
            report_settings=ReportOptions.from_mapping(source["report_settings"]).to_json()
            if isinstance(source.get("report_settings"), dict)
            else None,
        )
        session.add(article)
        session.flush()
        users: dict[str, int] = {}

        def user_id(username: str) -> int:
            if username not in users:
                name = _username(username)
                found = session.scalar(select(User.id).where(User.username == name))
                if found is None:
                    user = User(username=name, is_active=False, password_hash=None)
                    session.add(user)
                    session.flush()
                    found = user.id
                users[username] = found
            return users[username]

        citations: dict[int, int] = {}
        for item in bundle.get("citations", []):
            found = session.scalar(
                select(Citation.id).where(
                    Citation.kind == item["kind"], Citation.identifier == item["identifier"]
                )
            )
            if found is None:
                fields = {k: v for k, v in item.items() if k != "id"}
                if "url" in fields:
                    fields["url"] = _web_address(fields["url"])
                if "flags" in fields:  # a list in the bundle; only flags this version knows
                    given = fields["flags"] if isinstance(fields["flags"], list) else []
                    fields["flags"] = ",".join(f for f in FLAG_LABELS if f in given)
                citation = Citation(**fields)
                session.add(citation)
                session.flush()
                found = citation.id
            citations[item["id"]] = found
        claim_count = 0
        for item in bundle["claims"]:
            if text[item["start"] : item["end"]] != item["text"]:
                raise ValueError(f"claim {item['ordinal']} does not match the article text")
            claim = Claim(
                article_id=article.id,
                ordinal=item["ordinal"],
                start=item["start"],
                end=item["end"],
                text=item["text"],
                section=item["section"],
                checkable=item["checkable"],
                kind=item["kind"],
            )
            session.add(claim)
            session.flush()
            claim_count += 1
            if item["cues"]:
                session.execute(
                    insert(ClaimCue), [{"claim_id": claim.id, **cue} for cue in item["cues"]]
                )
            reviews: dict[int, int] = {}
            for old in item["reviews"]:
                review = Review(
                    claim_id=claim.id,
                    reviewer_id=user_id(old["reviewer"]),
                    verdict=old["verdict"],
                    certainty=old["certainty"],
                    grade=_grade(old.get("grade"), old["certainty"]),
                    rationale=old["rationale"],
                    status=old["status"],
                    needs_second_look=old["needs_second_look"],
                    created_at=_when(old["created_at"]),
                    updated_at=_when(old["updated_at"]),
                    submitted_at=_when(old["submitted_at"]),
                    citations=[
                        ReviewCitation(
                            citation_id=citations[link["citation_id"]],
                            stance=link["stance"],
                            quote=link["quote"],
                            locator=link["locator"],
                            position=position,
                        )
                        for position, link in enumerate(old["citations"])
                    ],
                )
                session.add(review)
                session.flush()
                reviews[old["id"]] = review.id
            decision = item.get("decision")
            if decision:
                session.add(
                    Decision(
                        claim_id=claim.id,
                        editor_id=actor.user_id,
                        verdict=decision["verdict"],
                        certainty=decision["certainty"],
                        reason=decision["reason"],
                        note=decision["note"],
                        decided_at=_when(decision["decided_at"]),
                        based_on=[
                            DecisionReview(review_id=reviews[i])
                            for i in decision["based_on_reviews"]
                        ],
                    )
                )
        record_event(
            session,
            action="import_json",
            entity_type="article",
            entity_id=article.id,
            article_id=article.id,
            actor_id=actor.user_id,
            channel=actor.channel,
            after={"title": article.title, "claims": claim_count, "from_article": source["id"]},
        )
        return ImportResult(
            article_id=article.id, created=True, claim_count=claim_count, title=article.title
        )
