"""The privacy team's `trustcenter` command against the same store as the server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from typer.testing import CliRunner

from api.cli import app as cli
from api.core.crypto import generate_key
from api.core.settings import get_settings
from tests.support.aio import in_own_thread
from tests.support.app import ClientFactory, valid_body
from tests.support.content import complete_data
from tests.support.smtp import SmtpServer

runner = CliRunner()


@pytest.fixture
def env(
    monkeypatch: pytest.MonkeyPatch, sqlite_url: str, tmp_path: Any
) -> Iterator[dict[str, str]]:
    values = {
        "TRUSTCENTER_DATABASE_URL": sqlite_url,
        "TRUSTCENTER_DATA_KEYS": generate_key(),
        "TRUSTCENTER_VAR_DIR": str(tmp_path / "var"),
        "TRUSTCENTER_SMTP_URL": "",
        "TRUSTCENTER_PRIVACY_INBOX": "privacy@unoy.example",
    }
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    yield values
    get_settings.cache_clear()


def run(*args: str) -> Any:
    get_settings.cache_clear()
    # `outbox retry` runs asyncio.run(), which needs a thread without a running event loop.
    return in_own_thread(lambda: runner.invoke(cli, list(args)))


@pytest.fixture
def references(make_client: ClientFactory, env: dict[str, str]) -> list[str]:
    client = make_client(
        DATABASE_URL=env["TRUSTCENTER_DATABASE_URL"], DATA_KEYS=env["TRUSTCENTER_DATA_KEYS"]
    )
    first = client.post("/api/contact", json=valid_body()).json()["reference"]
    second = client.post(
        "/api/contact",
        json=valid_body(name="Max Muster", request_type="erasure", company=None),
    ).json()["reference"]
    return [first, second]


def test_list_shows_metadata_only(references: list[str]) -> None:
    result = run("inquiries", "list", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert sorted(row["reference"] for row in rows) == sorted(references)
    assert all(row["status"] == "open" and row["due_by"] for row in rows)
    assert "Erika" not in result.output and "name" not in rows[0]
    table = run("inquiries", "list")
    assert all(reference in table.output for reference in references)
    assert "erasure" in table.output


def test_list_filters_by_due_date_and_status(references: list[str]) -> None:
    assert (
        len(json.loads(run("inquiries", "list", "--due-within", "40", "--format", "json").output))
        == 2
    )
    assert (
        json.loads(run("inquiries", "list", "--due-within", "10", "--format", "json").output) == []
    )
    assert run("inquiries", "close", references[0]).exit_code == 0
    closed = json.loads(run("inquiries", "list", "--status", "closed", "--format", "json").output)
    assert [row["reference"] for row in closed] == [references[0]]
    assert closed[0]["closed_at"]
    still_open = json.loads(run("inquiries", "list", "--status", "open", "--format", "json").output)
    assert [row["reference"] for row in still_open] == [references[1]]


def test_show_and_export_decrypt(references: list[str]) -> None:
    shown = run("inquiries", "show", references[0])
    assert shown.exit_code == 0
    assert "Erika Mustermann" in shown.output
    assert "welche Daten Sie über mich speichern." in shown.output
    exported = json.loads(run("inquiries", "export", references[1].lower()).output)
    assert exported["reference"] == references[1]
    assert exported["name"] == "Max Muster"
    assert exported["company"] is None
    assert exported["request_type"] == "erasure"


def test_unknown_references_fail(env: dict[str, str]) -> None:
    for command in ("show", "close", "export"):
        result = run("inquiries", command, "PRV-2026-AAAAAA")
        assert result.exit_code == 1
        assert "no inquiry" in result.output


def test_outbox_list_and_retry(references: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    listed = json.loads(run("outbox", "list", "--format", "json").output)
    assert len(listed) == 4 and {row["status"] for row in listed} == {"pending"}
    assert "@" not in run("outbox", "list").output  # no addresses
    failed = run("outbox", "retry")
    assert failed.exit_code == 1 and "SMTP_URL" in failed.output
    with SmtpServer() as smtp:
        monkeypatch.setenv("TRUSTCENTER_SMTP_URL", smtp.url)
        result = run("outbox", "retry")
        assert result.exit_code == 0, result.output
        assert "sent 4, failed 0" in result.output
        assert run("outbox", "retry").output.strip() == "sent 0, failed 0"
        assert len(smtp.wait_for(4)) == 4
    sent = json.loads(run("outbox", "list", "--status", "sent", "--format", "json").output)
    assert len(sent) == 4


def test_purge_removes_only_closed_inquiries_past_retention(references: list[str]) -> None:
    run("inquiries", "close", references[0])
    assert "purged 0" in run("purge", "--closed-older-than", "30").output
    assert "purged 1" in run("purge", "--closed-older-than", "0").output
    rows = json.loads(run("inquiries", "list", "--format", "json").output)
    assert [row["reference"] for row in rows] == [references[1]]
    assert len(json.loads(run("outbox", "list", "--format", "json").output)) == 2


def test_rotate_keys(
    references: list[str], env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    old = env["TRUSTCENTER_DATA_KEYS"]
    new = generate_key()
    monkeypatch.setenv("TRUSTCENTER_DATA_KEYS", f"{new},{old}")
    result = run("rotate-keys")
    assert result.exit_code == 0
    assert "re-encrypted 6 rows" in result.output  # 2 inquiries + 4 mails
    monkeypatch.setenv("TRUSTCENTER_DATA_KEYS", new)
    assert "Erika Mustermann" in run("inquiries", "show", references[0]).output


def test_migrate_reports_the_revision(env: dict[str, str]) -> None:
    result = run("migrate")
    assert result.exit_code == 0
    assert "database at revision" in result.output


def test_dpa_check_lists_what_a_dpa_would_still_show_as_an_example(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    result = run("dpa", "check")
    assert result.exit_code == 1
    assert "data/dpa.yml: terms.breach_notice_hours: still an example value" in result.output
    assert "a DPA issued now is a DRAFT" in result.output
    monkeypatch.setenv("TRUSTCENTER_DATA_DIR", str(complete_data(tmp_path)))
    complete = run("dpa", "check")
    assert complete.exit_code == 0, complete.output
    assert "complete: a DPA issued now is no draft" in complete.output
