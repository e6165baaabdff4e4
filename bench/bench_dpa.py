"""DPA latency: `POST /api/dpa` (.docx, PDF, and the page's JSON answer with both formats of one
agreement) against the bare docxtpl render of the same template and context, measured in the
same run, and how both grow with 10x and 100x the measures and subprocessors.

    .venv/bin/python bench/bench_dpa.py [--docx N] [--pdf N] [--min-runs N] [--factors 1,10,100]

`--pdf 0` leaves out the PDF series (LibreOffice takes a second per document started on its own).

The endpoint runs in-process (ASGI, TestClient) with captcha in development mode and SQLite in
a temporary directory, so the figures are the API's own cost: validation, context, render,
conversion, hashing and the encrypted record. Nothing here asserts a time. PDFs both ways: a
`soffice` started per document, and the resident converter (started and waited for first;
target: POST /api/dpa (PDF) p50 <= 300 ms).

"Bare docxtpl" is docxtpl as its documentation uses it (a template opened and rendered with a
new autoescaping Jinja environment): it cleans and compiles every part of the template on every
render. The project's renderer keeps each part cleaned and compiled (api/dpa/render.py) and is
shown beside it, so the request's own overhead over rendering stays visible.

The .docx series run interleaved (bare render, project render, context + render, POST, bare
render, …), so a machine that gets busier or quieter during the run weighs on all of them
alike; besides wall time each reports the process's CPU time (all its threads: the app's worker
thread included), which a shared machine's load does not inflate. The ratios compare medians.
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import logging
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.content import Content, get_content
from api.core.crypto import generate_key
from api.core.settings import Settings
from api.dpa import pdf
from api.dpa.context import build_context, check_processing
from api.dpa.pdf import docx_to_pdf, find_soffice
from api.dpa.render import environment_options, render_docx, template_bytes, template_path
from api.dpa.schemas import DpaRequest
from api.web.app import create_app
from api.web.deps import get_content_of
from tests.dpa.sample import dpa_body


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p50 = statistics.median(ordered)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return p50 * 1000, p99 * 1000


def timed(action: Callable[[], Any], runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return samples


def interleaved(
    actions: dict[str, Callable[[], Any]], runs: int
) -> dict[str, tuple[list[float], list[float]]]:
    """Wall and CPU seconds of each action, the actions taking turns run after run."""
    samples: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in actions}
    for _ in range(runs):
        for name, action in actions.items():
            wall, cpu = time.perf_counter(), time.process_time()
            action()
            samples[name][0].append(time.perf_counter() - wall)
            samples[name][1].append(time.process_time() - cpu)
    return samples


def bare_docxtpl(path: Path, context: dict[str, Any]) -> bytes:
    from docxtpl import DocxTemplate
    from jinja2 import Environment

    template = DocxTemplate(io.BytesIO(template_bytes(path)))
    template.render(context, Environment(**environment_options()), autoescape=True)
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


def cpu_line(
    label: str, wall: list[float], cpu: list[float], base: tuple[float, float] | None = None
) -> tuple[float, float]:
    """A series with wall-time percentiles, the CPU-time median and both ratios to `base`."""
    p50, p99 = percentiles(wall)
    cpu50, _ = percentiles(cpu)
    ratio = f"  x{p50 / base[0]:5.2f} wall, x{cpu50 / base[1]:5.2f} CPU" if base else ""
    print(
        f"  {label:<34} n={len(wall):>3}  p50 {p50:8.1f} ms  p99 {p99:8.1f} ms  "
        f"CPU p50 {cpu50:8.1f} ms{ratio}"
    )
    return p50, cpu50


def scaled(content: Content, factor: int) -> Content:
    """The same content with every measure and every subprocessor repeated `factor` times."""
    if factor == 1:
        return content
    toms = content.toms
    categories = [
        category.model_copy(
            update={
                "measures": [
                    measure.model_copy(update={"id": f"{measure.id}_{i}"})
                    for i in range(factor)
                    for measure in category.measures
                ]
            }
        )
        for category in toms.categories
    ]
    groups = [
        group.model_copy(
            update={
                "subprocessors": [
                    entry.model_copy(update={"id": f"{entry.id}_{i}"})
                    for i in range(factor)
                    for entry in group.subprocessors
                ]
            }
        )
        for group in content.subprocessors.groups
    ]
    return dataclasses.replace(
        content,
        toms=toms.model_copy(update={"categories": categories}),
        subprocessors=content.subprocessors.model_copy(update={"groups": groups}),
    )


def use_content(app: FastAPI, content: Content) -> None:
    """Make the endpoint render from `content` (the scaled copies) instead of data/."""
    app.dependency_overrides[get_content_of] = lambda: content


def line(label: str, samples: list[float], base: float | None = None) -> float:
    p50, p99 = percentiles(samples)
    ratio = f"  x{p50 / base:5.2f} of bare render" if base else ""
    print(f"  {label:<34} n={len(samples):>3}  p50 {p50:8.1f} ms  p99 {p99:8.1f} ms{ratio}")
    return p50


def pdf_line(label: str, action: Callable[[], Any], runs: int, base: float) -> None:
    """A PDF series. A conversion that fails (LibreOffice's time limit, on a slow machine, for
    the largest content) is reported as such, and the other series still run."""
    try:
        samples = timed(action, runs)
    except (pdf.PdfError, AssertionError) as exc:
        reason = str(exc).splitlines()[0][:160] if str(exc) else repr(exc)
        print(f"  {label:<34} failed: {reason}")
        return
    line(label, samples, base)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docx", type=int, default=40, help="requests per .docx series")
    parser.add_argument("--pdf", type=int, default=8, help="requests per PDF series (0: none)")
    parser.add_argument(
        "--min-runs", type=int, default=5, help="at least this many per .docx series at 10x/100x"
    )
    parser.add_argument("--factors", default="1,10,100", help="content sizes to run, e.g. 1")
    args = parser.parse_args()
    logging.disable(logging.INFO)

    base_content = get_content()
    body = dpa_body("de")
    request = DpaRequest.model_validate(body)
    path = template_path("de")
    issued = datetime.now(UTC).date()

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            ENV="development",
            VAR_DIR=Path(tmp),
            DATABASE_URL=f"sqlite:///{tmp}/bench.db",
            DATA_KEYS=generate_key(),
            RATE_LIMIT_DPA="1000000/minute",
            OUTBOX_INTERVAL=0,
        )
        soffice = find_soffice(settings)
        resident = pdf.resident(soffice) if soffice else None
        if resident is not None and not resident.wait_until_ready():
            resident = None
        with TestClient(create_app(settings)) as client:
            print(f"DPA generation (German template, {len(base_content.toms.measures())} measures,")
            print(f"{len(base_content.subprocessors.all())} subprocessors at 1x); PDF: {soffice}")
            for factor in (int(f) for f in args.factors.split(",")):
                content = scaled(base_content, factor)
                use_content(client.app, content)  # type: ignore[arg-type]
                chosen = check_processing(request.processing, content)
                context = build_context(
                    request, chosen, content, reference="DPA-2026-BENCH0", issued_on=issued
                )
                runs = max(args.min_runs, args.docx // factor if factor > 1 else args.docx)
                print(
                    f"\n{factor}x: {len(content.toms.measures())} measures, "
                    f"{len(content.subprocessors.all())} subprocessors"
                )
                render_docx(path, context)  # warm caches (template bytes, imports)
                client.post("/api/dpa", json=body)

                def full(content: Content = content) -> None:
                    built = build_context(
                        request,
                        check_processing(request.processing, content),
                        content,
                        reference="DPA-2026-BENCH0",
                        issued_on=issued,
                    )
                    render_docx(path, built)

                def post_docx() -> None:
                    response = client.post("/api/dpa", json=body)
                    assert response.status_code == 200, response.text

                series = interleaved(
                    {
                        "bare docxtpl render": partial(bare_docxtpl, path, context),
                        "project render (parts kept)": partial(render_docx, path, context),
                        "context + render (no HTTP)": full,
                        "POST /api/dpa (.docx)": post_docx,
                    },
                    runs,
                )
                base = cpu_line("bare docxtpl render", *series["bare docxtpl render"])
                for label in (
                    "project render (parts kept)",
                    "context + render (no HTTP)",
                    "POST /api/dpa (.docx)",
                ):
                    cpu_line(label, *series[label], base)
                bare = base[0]
                if soffice is None or args.pdf == 0:
                    print("  PDF: LibreOffice not installed or not asked for, skipped")
                    continue
                pdf_runs = max(2, args.pdf // factor) if factor > 1 else args.pdf
                docx = render_docx(path, context)
                pdf_line(
                    "a soffice per PDF (conversion)",
                    partial(pdf._convert_once, docx, soffice, pdf.TIMEOUT_SECONDS),
                    pdf_runs,
                    bare,
                )
                if resident is None:
                    print("  resident converter: not available here (python3-uno)")
                else:
                    pdf_line(
                        "resident converter (conversion)",
                        partial(docx_to_pdf, docx, soffice),
                        pdf_runs,
                        bare,
                    )

                def post_pdf() -> None:
                    response = client.post("/api/dpa", json=dpa_body("de", "pdf"))
                    assert response.status_code == 200, response.text

                label = "POST /api/dpa (PDF, resident)" if resident else "POST /api/dpa (PDF)"
                pdf_line(label, post_pdf, pdf_runs, bare)

                def post_both() -> None:
                    response = client.post(
                        "/api/dpa", json=body, headers={"Accept": "application/json"}
                    )
                    assert len(response.json()["files"]) == 2, response.text

                pdf_line("POST /api/dpa (JSON: .docx + PDF)", post_both, pdf_runs, bare)


if __name__ == "__main__":
    main()
