"""A registry of the columns that hold Fernet tokens, so `trustcenter rotate-keys` re-encrypts
every table, including ones added later. Mark a model with
`@encrypted_columns("name_enc", "email_enc")`; each column holds a token or NULL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session, sessionmaker

from api.core.crypto import Cipher
from api.db.base import Base
from api.db.session import reading, transaction

ModelT = TypeVar("ModelT", bound=type[Base])

ENCRYPTED: dict[type[Base], tuple[str, ...]] = {}


def encrypted_columns(*names: str) -> Callable[[ModelT], ModelT]:
    def register(model: ModelT) -> ModelT:
        ENCRYPTED[model] = names
        return model

    return register


def rotate_all(factory: sessionmaker[Session], cipher: Cipher, batch: int = 200) -> int:
    """Re-encrypt every registered column with the newest key; returns rows rewritten.
    Works in batches of committed transactions, so it can resume after an interruption
    (tokens under any configured key stay readable throughout)."""
    count = 0
    for model, columns in ENCRYPTED.items():
        key: Any = model.__mapper__.primary_key[0]
        last: Any = None
        while True:
            with transaction(factory) as session:
                query = select(model).order_by(key).limit(batch)
                if last is not None:
                    query = query.where(key > last)
                rows = list(session.scalars(query))
                for row in rows:
                    for column in columns:
                        token = getattr(row, column)
                        if token is not None:
                            setattr(row, column, cipher.rotate(token))
                if not rows:
                    break
                last = getattr(rows[-1], key.key)
                count += len(rows)
    return count


def unreadable_table(factory: sessionmaker[Session], cipher: Cipher) -> str | None:
    """The first table whose newest stored token none of the keys decrypts, or None: checked
    before serving, so a wrong or lost key is refused with a sentence instead of surfacing as
    InvalidToken tracebacks on the privacy team's commands."""
    from cryptography.fernet import InvalidToken

    with reading(factory) as session:
        tables = set(inspect(session.connection()).get_table_names())
        for model, columns in ENCRYPTED.items():
            if model.__tablename__ not in tables:
                continue  # not migrated yet: nothing stored
            key: Any = model.__mapper__.primary_key[0]
            column = getattr(model, columns[0])
            token = session.scalar(
                select(column).where(column.is_not(None)).order_by(key.desc()).limit(1)
            )
            if token is None:
                continue
            try:
                cipher.decrypt_bytes(token)
            except InvalidToken:
                return str(model.__tablename__)
    return None
