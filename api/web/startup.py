"""Before the API serves: the database brought up to date and the data key shown to read what
is stored. Run in the app's lifespan (api/web/app.py).

- A database that is down at start-up is one log line, not a traceback: the API starts, answers
  503 (health and every request that needs the store) and tries again every RETRY_SECONDS
  until it is back, then migrates and serves. A container orchestrator sees the 503 instead of
  a crash loop.
- A key that cannot decrypt what is stored refuses the start with a sentence that says what to
  do (StartupRefused). A development key generated because `var/data.key` was missing while
  the store holds data is removed again: a lost key is never silently replaced.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from api.core.settings import Settings

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5.0


class StartupRefused(Exception):
    """The API must not serve with this configuration; the text says what to do."""


class DatabaseUnreachable(Exception):
    pass


def _refusal(state: Any, table: str) -> StartupRefused:
    settings: Settings = state.settings
    generated = state.cipher.generated_key_file
    if generated is not None:
        generated.unlink(missing_ok=True)
        return StartupRefused(
            f"TRUSTCENTER_DATA_KEYS: {generated} was missing, but the database holds data "
            f"encrypted with it ({table}); no new key was kept. Restore {generated} (or set "
            "TRUSTCENTER_DATA_KEYS to that key). To start afresh instead, delete the database "
            f"(in {settings.VAR_DIR}): its inquiries and records are lost."
        )
    return StartupRefused(
        f"TRUSTCENTER_DATA_KEYS does not decrypt the data stored in {table}: add the key that "
        "encrypted it to TRUSTCENTER_DATA_KEYS (comma-separated, newest first; `trustcenter "
        "rotate-keys` then re-encrypts everything with the newest)."
    )


def prepare(state: Any) -> None:
    """Blocking: migrate (when MIGRATE_ON_START) and check the key. Raises DatabaseUnreachable
    or StartupRefused."""
    from sqlalchemy.exc import InterfaceError, OperationalError

    from api.db import models  # noqa: F401 (registers every encrypted table)
    from api.db.encrypted import unreadable_table

    store = state.store
    try:
        if not store.reachable():
            raise DatabaseUnreachable()
        if state.settings.MIGRATE_ON_START:
            from api.db import migrate  # Alembic only where the schema is brought up to date

            migrate.upgrade(store.engine)
        table = unreadable_table(store.session_factory, state.cipher)
    except (OperationalError, InterfaceError) as exc:  # gone again since the probe
        raise DatabaseUnreachable() from exc
    if table is not None:
        raise _refusal(state, table)


async def open_store(app: Any) -> asyncio.Task[None] | None:
    """In the lifespan: ready to serve, or a task that waits for the database (returned, for
    the lifespan to cancel at shut-down). Raises StartupRefused."""
    state = app.state
    try:
        await asyncio.to_thread(prepare, state)
    except DatabaseUnreachable:
        logger.error(
            "database unreachable at start-up: answering 503 until it is back "
            "(trying again every %.0f s)",
            RETRY_SECONDS,
        )
        state.store_ready = False
        return asyncio.create_task(_until_the_database_is_back(state))
    except StartupRefused as refusal:
        # uvicorn prints this instead of a traceback (see middleware.StartupMessages).
        state.startup_refused = str(refusal)
        raise
    return None


async def _until_the_database_is_back(state: Any) -> None:
    while True:
        await asyncio.sleep(RETRY_SECONDS)
        try:
            await asyncio.to_thread(prepare, state)
        except DatabaseUnreachable:
            continue
        except StartupRefused as refusal:
            logger.critical("%s (answering 503 until restarted)", refusal)
            return
        state.store_ready = True
        logger.warning("database reachable again: serving")
        return
