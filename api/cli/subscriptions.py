"""`trustcenter notify`, `trustcenter notices …` and `trustcenter subscribers …`: announcing
subprocessor changes to the subscribers, the proof that each was told, and who subscribed
(counts and states; an address only when asked for it by reference)."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Annotated, Any

import typer

from api.cli.support import (
    FormatOption,
    Store,
    check_format,
    emit_json,
    emit_record,
    emit_rows,
    not_found,
    open_store,
    short_time,
)
from api.content import get_content
from api.core.settings import get_settings
from api.mail.sender import sender_from_settings
from api.subscriptions import notify as notifying
from api.subscriptions import proof, service
from api.subscriptions.address import identity
from api.subscriptions.keys import hasher

notices_app = typer.Typer(
    no_args_is_help=True, help="Proof of the notices of subprocessor changes."
)
subscribers_app = typer.Typer(no_args_is_help=True, help="Subscribers to subprocessor changes.")

ChangeOption = Annotated[
    str | None, typer.Option("--change", help="only this change (its key, as listed)")
]
EmailOption = Annotated[
    str | None, typer.Option("--email", help="only the notices sent to this address")
]


def notify(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="show who would be told what; send nothing")
    ] = False,
    format: FormatOption = "table",
) -> None:
    """Tell every confirmed subscriber each change not yet effective that they have not been
    told (one mail each), and hand the mail to the SMTP server now. Run it after deploying a
    change of data/subprocessors.yml, or daily: a second run sends nothing new."""
    check_format(format)
    store = open_store(get_settings())
    content = get_content(store.settings.DATA_DIR)
    sender = None if dry_run else sender_from_settings(store.settings)
    report = asyncio.run(
        notifying.notify(
            store.factory,
            store.cipher,
            store.settings,
            content,
            sender,
            dry_run=dry_run,
            force=True,
        )
    )
    if format == "json":
        emit_json(_report_json(report))
    else:
        _print_report(report, smtp=sender is not None)
    if report.pending and not dry_run:
        raise typer.Exit(1)


def _report_json(report: notifying.Report) -> dict[str, Any]:
    return {
        "dry_run": report.dry_run,
        "changes": [
            {
                "change": change.key,
                "subprocessor": change.subprocessor,
                "kind": change.kind,
                "notice_date": change.notice_date.isoformat(),
                "effective_date": change.effective_date.isoformat(),
            }
            for change in report.changes
        ],
        "mails": [
            {
                "subscriber": plan.reference,
                "language": plan.language,
                "changes": [change.key for change in plan.changes],
            }
            for plan in report.planned
        ],
        "queued": report.queued,
        "sent": report.sent,
        "pending": report.pending,
        "other_sent": report.other_sent,
        "failed": report.failed,
    }


def _print_report(report: notifying.Report, *, smtp: bool) -> None:
    typer.echo(f"changes not yet effective: {len(report.changes)}")
    for change in report.changes:
        typer.echo(f"  {change.key}")
    verb = "would get" if report.dry_run else "get"
    typer.echo(f"subscribers who {verb} a notice: {len(report.planned)}")
    for plan in report.planned:
        typer.echo(f"  {plan.reference} ({plan.language}): {len(plan.changes)} changes")
    if report.dry_run:
        typer.echo("dry run: nothing queued, nothing sent")
        return
    typer.echo(f"notice mails queued: {report.queued}")
    if not smtp:
        typer.echo("TRUSTCENTER_SMTP_URL is not set: the mail stays in the outbox", err=True)
    typer.echo(
        f"notice mails handed to the SMTP server: {report.sent}; still waiting: {report.pending}"
        + (f" (other mail sent: {report.other_sent})" if report.other_sent else "")
    )


def _digest_of(store: Store, email: str | None) -> str | None:
    return None if email is None else hasher(store.factory, store.cipher).email(identity(email))


@notices_app.command("list")
def notices_list(
    change: ChangeOption = None, email: EmailOption = None, format: FormatOption = "table"
) -> None:
    """Per change: how many subscribers were told and when; with --change, each notice."""
    check_format(format)
    store = open_store(get_settings())
    found = proof.records(store.factory, change=change, subscriber_digest=_digest_of(store, email))
    if change is not None or email is not None:
        emit_rows(
            [record.as_json() for record in found],
            format,
            empty="no notices",
            header=f"{'subscriber':<16} {'status':<7} {'handed to SMTP':<16} change / Message-ID",
            line=_notice_line,
        )
        return
    emit_rows(
        _per_change(found),
        format,
        empty="no notices sent yet",
        header=f"{'effective':<10} {'sent':>5} {'waiting':>7}  {'last handed to SMTP':<19} change",
        line=_change_line,
    )


def _per_change(found: list[proof.NoticeRecord]) -> list[dict[str, Any]]:
    changes: dict[str, dict[str, Any]] = {}
    for record in found:
        entry = changes.setdefault(
            record.change,
            {
                "change": record.change,
                "subprocessor": record.subprocessor,
                "kind": record.kind,
                "notice_date": record.notice_date.isoformat(),
                "effective_date": record.effective_date.isoformat(),
                "sent": 0,
                "pending": 0,
                "last_handed_to_smtp_at": None,
            },
        )
        entry[record.status] += 1
        if record.handed_at is not None:
            entry["last_handed_to_smtp_at"] = max(
                filter(None, [entry["last_handed_to_smtp_at"], record.handed_at.isoformat()])
            )
    return list(changes.values())


def _change_line(row: Mapping[str, Any]) -> str:
    last = short_time(row["last_handed_to_smtp_at"]) if row["last_handed_to_smtp_at"] else "-"
    return (
        f"{row['effective_date']:<10} {row['sent']:>5} {row['pending']:>7}  {last:<19} "
        f"{row['change']}"
    )


def _notice_line(row: Mapping[str, Any]) -> str:
    handed = short_time(row["handed_to_smtp_at"]) if row["handed_to_smtp_at"] else "-"
    return (
        f"{row['subscriber'] or '-':<16} {row['status']:<7} {handed:<16} {row['change']} "
        f"{row['message_id']}"
    )


@notices_app.command("export")
def notices_export(change: ChangeOption = None, email: EmailOption = None) -> None:
    """Every proof record as JSON (for UNOY's records or a supervisory authority)."""
    store = open_store(get_settings())
    found = proof.records(store.factory, change=change, subscriber_digest=_digest_of(store, email))
    emit_json(
        {
            "changes": _per_change(found),
            "notices": [record.as_json() for record in found],
        }
    )


@notices_app.command("purge")
def notices_purge(
    older_than: Annotated[
        int, typer.Option("--older-than", min=1, help="days since the notice was queued")
    ],
) -> None:
    """Retention: delete proof records older than DAYS (and ended subscriptions left unnamed)."""
    store = open_store(get_settings())
    typer.echo(f"purged {proof.purge(store.factory, older_than)} proof records")


@subscribers_app.command("list")
def subscribers_list(
    status: Annotated[str | None, typer.Option(help="pending, confirmed or unsubscribed")] = None,
    format: FormatOption = "table",
) -> None:
    """Counts by state and language, then each subscription (reference, state, dates; no
    addresses)."""
    check_format(format)
    store = open_store(get_settings())
    counts = service.counts(store.factory)
    rows = [view.as_json() for view in service.list_subscribers(store.factory, status)]
    if format == "json":
        emit_json({"counts": counts, "subscribers": rows})
        return
    for state, by_language in counts.items():
        detail = ", ".join(f"{lang} {n}" for lang, n in sorted(by_language.items()))
        typer.echo(
            f"{state:<13} {sum(by_language.values()):>5}" + (f"  ({detail})" if detail else "")
        )
    typer.echo("")
    emit_rows(
        rows,
        format,
        empty="no subscribers",
        header=f"{'reference':<16} {'status':<13} lang {'created':<16} confirmed",
        line=_subscriber_line,
    )


def _subscriber_line(row: Mapping[str, Any]) -> str:
    confirmed = short_time(row["confirmed_at"]) if row["confirmed_at"] else "-"
    return (
        f"{row['reference']:<16} {row['status']:<13} {row['language']:<4} "
        f"{short_time(row['created_at'])} {confirmed}"
    )


@subscribers_app.command("show")
def subscribers_show(reference: str, format: FormatOption = "table") -> None:
    """One subscription with its address, decrypted."""
    check_format(format)
    store = open_store(get_settings())
    view = service.get_subscriber(store.factory, store.cipher, reference.strip().upper())
    if view is None:
        not_found("subscription", reference)
    record = view.as_json()
    record.setdefault("email", None)
    emit_record(record, format, last="email", width=16)


@subscribers_app.command("purge")
def subscribers_purge() -> None:
    """Retention (also done by every `notify`): delete unconfirmed subscriptions whose link
    expired (7 days) with their mail, and leftovers of ended ones."""
    store = open_store(get_settings())
    typer.echo(f"purged {service.purge(store.factory)} unconfirmed subscriptions")
