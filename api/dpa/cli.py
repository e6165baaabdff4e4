"""`trustcenter dpa …`: find an issued DPA by its reference; check edited templates."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from api.crypto import cipher_from_settings
from api.db import migrate as migrations
from api.db.session import create_db_engine, session_factory
from api.dpa import records
from api.dpa.lint import lint as lint_templates
from api.routes.dpa import content_for
from api.settings import get_settings

app = typer.Typer(no_args_is_help=True, help="Data Processing Agreements issued by the API.")

FormatOption = Annotated[str, typer.Option("--format", help="table or json")]


def _emit_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _check_format(value: str) -> None:
    if value not in ("table", "json"):
        raise typer.BadParameter("use table or json", param_hint="--format")


def _factory() -> Any:
    settings = get_settings()
    engine = create_db_engine(settings.database_url)
    migrations.upgrade(engine)
    return settings, session_factory(engine)


@app.command("list")
def dpa_list(
    format: FormatOption = "table",
    limit: Annotated[int | None, typer.Option(min=1, help="only the newest N")] = None,
) -> None:
    """List issued DPAs, newest first (metadata only; no customer details)."""
    _check_format(format)
    _, factory = _factory()
    rows = [records.metadata(row) for row in records.list_records(factory, limit)]
    if format == "json":
        _emit_json(rows)
        return
    if not rows:
        typer.echo("no DPAs issued")
        return
    typer.echo(f"{'reference':<16} {'issued (UTC)':<16} lang fmt  template  sha256 (output)")
    for row in rows:
        typer.echo(
            f"{row['reference']:<16} {row['issued_at'][:16].replace('T', ' '):<16} "
            f"{row['language']:<4} {row['format']:<4} {row['template_version']:<9} "
            f"{row['output_sha256'][:16]}…"
        )


@app.command("show")
def dpa_show(reference: str, format: FormatOption = "table") -> None:
    """Show one issued DPA with the customer's details, decrypted."""
    _check_format(format)
    settings, factory = _factory()
    found = records.find_record(factory, cipher_from_settings(settings), reference.strip().upper())
    if found is None:
        typer.echo(f"no DPA {reference}", err=True)
        raise typer.Exit(1)
    if format == "json":
        _emit_json(found)
        return
    customer = found.pop("customer")
    for key, value in found.items():
        shown = json.dumps(value, ensure_ascii=False) if isinstance(value, dict) else value
        typer.echo(f"{key + ':':<18} {shown}")
    typer.echo("customer:")
    typer.echo(json.dumps(customer, ensure_ascii=False, indent=2))


@app.command("lint")
def dpa_lint() -> None:
    """Check dpa_templates/*.docx after editing them in Word."""
    result = lint_templates(content_for(get_settings()))
    for problem in result.problems:
        typer.echo(problem, err=True)
    if result.problems:
        raise typer.Exit(1)
    names = len(result.names.get("de", set()))
    typer.echo(f"dpa.de.docx and dpa.en.docx: OK ({names} placeholders, the same in both)")
