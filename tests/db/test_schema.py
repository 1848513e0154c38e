"""The schema: migrations match the models, scales are seeded, the audit trail is append-only."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from claims.scales import default_scales
from db.audit import record_event
from db.engine import Database
from db.migrate import current_revision, head_revision
from db.models import SCALE_MODELS, Base
from db.search_index import is_engine_object
from db.setup import prepare_database


def models_only(
    obj: object, name: str | None, type_: str, _reflected: bool, _other: object
) -> bool:
    """The full-text index is the database's own, made by migration 0015, not a model."""
    parent = getattr(getattr(obj, "table", None), "name", None)
    return not is_engine_object(name, type_, parent)


def test_migrations_produce_exactly_the_models(database: Database) -> None:
    with database.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": models_only}
        )
        assert compare_metadata(context, Base.metadata) == []
    assert current_revision(database) == head_revision(database)


def test_scales_are_seeded_from_the_review_standards(database: Database) -> None:
    with database.read() as session:
        for name, scale in default_scales().items():
            rows = session.scalars(select(SCALE_MODELS[name]).order_by("position")).all()
            assert [(r.code, r.label) for r in rows] == [(v.code, v.label) for v in scale.values]
    with database.read() as session:
        verdicts = {v.label: v.rating for v in session.scalars(select(SCALE_MODELS["verdict"]))}
    assert verdicts["Accurate"] == 5 and verdicts["Inaccurate"] == 1
    assert verdicts["Unsupported"] is None


def test_preparing_twice_changes_nothing(database: Database) -> None:
    prepare_database(database)
    prepare_database(database)
    with database.read() as session:
        count = len(session.scalars(select(SCALE_MODELS["certainty"])).all())
    assert count == len(default_scales()["certainty"].values)


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_events SET action = 'forged'", "DELETE FROM audit_events"]
)
def test_audit_events_cannot_be_changed_or_deleted(database: Database, statement: str) -> None:
    with database.write() as session:
        record_event(session, action="import", entity_type="article", entity_id=1)
    with pytest.raises(DBAPIError, match="append-only"), database.write() as session:
        session.execute(text(statement))
    with database.read() as session:
        assert session.scalar(text("SELECT action FROM audit_events")) == "import"
