"""`trustcenter`: the privacy team's tools, run with the same configuration as the server."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping
from typing import Annotated, Any

import typer

from api.cli.dpa import app as dpa_app
from api.cli.subscriptions import notices_app, notify, subscribers_app
from api.cli.support import (
    FormatOption,
    check_format,
    emit_json,
    emit_record,
    emit_rows,
    not_found,
    open_store,
    short_time,
)
from api.core.settings import describe_settings_error, get_settings, settings_or_exit
from api.db import migrate as migrations
from api.db import models as _models  # noqa: F401 (registers every encrypted table)
from api.db.encrypted import rotate_all
from api.inquiries import service
from api.mail import outbox as mail_outbox
from api.mail.sender import sender_from_settings

app = typer.Typer(no_args_is_help=True, help="UNOY Trust Center: privacy inquiries and the API.")
inquiries_app = typer.Typer(no_args_is_help=True, help="Privacy inquiries.")
outbox_app = typer.Typer(no_args_is_help=True, help="Mail waiting to be sent.")
app.add_typer(inquiries_app, name="inquiries")
app.add_typer(outbox_app, name="outbox")
app.add_typer(dpa_app, name="dpa")
app.add_typer(notices_app, name="notices")
app.add_typer(subscribers_app, name="subscribers")
app.command("notify")(notify)


@inquiries_app.command("list")
def inquiries_list(
    status: Annotated[str | None, typer.Option(help="open or closed")] = None,
    due_within: Annotated[
        int | None, typer.Option(help="only those due within DAYS (overdue included)")
    ] = None,
    format: FormatOption = "table",
) -> None:
    """List inquiries by due date (metadata only; no personal data)."""
    check_format(format)
    ctx = open_store(get_settings())
    rows = service.list_inquiries(ctx.factory, status=status, due_within=due_within)
    emit_rows(
        [row.as_json() for row in rows],
        format,
        empty="no inquiries",
        header=f"{'reference':<16} {'status':<7} {'due by':<10} {'received':<16} type / role",
        line=_inquiry_line,
    )


def _inquiry_line(row: Mapping[str, Any]) -> str:
    return (
        f"{row['reference']:<16} {row['status']:<7} {row['due_by']:<10} "
        f"{short_time(row['received_at'])} {row['request_type']} / {row['requester_role']}"
    )


@inquiries_app.command("show")
def inquiries_show(reference: str, format: FormatOption = "table") -> None:
    """Show one inquiry, decrypted."""
    check_format(format)
    emit_record(_decrypted_inquiry(reference), format, last="message", width=16)


@inquiries_app.command("close")
def inquiries_close(reference: str) -> None:
    """Mark an inquiry as answered."""
    ctx = open_store(get_settings())
    view = service.close_inquiry(ctx.factory, reference.strip().upper())
    if view is None:
        not_found("inquiry", reference)
    typer.echo(f"{view.reference} closed")


@inquiries_app.command("export")
def inquiries_export(reference: str) -> None:
    """Print one inquiry, decrypted, as JSON (e.g. to hand over to a customer)."""
    emit_json(_decrypted_inquiry(reference))


def _decrypted_inquiry(reference: str) -> dict[str, Any]:
    ctx = open_store(get_settings())
    view = service.get_inquiry(ctx.factory, ctx.cipher, reference.strip().upper())
    if view is None:
        not_found("inquiry", reference)
    return view.as_json()


@outbox_app.command("list")
def outbox_list(
    status: Annotated[str | None, typer.Option(help="pending, sent or failed")] = None,
    format: FormatOption = "table",
) -> None:
    """List queued and sent mail (no addresses or text)."""
    check_format(format)
    ctx = open_store(get_settings())
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
    emit_rows(data, format, empty="outbox empty", line=_outbox_line)


def _outbox_line(item: Mapping[str, Any]) -> str:
    return (
        f"{item['id']:>6} {item['status']:<8} {item['attempts']:>3}x "
        f"{item['kind']:<26} {item['reference'] or '-':<16} {item['last_error'] or ''}"
    )


@outbox_app.command("retry")
def outbox_retry() -> None:
    """Send every pending mail now, ignoring back-off."""
    ctx = open_store(get_settings())
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
    ctx = open_store(get_settings())
    count = service.purge_closed(ctx.factory, closed_older_than)
    typer.echo(f"purged {count} inquiries")


@app.command("rotate-keys")
def rotate_keys() -> None:
    """Re-encrypt all stored personal data with the first key of TRUSTCENTER_DATA_KEYS."""
    ctx = open_store(get_settings())
    count = rotate_all(ctx.factory, ctx.cipher)
    typer.echo(f"re-encrypted {count} rows")


@app.command("migrate")
def migrate() -> None:
    """Bring the database schema up to date (also done at server start-up)."""
    ctx = open_store(get_settings())
    typer.echo(f"database at revision {migrations.current_revision(ctx.engine)}")


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int | None, typer.Option(help="port; default $PORT or 8000")] = None,
) -> None:
    """Serve the built site and the API with uvicorn (api.main:app), with a deadline for
    request headers and a cap on connections (api/web/server.py)."""
    import uvicorn

    from api.web.app import production_refusal
    from api.web.server import uvicorn_options

    # Refuse an unsafe production configuration or unready content before binding.
    settings = settings_or_exit()
    if reason := production_refusal(settings):
        typer.echo(reason, err=True)
        raise typer.Exit(1)
    uvicorn.run(
        "api.main:app",
        host=host,
        port=port or int(os.environ.get("PORT", "8000")),
        **uvicorn_options(settings),
    )


def main() -> None:
    from pydantic import ValidationError
    from sqlalchemy.exc import OperationalError

    try:
        app()
    except ValidationError as error:  # the settings: one line per problem, no traceback
        raise SystemExit(describe_settings_error(error)) from None
    except OperationalError as error:
        raise SystemExit(
            f"the database (TRUSTCENTER_DATABASE_URL) is unreachable: {type(error.orig).__name__}"
        ) from None
