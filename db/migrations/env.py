"""Alembic environment: runs migrations on the connection or URL that db.migrate passes in."""

from alembic import context

from db.engine import make_engine
from db.models import Base
from db.search_index import is_engine_object

config = context.config
target_metadata = Base.metadata


def _configure_and_run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things
        compare_type=True,
        # The full-text index is the database's own (db/search_index.py), not in the models.
        include_object=lambda obj, name, type_, _reflected, _other: (
            not is_engine_object(name, type_, getattr(getattr(obj, "table", None), "name", None))
        ),
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure_and_run(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as conn:
        _configure_and_run(conn)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Offline (SQL script) migrations are not supported; run them online.")
run_migrations_online()
