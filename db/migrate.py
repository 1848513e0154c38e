"""Create or upgrade the schema with Alembic, programmatically (no alembic.ini needed)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from db.engine import Database, DatabaseUnavailable


def alembic_config(database: Database) -> Config:
    config = Config()
    config.set_main_option("script_location", "db:migrations")
    config.set_main_option("sqlalchemy.url", database.url.replace("%", "%%"))
    return config


def upgrade(database: Database, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (default: the latest), creating it if absent."""
    config = alembic_config(database)
    if database.dialect != "sqlite":
        with database.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
        return
    # SQLite alters a table by copying it and dropping the old one. With foreign keys on, that
    # DROP deletes every row that refers to it (ON DELETE CASCADE): upgrading would empty the
    # claims of every article. So foreign keys go off for the upgrade (only possible outside a
    # transaction), and the result is checked before it commits.
    with database.engine.connect() as connection:
        raw = connection.connection.driver_connection
        raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise DatabaseUnavailable(
                        f"Upgrading the schema would leave {len(broken)} rows pointing at "
                        f"rows that do not exist (first: {broken[0]}); nothing was changed. "
                        "Keep this database as it is and report the problem."
                    )
        finally:
            raw.execute("PRAGMA foreign_keys=ON")


def current_revision(database: Database) -> str | None:
    with database.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision(database: Database) -> str | None:
    return ScriptDirectory.from_config(alembic_config(database)).get_current_head()
