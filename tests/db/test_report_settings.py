"""What reports print beyond the reviews (db/reports.py): an article's key takeaways and report
settings, written by its editors, and the organisation, set by an administrator. Each write is
checked before anything changes, and audited."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import select

from claims.errors import ClaimreviewError
from claims.permissions import Actor, PermissionDenied
from claims.publishing import LOGO_MAX_BYTES, MAX_TAKEAWAYS
from claims.reports import build_report
from claims.reports.model import ReportOptions
from db.accounts import actor_for, create_user
from db.articles import import_demo_if_empty
from db.engine import Database
from db.models import AuditEvent
from db.queries import article_bundle
from db.reports import (
    StaleTakeaways,
    organisation_data,
    report_options,
    set_key_takeaways,
    set_organisation,
    set_report_options,
)
from tests.report_world import logo_png

OPERATOR = Actor.operator("test")


@pytest.fixture
def article_id(database: Database) -> int:
    return import_demo_if_empty(database).article_id


def _editor(database: Database, name: str = "erin") -> Actor:
    user, _ = create_user(database, OPERATOR, name, ["editor"], password=f"{name}-password-123")
    return actor_for(user)


def _events(database: Database, action: str) -> list[AuditEvent]:
    with database.read() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_key_takeaways_are_saved_audited_and_printed(database: Database, article_id: int) -> None:
    erin = _editor(database)
    set_key_takeaways(database, erin, article_id, "  - Claim 9 **overstates**.\r\n")
    with database.read() as session:
        bundle = article_bundle(session, OPERATOR, article_id)
    assert bundle["article"]["key_takeaways"] == "- Claim 9 **overstates**."
    assert build_report(bundle).article.key_takeaways == "- Claim 9 **overstates**."
    [event] = _events(database, "set_key_takeaways")
    assert event.actor_id == erin.user_id
    assert event.after == {"key_takeaways": "- Claim 9 **overstates**."}


def test_takeaways_too_long_or_changed_meanwhile_are_refused_and_nothing_changes(
    database: Database, article_id: int
) -> None:
    erin, otto = _editor(database), _editor(database, "otto")
    with pytest.raises(ClaimreviewError, match=f"{MAX_TAKEAWAYS:,} or fewer"):
        set_key_takeaways(database, erin, article_id, "x" * (MAX_TAKEAWAYS + 1))
    set_key_takeaways(database, otto, article_id, "Otto's points.", expected="")
    with pytest.raises(StaleTakeaways) as stale:
        set_key_takeaways(database, erin, article_id, "Erin's points.", expected="")
    assert stale.value.stored == "Otto's points."
    with database.read() as session:
        assert article_bundle(session, OPERATOR, article_id)["article"]["key_takeaways"] == (
            "Otto's points."
        )
    reviewer, _ = create_user(database, OPERATOR, "rita", ["reviewer"], password="rita-pass-123")
    with pytest.raises(PermissionDenied):
        set_key_takeaways(database, actor_for(reviewer), article_id, "Mine.")


def test_report_options_choose_the_parts(database: Database, article_id: int) -> None:
    erin = _editor(database)
    with database.read() as session:
        assert report_options(session, article_id) == ReportOptions()
    chosen = ReportOptions(method=False, non_checkable=True, annotated_article=True)
    set_report_options(database, erin, article_id, chosen)
    with database.read() as session:
        assert report_options(session, article_id) == chosen
        bundle = article_bundle(session, OPERATOR, article_id)
    report = build_report(bundle)
    assert report.method is None
    assert [f.ordinal for f in report.other_findings] == [7, 8, 12, 16, 20, 24]
    [event] = _events(database, "set_report_settings")
    assert event.before["method"] is True and event.after["method"] is False


def _image(kind: str, size: tuple[int, int] = (120, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "#0b5cad").save(buffer, format=kind)
    return buffer.getvalue()


def test_the_organisation_is_set_by_an_administrator_with_a_checked_logo(
    database: Database,
) -> None:
    admin, _ = create_user(database, OPERATOR, "ada", ["admin"], password="ada-password-123")
    ada = actor_for(admin)
    with database.read() as session:
        assert organisation_data(session) is None
    set_organisation(database, ada, name=" Health  Desk ", url="https://desk.example.org",
                     logo=logo_png())  # fmt: skip
    with database.read() as session:
        stored = organisation_data(session)
    assert stored["name"] == "Health Desk" and stored["logo_type"] == "image/png"
    for bad, message in (
        (b"", "empty"),
        (b"GIF89a not really", "not an image"),
        (_image("GIF"), "PNG or JPEG"),
        (b"\x89PNG\r\n\x1a\n" + b"0" * LOGO_MAX_BYTES, "at most 1 MB"),
        (_image("PNG", (5000, 10)), "pixels"),
    ):
        with pytest.raises(ClaimreviewError, match=message):
            set_organisation(database, ada, name="Other", url=None, logo=bad)
    with pytest.raises(ClaimreviewError, match="web address"):
        set_organisation(database, ada, name="Other", url="javascript:alert(1)")
    with database.read() as session:
        assert organisation_data(session) == stored  # every refusal changed nothing
    set_organisation(database, ada, name="Health Desk", url=None, logo=_image("JPEG"))
    with database.read() as session:
        assert organisation_data(session)["logo_type"] == "image/jpeg"
    set_organisation(database, ada, name="Health Desk", url=None, remove_logo=True)
    with database.read() as session:
        assert organisation_data(session)["logo"] is None
    events = _events(database, "set_organisation")
    assert len(events) == 3 and events[0].after["logo"].endswith("bytes")  # its size, not bytes
    with pytest.raises(PermissionDenied):
        set_organisation(database, _editor(database), name="Mine", url=None)


def test_takeaways_and_report_settings_travel_with_a_json_export(
    database: Database, article_id: int, tmp_path
) -> None:
    from claims.exports import export
    from db.setup import prepare_database
    from db.transfer import import_bundle, read_bundle

    erin = _editor(database)
    set_key_takeaways(database, erin, article_id, "- Correct claim 9 first.")
    set_report_options(database, erin, article_id, ReportOptions(non_checkable=True))
    with database.read() as session:
        data = export(article_bundle(session, OPERATOR, article_id), "json")
    other = prepare_database(Database(f"sqlite:///{tmp_path / 'other.db'}"))
    try:
        result = import_bundle(other, OPERATOR, read_bundle(data.encode()))
        with other.read() as session:
            article = article_bundle(session, OPERATOR, result.article_id)["article"]
        assert article["key_takeaways"] == "- Correct claim 9 first."
        assert article["report_settings"]["non_checkable"] is True
    finally:
        other.dispose()


def test_claimreview_exports_name_the_organisation_as_publisher(
    database: Database, article_id: int
) -> None:
    import json

    from claims.exports import export
    from db.reviews import save_review

    admin, _ = create_user(database, OPERATOR, "ada", ["admin"], password="ada-password-123")
    set_organisation(database, actor_for(admin), name="Health Desk", url="https://desk.example.org")
    reviewer, _ = create_user(database, OPERATOR, "rita", ["reviewer"], password="rita-pass-123")
    with database.read() as session:
        claim_id = next(
            c["id"]
            for c in article_bundle(session, OPERATOR, article_id)["claims"]
            if c["checkable"]
        )
    save_review(database, actor_for(reviewer), claim_id, verdict="accurate", certainty="high",
                submit=True)  # fmt: skip
    with database.read() as session:
        reviews = json.loads(export(article_bundle(session, OPERATOR, article_id), "claimreview"))
    assert reviews[0]["author"]["name"] == "Health Desk"
    assert reviews[0]["author"]["url"] == "https://desk.example.org"
