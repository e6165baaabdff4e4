"""Encryption of personal data at rest (Fernet, with key rotation through MultiFernet).

`DATA_KEYS` lists Fernet keys, newest first: the first encrypts, all decrypt. In development
with no key configured, one is generated once under `VAR_DIR` so `make run` needs nothing.

Store ciphertext in plain `Text` columns and go through a `Cipher`:
`row.name = cipher.encrypt(name)` / `cipher.decrypt(row.name)`; `cipher.rotate(token)`
re-encrypts with the newest key (see `trustcenter rotate-keys`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import os
import threading
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from api.core.errors import DomainError
from api.core.settings import Settings

if TYPE_CHECKING:
    from cryptography.fernet import MultiFernet

logger = logging.getLogger(__name__)

DEV_KEY_FILE = "data.key"


class DataKeyError(DomainError):
    """Raised when DATA_KEYS is missing or malformed."""


def _check_key(key: str) -> None:
    """What Fernet checks of a key (URL-safe base64 of 32 bytes), without loading it."""
    try:
        raw = base64.urlsafe_b64decode(key.encode("ascii"))
    except (ValueError, UnicodeEncodeError, binascii.Error):
        raw = b""
    if len(raw) != 32:
        raise DataKeyError("TRUSTCENTER_DATA_KEYS holds a malformed Fernet key")


class Cipher:
    def __init__(self, keys: list[str]) -> None:
        if not keys:
            raise DataKeyError("no data key configured (TRUSTCENTER_DATA_KEYS)")
        for key in keys:
            _check_key(key)
        self._keys = list(keys)
        # The development key file this process created (none existed): see api/web/startup.py,
        # which removes it again if the store holds data encrypted with another key.
        self.generated_key_file: Path | None = None
        # A keyed digest for lookups (e.g. rate-limit keys) that must not reveal the value;
        # derived from the newest key so it needs no extra secret.
        self._digest_key = hashlib.sha256(b"trustcenter-digest:" + keys[0].encode()).digest()

    @cached_property
    def _fernet(self) -> MultiFernet:
        # cryptography loads with the first encryption, not with every cold start.
        from cryptography.fernet import Fernet, MultiFernet

        return MultiFernet([Fernet(key.encode("ascii")) for key in self._keys])

    def encrypt(self, value: str) -> str:
        return self._fernet.encrypt(value.encode("utf-8")).decode("ascii")

    def encrypt_optional(self, value: str | None) -> str | None:
        return None if value is None else self.encrypt(value)

    def decrypt(self, token: str) -> str:
        return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")

    def decrypt_optional(self, token: str | None) -> str | None:
        return None if token is None else self.decrypt(token)

    def encrypt_bytes(self, value: bytes) -> str:
        return self._fernet.encrypt(value).decode("ascii")

    def decrypt_bytes(self, token: str) -> bytes:
        return self._fernet.decrypt(token.encode("ascii"))

    def rotate(self, token: str) -> str:
        """The same plaintext encrypted with the newest key."""
        return self._fernet.rotate(token.encode("ascii")).decode("ascii")

    def rotate_optional(self, token: str | None) -> str | None:
        return None if token is None else self.rotate(token)

    def digest(self, value: str) -> str:
        return hmac.new(self._digest_key, value.encode("utf-8"), hashlib.sha256).hexdigest()


def generate_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode("ascii")


def _development_key(var_dir: Path) -> tuple[str, bool]:
    """The development key, and whether this call created its file."""
    path = var_dir / DEV_KEY_FILE
    if path.exists():
        return path.read_text(encoding="ascii").strip(), False
    var_dir.mkdir(parents=True, exist_ok=True)
    key = generate_key()
    # Written aside, then linked into place: two processes starting together must not each use
    # a different key, and neither may read the file before its key is in it.
    draft = var_dir / f".{DEV_KEY_FILE}.{os.getpid()}.{threading.get_ident()}"
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key + "\n")
    try:
        os.link(draft, path)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip(), False
    finally:
        draft.unlink()
    logger.warning("generated a development data key at %s (never use it in production)", path)
    return key, True


def cipher_from_settings(settings: Settings) -> Cipher:
    keys = settings.data_keys
    if keys or not settings.is_development:
        return Cipher(keys)
    key, created = _development_key(settings.VAR_DIR)
    cipher = Cipher([key])
    if created:
        cipher.generated_key_file = settings.VAR_DIR / DEV_KEY_FILE
    return cipher
