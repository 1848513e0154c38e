"""Getting a database ready to use: schema at the latest migration, scales seeded."""

from __future__ import annotations

from db.engine import Database
from db.migrate import upgrade
from db.scales import sync_scales


def prepare_database(database: Database) -> Database:
    """Create or migrate the schema and seed the scales. Safe to run at every start."""
    upgrade(database)
    with database.write() as session:
        sync_scales(session)
    return database
