"""`trustcenter`: the privacy team's tools, run with the same configuration as the server."""

from __future__ import annotations

import asyncio
import json
import os
from dataclasses import dataclass
from typing import Annotated, Any

import typer
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from api.crypto import Cipher, cipher_from_settings
from api.db import migrate as migrations
from api.db import models as _models  # noqa: F401 (registers every encrypted table)
from api.db.encrypted import rotate_all
from api.db.session import create_db_engine, session_factory
from api.dpa.cli import app as dpa_app
from api.inquiries import service
from api.mail import outbox as mail_outbox
from api.mail.sender import sender_from_settings
from api.settings import Settings, get_settings

app = typer.Typer(no_args_is_help=True, help="UNOY Trust Center: privacy inquiries and the API.")
inquiries_app = typer.Typer(no_args_is_help=True, help="Privacy inquiries.")
outbox_app = typer.Typer(no_args_is_help=True, help="Mail waiting to be sent.")
app.add_typer(inquiries_app, name="inquiries")
app.add_typer(outbox_app, name="outbox")
app.add_typer(dpa_app, name="dpa")

FormatOption = Annotated[str, typer.Option("--format", help="table or json")]


@dataclass
class Context:
    settings: Settings
    engine: Engine
    factory: sessionmaker[Session]
    cipher: Cipher


def _context() -> Context:
    settings = get_settings()
    engine = create_db_engine(settings.database_url)
    migrations.upgrade(engine)
    return Context(settings, engine, session_factory(engine), cipher_from_settings(settings))


def _emit_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _check_format(value: str) -> None:
    if value not in ("table", "json"):
        raise typer.BadParameter("use table or json", param_hint="--format")


@inquiries_app.command("list")
def inquiries_list(
    status: Annotated[str | None, typer.Option(help="open or closed")] = None,
    due_within: Annotated[
        int | None, typer.Option(help="only those due within DAYS (overdue included)")
    ] = None,
    format: FormatOption = "table",
) -> None:
    """List inquiries by due date (metadata only; no personal data)."""
    _check_format(format)
    ctx = _context()
    rows = service.list_inquiries(ctx.factory, status=status, due_within=due_within)
    if format == "json":
        _emit_json([row.as_json() for row in rows])
        return
    if not rows:
        typer.echo("no inquiries")
        return
    typer.echo(f"{'reference':<16} {'status':<7} {'due by':<10} {'received':<16} type / role")
    for row in rows:
        typer.echo(
            f"{row.reference:<16} {row.status:<7} {row.due_by.isoformat():<10} "
            f"{row.received_at:%Y-%m-%d %H:%M} {row.request_type} / {row.requester_role}"
        )


@inquiries_app.command("show")
def inquiries_show(reference: str, format: FormatOption = "table") -> None:
    """Show one inquiry, decrypted."""
    _check_format(format)
    ctx = _context()
    view = service.get_inquiry(ctx.factory, ctx.cipher, reference.strip().upper())
    if view is None:
        typer.echo(f"no inquiry {reference}", err=True)
        raise typer.Exit(1)
    data = view.as_json()
    if format == "json":
        _emit_json(data)
        return
    message = data.pop("message")
    for key, value in data.items():
        typer.echo(f"{key + ':':<16} {value if value is not None else '-'}")
    typer.echo("message:")
    typer.echo(message)


@inquiries_app.command("close")
def inquiries_close(reference: str) -> None:
    """Mark an inquiry as answered."""
    ctx = _context()
    view = service.close_inquiry(ctx.factory, reference.strip().upper())
    if view is None:
        typer.echo(f"no inquiry {reference}", err=True)
        raise typer.Exit(1)
    typer.echo(f"{view.reference} closed")


@inquiries_app.command("export")
def inquiries_export(reference: str) -> None:
    """Print one inquiry, decrypted, as JSON (e.g. to hand over to a customer)."""
    ctx = _context()
    view = service.get_inquiry(ctx.factory, ctx.cipher, reference.strip().upper())
    if view is None:
        typer.echo(f"no inquiry {reference}", err=True)
        raise typer.Exit(1)
    _emit_json(view.as_json())


@outbox_app.command("list")
def outbox_list(
    status: Annotated[str | None, typer.Option(help="pending or sent")] = None,
    format: FormatOption = "table",
) -> None:
    """List queued and sent mail (no addresses or text)."""
    _check_format(format)
    ctx = _context()
    rows = mail_outbox.list_messages(ctx.factory, status)
    data = [
        {
            "id": row.id,
            "kind": row.kind,
            "reference": row.reference,
            "status": row.status,
            "attempts": row.attempts,
            "created_at": row.created_at.isoformat(),
            "next_attempt_at": row.next_attempt_at.isoformat(),
            "sent_at": row.sent_at.isoformat() if row.sent_at else None,
            "last_error": row.last_error,
        }
        for row in rows
    ]
    if format == "json":
        _emit_json(data)
        return
    if not data:
        typer.echo("outbox empty")
        return
    for item in data:
        typer.echo(
            f"{item['id']:>6} {item['status']:<8} {item['attempts']:>3}x "
            f"{item['kind']:<26} {item['reference'] or '-':<16} {item['last_error'] or ''}"
        )


@outbox_app.command("retry")
def outbox_retry() -> None:
    """Send every pending mail now, ignoring back-off."""
    ctx = _context()
    sender = sender_from_settings(ctx.settings)
    if sender is None:
        typer.echo("TRUSTCENTER_SMTP_URL is not set: nothing can be sent", err=True)
        raise typer.Exit(1)
    result = asyncio.run(mail_outbox.drain(ctx.factory, ctx.cipher, sender, force=True))
    typer.echo(f"sent {len(result.sent)}, failed {len(result.failed)}")
    if result.failed:
        raise typer.Exit(1)


@app.command("purge")
def purge(
    closed_older_than: Annotated[
        int, typer.Option("--closed-older-than", min=0, help="days since closing")
    ],
) -> None:
    """Delete closed inquiries (and their mail) closed more than DAYS ago."""
    ctx = _context()
    count = service.purge_closed(ctx.factory, closed_older_than)
    typer.echo(f"purged {count} inquiries")


@app.command("rotate-keys")
def rotate_keys() -> None:
    """Re-encrypt all stored personal data with the first key of TRUSTCENTER_DATA_KEYS."""
    ctx = _context()
    count = rotate_all(ctx.factory, ctx.cipher)
    typer.echo(f"re-encrypted {count} rows")


@app.command("migrate")
def migrate() -> None:
    """Bring the database schema up to date (also done at server start-up)."""
    ctx = _context()
    typer.echo(f"database at revision {migrations.current_revision(ctx.engine)}")


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int | None, typer.Option(help="port; default $PORT or 8000")] = None,
) -> None:
    """Serve the built site and the API with uvicorn (api.main:app)."""
    import uvicorn

    get_settings()  # refuse to start on an unsafe production configuration, before binding
    uvicorn.run(
        "api.main:app",
        host=host,
        port=port or int(os.environ.get("PORT", "8000")),
        # The uvicorn access log shows client addresses; api.access logs requests without.
        access_log=False,
        # TRUSTED_PROXIES decides whom to believe about the client address, not uvicorn.
        proxy_headers=False,
        server_header=False,
    )


def main() -> None:
    app()
