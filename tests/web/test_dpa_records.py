"""DPA records: the draft flag and the hash of each format, a record issued before migration
0005 survives it with its hash in the right column, and the retention purge."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import MetaData, Table, insert, select, update
from typer.testing import CliRunner

from api.cli import app as cli
from api.core.crypto import Cipher
from api.db import migrate
from api.db.dpa import DpaRecord
from api.db.session import create_db_engine
from tests.dpa.sample import CUSTOMER, dpa_body
from tests.support.app import ClientFactory, SettingsFactory


def _records(client: TestClient) -> list[DpaRecord]:
    with client.app.state.store.session_factory() as session:  # type: ignore[attr-defined]
        return list(session.scalars(select(DpaRecord).order_by(DpaRecord.id)))


def _cli(monkeypatch: pytest.MonkeyPatch, client: TestClient, *args: str) -> Any:
    settings = client.app.state.settings  # type: ignore[attr-defined]
    monkeypatch.setattr("api.cli.dpa.get_settings", lambda: settings)
    return CliRunner().invoke(cli, ["dpa", *args])


def test_a_binary_answer_records_its_hash_and_the_draft_flag(
    make_client: ClientFactory, database_url: str
) -> None:
    client = make_client(DATABASE_URL=database_url, RATE_LIMIT_DPA="10000/minute")
    response = client.post("/api/dpa", json=dpa_body("de"))
    assert response.status_code == 200
    [record] = _records(client)
    assert record.draft is True  # the shipped data holds example values
    assert record.docx_sha256 == record.output_sha256 == response.headers["x-dpa-sha256"]
    assert record.pdf_sha256 is None


def test_a_record_stored_before_migration_0005_survives_it(
    make_client: ClientFactory, make_settings: SettingsFactory, database_url: str
) -> None:
    settings = make_settings(DATABASE_URL=database_url)
    cipher = Cipher([settings.DATA_KEYS.get_secret_value()])
    engine = create_db_engine(database_url)
    migrate.upgrade(engine, "0003")
    issued = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
    with engine.begin() as connection:
        table = Table("dpa_records", MetaData(), autoload_with=connection)
        for reference, fmt, digest in (
            ("DPA-2026-AAAAAA", "docx", "a" * 64),
            ("DPA-2026-BBBBBB", "pdf", "b" * 64),
        ):
            connection.execute(
                insert(table).values(
                    reference=reference,
                    issued_at=issued,
                    language="de",
                    format=fmt,
                    template_version="2026.1",
                    template_sha256="0" * 64,
                    data_version="2026-11-26",
                    data_sha256="1" * 64,
                    output_sha256=digest,
                    processing=json.dumps({"data_subjects": [], "data_categories": []}),
                    special_categories=False,
                    customer_enc=cipher.encrypt(json.dumps(CUSTOMER)),
                )
            )
    engine.dispose()

    client = make_client(settings)  # start-up migrates to head
    docx, pdf = _records(client)
    assert (docx.docx_sha256, docx.pdf_sha256, docx.draft) == ("a" * 64, None, False)
    assert (pdf.docx_sha256, pdf.pdf_sha256, pdf.draft) == (None, "b" * 64, False)
    assert json.loads(cipher.decrypt(docx.customer_enc))["legal_name"] == CUSTOMER["legal_name"]


def test_purge_deletes_records_past_the_retention_period(
    make_client: ClientFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = make_client(RATE_LIMIT_DPA="10000/minute", DPA_RETENTION_DAYS=30)
    for _ in range(3):
        assert client.post("/api/dpa", json=dpa_body("en")).status_code == 200
    old, kept, recent = _records(client)
    now = datetime.now(UTC)
    with client.app.state.store.session_factory() as session:  # type: ignore[attr-defined]
        for record, age in ((old, 31), (kept, 29)):
            session.execute(
                update(DpaRecord)
                .where(DpaRecord.id == record.id)
                .values(issued_at=now - timedelta(days=age))
            )
        session.commit()
    purged = _cli(monkeypatch, client, "purge")  # the setting: 30 days
    assert purged.exit_code == 0, purged.output
    assert "purged 1 DPA records issued more than 30 days ago" in purged.output
    assert [r.reference for r in _records(client)] == [kept.reference, recent.reference]
    again = _cli(monkeypatch, client, "purge", "--older-than", "10")
    assert "purged 1 " in again.output
    assert [r.reference for r in _records(client)] == [recent.reference]


def test_show_says_draft_and_both_hashes(
    make_client: ClientFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = make_client(RATE_LIMIT_DPA="10000/minute")
    response = client.post("/api/dpa", json=dpa_body("de"))
    shown = _cli(
        monkeypatch, client, "show", response.headers["x-dpa-reference"], "--format", "json"
    )
    assert shown.exit_code == 0, shown.output
    record = json.loads(shown.output)
    assert record["draft"] is True
    assert record["docx_sha256"] == response.headers["x-dpa-sha256"]
    assert record["pdf_sha256"] is None
