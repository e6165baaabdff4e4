"""Keyed hashes of addresses and the tokens of the links in the mails.

The HMAC key is a random secret kept in the database (`LookupKey`), encrypted with the data
keys: `rotate-keys` re-encrypts it but never changes it, so every hash stays findable after a
rotation (a key derived from the newest data key would change with it, and the proof records of
people who unsubscribed can never be hashed again: their address is gone). A copy of the
database alone does not reveal it, any more than it reveals the addresses.

Tokens are 32 random bytes; the database keeps only their SHA-256 (and, for the unsubscribe link
that every later notice repeats, the token itself encrypted).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from api.core.clock import utcnow
from api.core.crypto import Cipher
from api.db.base import Base
from api.db.session import reading, transaction
from api.db.subscription import LookupKey

PURPOSE = "subscriptions"
KEY_BYTES = 32


class Hasher:
    """`hasher.email(address)`, `hasher.canonical(address)`: hex HMAC-SHA256 digests."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    def _digest(self, kind: str, value: str) -> str:
        message = f"{kind}:{value}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def email(self, identity: str) -> str:
        return self._digest("email", identity)

    def canonical(self, canonical: str) -> str:
        return self._digest("canonical", canonical)


def insert_into(session: Session, model: type[Base]) -> postgresql.Insert | sqlite.Insert:
    """`INSERT … ON CONFLICT` in the session's database (both speak it, each in its dialect)."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(model)
    return sqlite.insert(model)


def hasher(factory: sessionmaker[Session], cipher: Cipher) -> Hasher:
    """The lookup key of subscriptions, made on first use (two first uses make one)."""
    with reading(factory) as session:
        token = session.scalar(select(LookupKey.key_enc).where(LookupKey.name == PURPOSE))
    if token is None:
        with transaction(factory) as session:
            session.execute(
                insert_into(session, LookupKey)
                .values(
                    name=PURPOSE,
                    key_enc=cipher.encrypt_bytes(secrets.token_bytes(KEY_BYTES)),
                    created_at=utcnow(),
                )
                .on_conflict_do_nothing(index_elements=["name"])
            )
            token = session.scalar(select(LookupKey.key_enc).where(LookupKey.name == PURPOSE))
        assert token is not None
    return Hasher(cipher.decrypt_bytes(token))


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()
