"""Reading the records of issued DPAs (for `trustcenter dpa …`)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api.core.crypto import Cipher
from api.db.dpa import DpaRecord


def metadata(record: DpaRecord) -> dict[str, Any]:
    """Everything but the customer's details: safe to list."""
    return {
        "reference": record.reference,
        "issued_at": record.issued_at.isoformat(),
        "language": record.language,
        "format": record.format,
        "template_version": record.template_version,
        "template_sha256": record.template_sha256,
        "data_version": record.data_version,
        "data_sha256": record.data_sha256,
        "output_sha256": record.output_sha256,
        "processing": {
            **json.loads(record.processing),
            "special_categories": record.special_categories,
        },
    }


def list_records(factory: sessionmaker[Session], limit: int | None = None) -> list[DpaRecord]:
    query = select(DpaRecord).order_by(DpaRecord.issued_at.desc(), DpaRecord.id.desc())
    if limit is not None:
        query = query.limit(limit)
    with factory() as session:
        return list(session.scalars(query))


def find_record(
    factory: sessionmaker[Session], cipher: Cipher, reference: str
) -> dict[str, Any] | None:
    """The record with the customer's details decrypted, or None."""
    with factory() as session:
        record = session.scalars(
            select(DpaRecord).where(DpaRecord.reference == reference)
        ).one_or_none()
    if record is None:
        return None
    return {**metadata(record), "customer": json.loads(cipher.decrypt(record.customer_enc))}
