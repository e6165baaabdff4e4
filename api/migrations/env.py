"""Alembic environment: the engine comes from the caller (api.db.migrate) or from settings."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from api.db.models import Base

config = context.config
target_metadata = Base.metadata


def _engine() -> Engine:
    engine = config.attributes.get("engine")
    if engine is None:
        from api.core.settings import get_settings
        from api.db.session import create_db_engine

        engine = create_db_engine(get_settings().database_url)
    return engine


def run_migrations_online() -> None:
    with _engine().connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            # SQLite cannot ALTER most things; batch mode rebuilds tables instead.
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run `trustcenter` against a database")
run_migrations_online()
