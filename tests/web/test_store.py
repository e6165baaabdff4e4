"""The store on SQLite and PostgreSQL: encrypted at rest, key rotation, migrations that keep
data, and bursts of parallel submissions."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from fastapi.testclient import TestClient
from sqlalchemy import MetaData, Table, insert, select, text

from api.core.crypto import Cipher, generate_key
from api.db import migrate
from api.db.encrypted import rotate_all
from api.db.inquiry import Inquiry
from api.db.models import Base
from api.db.outbox import OutboxMessage
from api.db.session import create_db_engine, session_factory
from api.inquiries import service
from api.inquiries.deadline import due_by
from api.mail.outbox import decode
from tests.support.app import ClientFactory, SettingsFactory, count, valid_body

PERSONAL = {
    "name": "Zacharias Quellenfeld",
    "email": "zacharias.quellenfeld@example.org",
    "company": "Quellenfeld Hydraulik KG",
    "message": "Geheimnis-7731: bitte löschen Sie alle meine Daten.",
}


def _raw_rows(client: TestClient) -> str:
    engine = client.app.state.store.engine  # type: ignore[attr-defined]
    with engine.connect() as connection:
        rows = [
            *connection.execute(text("SELECT * FROM inquiries")).all(),
            *connection.execute(text("SELECT * FROM outbox")).all(),
        ]
    return "\n".join(repr(tuple(row)) for row in rows)


def test_raw_rows_hold_no_plaintext_personal_data(
    make_client: ClientFactory, database_url: str
) -> None:
    client = make_client(DATABASE_URL=database_url)
    receipt = client.post("/api/contact", json=valid_body(**PERSONAL)).json()
    raw = _raw_rows(client)
    assert receipt["reference"] in raw  # metadata stays readable
    assert "access" in raw
    for value in (*PERSONAL.values(), "Zacharias", "Quellenfeld", "Geheimnis"):
        assert value not in raw
        assert value.encode() not in raw.encode()


def test_the_sqlite_files_hold_no_plaintext(make_client: ClientFactory, tmp_path: Path) -> None:
    client = make_client(DATABASE_URL=f"sqlite:///{tmp_path / 'raw.db'}")
    assert client.post("/api/contact", json=valid_body(**PERSONAL)).status_code == 201
    data = b"".join(path.read_bytes() for path in tmp_path.glob("raw.db*"))
    assert b"PRV-" in data
    for value in PERSONAL.values():
        assert value.encode() not in data
        assert value.encode("utf-16-le") not in data


def test_key_rotation_reencrypts_everything(make_client: ClientFactory, database_url: str) -> None:
    old, new = generate_key(), generate_key()
    client = make_client(DATABASE_URL=database_url, DATA_KEYS=old)
    reference = client.post("/api/contact", json=valid_body(**PERSONAL)).json()["reference"]
    engine = create_db_engine(database_url)
    factory = session_factory(engine)
    before = _raw_rows(client)

    rotated = rotate_all(factory, Cipher([new, old]))
    assert rotated == 3  # the inquiry and its two mails
    assert _raw_rows(client) != before

    only_new = Cipher([new])
    view = service.get_inquiry(factory, only_new, reference)
    assert view is not None
    assert (view.name, view.email, view.company, view.message) == tuple(PERSONAL.values())
    with factory() as session:
        from api.db.outbox import OutboxMessage

        mails = list(session.scalars(select(OutboxMessage)))
        assert {str(decode(only_new, m)["To"]) for m in mails} == {
            PERSONAL["email"],
            "privacy@unoy.example",
        }
        row = session.scalars(select(Inquiry)).one()
        try:
            Cipher([old]).decrypt(row.name_enc)
        except Exception as exc:
            assert type(exc).__name__ == "InvalidToken"
        else:
            raise AssertionError("the old key still decrypts after rotation")
    engine.dispose()


def test_migrations_match_the_models_and_keep_data(
    make_client: ClientFactory, database_url: str
) -> None:
    client = make_client(DATABASE_URL=database_url)
    reference = client.post("/api/contact", json=valid_body()).json()["reference"]
    engine = create_db_engine(database_url)
    assert migrate.current_revision(engine) == migrate.head_revision()
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    migrate.upgrade(engine)  # again, as every start-up does
    with session_factory(engine)() as session:
        assert session.scalar(select(Inquiry.reference)) == reference
    engine.dispose()


def test_200_parallel_submissions_make_200_rows_with_200_references(
    make_client: ClientFactory, database_url: str
) -> None:
    client = make_client(DATABASE_URL=database_url)

    def submit(index: int) -> tuple[int, str]:
        body = valid_body(email=f"person{index}@example.com", name=f"Person {index}")
        response = client.post("/api/contact", json=body)
        return response.status_code, response.json().get("reference", response.text)

    with ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(submit, range(200)))
    assert [status for status, _ in results] == [201] * 200, results[:3]
    assert len({reference for _, reference in results}) == 200
    assert count(client.app) == (200, 400)


def test_parallel_retries_with_one_idempotency_key_store_once(
    make_client: ClientFactory, database_url: str
) -> None:
    client = make_client(DATABASE_URL=database_url)
    headers = {"Idempotency-Key": "retry-storm-0001"}

    def submit(_: int) -> str:
        response = client.post("/api/contact", json=valid_body(), headers=headers)
        assert response.status_code == 201, response.text
        return str(response.json()["reference"])

    with ThreadPoolExecutor(max_workers=20) as pool:
        references = set(pool.map(submit, range(40)))
    assert len(references) == 1
    assert count(client.app) == (1, 2)


def test_an_inquiry_stored_before_an_upgrade_survives_it(
    make_client: ClientFactory, make_settings: SettingsFactory, database_url: str
) -> None:
    """An inquiry and its mail as the first schema stored them (the mail as a complete
    message) are still there, readable and sendable, after every later migration."""
    settings = make_settings(DATABASE_URL=database_url)
    cipher = Cipher([settings.DATA_KEYS.get_secret_value()])
    engine = create_db_engine(database_url)
    migrate.upgrade(engine, "0001")
    received = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
    old_mail = EmailMessage()
    old_mail["To"] = PERSONAL["email"]
    old_mail["Subject"] = "Ihre Datenschutzanfrage PRV-2026-AAAAAA"
    old_mail.set_content("Guten Tag")
    with engine.begin() as connection:
        inquiries = Table("inquiries", MetaData(), autoload_with=connection)
        outbox = Table("outbox", MetaData(), autoload_with=connection)
        inserted = connection.execute(
            insert(inquiries).values(
                reference="PRV-2026-AAAAAA",
                request_type="access",
                requester_role="customer",
                language="de",
                status="open",
                received_at=received,
                due_by=due_by(received),
                name_enc=cipher.encrypt(PERSONAL["name"]),
                email_enc=cipher.encrypt(PERSONAL["email"]),
                company_enc=cipher.encrypt(PERSONAL["company"]),
                message_enc=cipher.encrypt(PERSONAL["message"]),
            )
        )
        assert inserted.inserted_primary_key is not None
        inquiry_id = inserted.inserted_primary_key[0]
        connection.execute(
            insert(outbox).values(
                kind="inquiry.acknowledgement",
                reference="PRV-2026-AAAAAA",
                inquiry_id=inquiry_id,
                message_enc=cipher.encrypt_bytes(old_mail.as_bytes()),
                status="pending",
                attempts=0,
                created_at=received,
                next_attempt_at=received,
            )
        )
    engine.dispose()

    client = make_client(settings)  # start-up migrates to head
    engine = client.app.state.store.engine  # type: ignore[attr-defined]
    assert migrate.current_revision(engine) == migrate.head_revision() != "0001"
    shown = service.get_inquiry(session_factory(engine), cipher, "PRV-2026-AAAAAA")
    assert shown is not None
    assert (shown.name, shown.email, shown.message) == (
        PERSONAL["name"],
        PERSONAL["email"],
        PERSONAL["message"],
    )
    with session_factory(engine)() as session:
        (row,) = session.scalars(select(OutboxMessage))
        assert row.format == "rfc5322"
        sent = decode(cipher, row)
    assert str(sent["To"]) == PERSONAL["email"]
    assert sent.get_content().strip() == "Guten Tag"
