"""`trustcenter dpa …`: find an issued DPA by its reference, delete records after their
retention period, check edited templates and whether the content is complete enough to issue
agreements that are no drafts."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import typer

from api.cli.support import (
    FormatOption,
    check_format,
    emit_record,
    emit_rows,
    not_found,
    open_store,
    short_time,
)
from api.content import LANGUAGES, get_content
from api.content.completeness import example_problems
from api.core.files import checkout_root
from api.core.settings import get_settings
from api.dpa import records, review_sheet
from api.dpa.clauses import load_clause_map
from api.dpa.lint import lint as lint_templates

app = typer.Typer(no_args_is_help=True, help="Data Processing Agreements issued by the API.")


@app.command("list")
def dpa_list(
    format: FormatOption = "table",
    limit: Annotated[int | None, typer.Option(min=1, help="only the newest N")] = None,
) -> None:
    """List issued DPAs, newest first (metadata only; no customer details)."""
    check_format(format)
    store = open_store(get_settings())
    rows = [records.metadata(row) for row in records.list_records(store.factory, limit)]
    emit_rows(
        rows,
        format,
        empty="no DPAs issued",
        header=f"{'reference':<16} {'issued (UTC)':<16} lang fmt  template  sha256 (output)",
        line=_dpa_line,
    )


def _dpa_line(row: Mapping[str, Any]) -> str:
    return (
        f"{row['reference']:<16} {short_time(row['issued_at']):<16} "
        f"{row['language']:<4} {row['format']:<4} {row['template_version']:<9} "
        f"{row['output_sha256'][:16]}…"
    )


@app.command("show")
def dpa_show(reference: str, format: FormatOption = "table") -> None:
    """Show one issued DPA with the customer's details, decrypted."""
    check_format(format)
    store = open_store(get_settings())
    found = records.find_record(store.factory, store.cipher, reference.strip().upper())
    if found is None:
        not_found("DPA", reference)
    emit_record(found, format, last="customer", width=18)


@app.command("lint")
def dpa_lint() -> None:
    """Check dpa_templates/*.docx after editing them in Word."""
    result = lint_templates(get_content(get_settings().DATA_DIR))
    for problem in result.problems:
        typer.echo(problem, err=True)
    if result.problems:
        raise typer.Exit(1)
    names = len(result.names[LANGUAGES[0]])
    files = ", ".join(f"dpa.{lang}.docx" for lang in LANGUAGES)
    typer.echo(f"{files}: OK ({names} placeholders, the same in each)")


@app.command("purge")
def dpa_purge(
    older_than: Annotated[
        int | None,
        typer.Option(
            "--older-than",
            min=1,
            help="days since issue; default TRUSTCENTER_DPA_RETENTION_DAYS",
        ),
    ] = None,
) -> None:
    """Delete the records of DPAs issued more than DAYS ago (retention)."""
    settings = get_settings()
    days = older_than or settings.DPA_RETENTION_DAYS
    store = open_store(settings)
    count = records.purge_older_than(store.factory, days)
    typer.echo(f"purged {count} DPA records issued more than {days} days ago")


@app.command("check")
def dpa_check() -> None:
    """Say whether a DPA issued now would be a draft: list every example value it would show
    (exit 1), the same list a production start refuses on."""
    content = get_content(get_settings().DATA_DIR)
    problems = example_problems(content, "dpa")
    for problem in problems:
        typer.echo(problem, err=True)
    if problems:
        typer.echo(f"a DPA issued now is a DRAFT: {len(problems)} example values", err=True)
        raise typer.Exit(1)
    typer.echo("complete: a DPA issued now is no draft")


REVIEW_SHEET = Path("guides") / "legal-review.md"


@app.command("review-sheet")
def dpa_review_sheet(
    path: Annotated[
        Path | None, typer.Argument(help="default: guides/legal-review.md of the checkout")
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help="only say whether it is current (exit 1 if not)")
    ] = False,
) -> None:
    """Bring the review sheet's generated tables (example values, clause map) up to date."""
    settings = get_settings()
    if path is None:
        root = checkout_root()
        if root is None:
            typer.echo("not in a checkout: give the path of legal-review.md", err=True)
            raise typer.Exit(2)
        path = root / REVIEW_SHEET
    content = get_content(settings.DATA_DIR)
    current = path.read_text(encoding="utf-8")
    updated = review_sheet.update(current, content, load_clause_map(settings.TEMPLATES_DIR))
    for unplaced in review_sheet.unplaced(content):
        typer.echo(f"{unplaced}: add where it appears to api/dpa/review_sheet.py WHERE", err=True)
    if updated == current:
        typer.echo(f"{path}: current")
        return
    if check:
        typer.echo(f"{path}: out of date; run `trustcenter dpa review-sheet`", err=True)
        raise typer.Exit(1)
    path.write_text(updated, encoding="utf-8")
    typer.echo(f"{path}: updated")
