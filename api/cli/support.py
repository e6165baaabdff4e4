"""What every `trustcenter` command shares: opening the store with the server's configuration,
and printing results as a table for people or as JSON for scripts (`--format json`)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, NoReturn

import typer
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from api.core.crypto import Cipher, cipher_from_settings
from api.core.settings import Settings
from api.db import migrate as migrations
from api.db.session import create_db_engine, session_factory

FormatOption = Annotated[str, typer.Option("--format", help="table or json")]
FORMATS = ("table", "json")


@dataclass
class Store:
    settings: Settings
    engine: Engine
    factory: sessionmaker[Session]
    cipher: Cipher


def open_store(settings: Settings) -> Store:
    """The database the server uses, brought up to date first (as the server does)."""
    engine = create_db_engine(settings.database_url)
    migrations.upgrade(engine)
    return Store(settings, engine, session_factory(engine), cipher_from_settings(settings))


def check_format(value: str) -> None:
    if value not in FORMATS:
        raise typer.BadParameter("use table or json", param_hint="--format")


def emit_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def short_time(iso: str) -> str:
    """`2026-11-26T21:05:00.1+00:00` → `2026-11-26 21:05` for tables."""
    return iso[:16].replace("T", " ")


def emit_rows(
    rows: Sequence[Mapping[str, Any]],
    fmt: str,
    *,
    empty: str,
    line: Callable[[Mapping[str, Any]], str],
    header: str | None = None,
) -> None:
    """A listing: the rows as JSON, or one `line(row)` per row under an optional header."""
    if fmt == "json":
        emit_json(list(rows))
        return
    if not rows:
        typer.echo(empty)
        return
    if header:
        typer.echo(header)
    for row in rows:
        typer.echo(line(row))


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def emit_record(record: Mapping[str, Any], fmt: str, *, last: str, width: int) -> None:
    """One record: as JSON, or `key: value` lines with the long `last` item below them."""
    if fmt == "json":
        emit_json(record)
        return
    rest = dict(record)
    tail = rest.pop(last)
    for key, value in rest.items():
        typer.echo(f"{key + ':':<{width}} {_cell(value)}")
    typer.echo(f"{last}:")
    typer.echo(tail if isinstance(tail, str) else json.dumps(tail, ensure_ascii=False, indent=2))


def not_found(what: str, reference: str) -> NoReturn:
    typer.echo(f"no {what} {reference}", err=True)
    raise typer.Exit(1)
