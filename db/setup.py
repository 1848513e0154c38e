"""Getting a database ready to use: schema at the latest migration, scales seeded."""

from __future__ import annotations

from alembic.util.exc import CommandError

from db.claim_facts import ensure_facts
from db.engine import Database, DatabaseUnavailable, database_errors
from db.migrate import upgrade
from db.review_days import ensure_review_days
from db.scales import sync_scales
from db.search_index import ensure_search_index


def prepare_database(database: Database) -> Database:
    """Create or migrate the schema and seed the scales. Safe to run at every start."""
    with database_errors():
        try:
            upgrade(database)
        except CommandError as error:
            raise DatabaseUnavailable(
                f"The database's schema is not one this version knows ({error}); it was probably "
                "made by a newer claimreview: upgrade claimreview, or point "
                "CLAIMREVIEW_DATABASE_URL at another database."
            ) from error
        with database.write() as session:
            sync_scales(session)
            ensure_facts(session)
            ensure_review_days(session)
            ensure_search_index(session)
        database.refresh_statistics()
    return database
