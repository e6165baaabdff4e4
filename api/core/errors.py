"""The errors domain code raises. None of them knows about HTTP: the web layer
(`api/web/errors.py`) maps each class to a status code in one table and renders the message.

`code` names the error's message in the catalogue (`error.<code>` in `data/messages.yml`);
`fields` maps an input field to the key of the message shown at that field; `retry_after` says
when trying again makes sense (in seconds).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar


class DomainError(Exception):
    code: ClassVar[str] = "internal_error"
    retry_after: int | None = None

    def __init__(
        self,
        detail: str = "",
        *,
        fields: Mapping[str, str] | None = None,
        params: Mapping[str, object] | None = None,
        retry_after: int | None = None,
    ) -> None:
        # `detail` is for logs and tracebacks only; it must never carry personal data.
        super().__init__(detail or self.code)
        self.fields = dict(fields or {})
        self.params = dict(params or {})
        if retry_after is not None:
            self.retry_after = retry_after


class InvalidInput(DomainError):
    """Input that passed the schema but not a rule of the domain; `fields` says where."""

    code = "validation_error"


class StoreUnavailable(DomainError):
    """The database could not take or give the data; nothing was stored."""

    code = "service_unavailable"
    retry_after = 30


class IdempotencyConflict(DomainError):
    """An Idempotency-Key already used with a different request: nothing is stored, and the
    first request's receipt is not given out."""

    code = "idempotency_conflict"


class RateLimited(DomainError):
    code = "rate_limited"

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after=retry_after, params={"retry_after": retry_after})


class ContentError(DomainError, ValueError):
    """Invalid content; each problem reads ``data/toms.yml: categories[2].text.en: …``."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems
