"""A registry of the columns that hold Fernet tokens, so `trustcenter rotate-keys` re-encrypts
every table, including ones added later. Mark a model with
`@encrypted_columns("name_enc", "email_enc")`; each column holds a token or NULL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api.core.crypto import Cipher
from api.db.base import Base
from api.db.session import transaction

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
