"""Reading the records of issued DPAs and deleting them after the retention period (for
`trustcenter dpa …`)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from api.core.clock import utcnow
from api.core.crypto import Cipher
from api.db.dpa import DpaRecord
from api.db.session import transaction


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
        "docx_sha256": record.docx_sha256,
        "pdf_sha256": record.pdf_sha256,
        "draft": record.draft,
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


def purge_older_than(factory: sessionmaker[Session], days: int) -> int:
    """Delete the records of DPAs issued more than `days` ago (retention); how many."""
    cutoff = utcnow() - timedelta(days=days)
    with transaction(factory) as session:
        result: Any = session.execute(delete(DpaRecord).where(DpaRecord.issued_at < cutoff))
        return int(result.rowcount)
