"""The database of one app: its engine and session factory, made on first use.

Nothing here imports SQLAlchemy at module level: an API process that has not yet touched the
database (a cold Lambda before its first request) does not pay for loading it, and
`app.state.store` can be set up before the first connection is wanted.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker


class Store:
    def __init__(self, url: str) -> None:
        self.url = url
        self._lock = threading.Lock()
        self._engine: Engine | None = None
        self._factory: sessionmaker[Session] | None = None

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            with self._lock:  # two first requests on two threads make one pool, not two
                if self._engine is None:
                    from api.db.session import create_db_engine

                    self._engine = create_db_engine(self.url)
        return self._engine

    @property
    def session_factory(self) -> sessionmaker[Session]:
        if self._factory is None:
            from api.db.session import session_factory

            engine = self.engine
            with self._lock:
                if self._factory is None:
                    self._factory = session_factory(engine)
        return self._factory

    def reachable(self) -> bool:
        """Whether a round trip to the database succeeds now (blocking: call from a thread)."""
        from api.db.session import database_reachable

        return database_reachable(self.engine)

    def dispose(self) -> None:
        """Close the pool's connections, if any were made."""
        if self._engine is not None:
            self._engine.dispose()
