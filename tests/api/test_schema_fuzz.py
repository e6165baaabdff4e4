"""schemathesis against /api/openapi.json: no input gives a 5xx, and every response (errors
included) matches the documented schema. Bounded examples keep it well under two minutes.

POST /api/dpa renders documents for every example and is fuzzed by its own tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.app import create_app
from api.crypto import generate_key
from api.db import migrate
from api.settings import Settings


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory) -> schemathesis.BaseSchema:
    directory: Path = tmp_path_factory.mktemp("fuzz")
    app = create_app(
        Settings(
            ENV="development",
            VAR_DIR=directory,
            DATABASE_URL=f"sqlite:///{directory / 'fuzz.db'}",
            DATA_KEYS=generate_key(),
            HCAPTCHA_SECRET="",
            SMTP_URL="",
            RATE_LIMIT_CONTACT="100000/minute",
            OUTBOX_INTERVAL=0,
        )
    )
    migrate.upgrade(app.state.engine)  # the lifespan does not run under schemathesis
    return schemathesis.openapi.from_asgi("/api/openapi.json", app).exclude(path_regex=r"^/api/dpa")


OPERATIONS = [("/api/contact", "POST"), ("/api/health", "GET"), ("/api/config", "GET")]
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


# GET operations take no input, so only their positive (and only) case exists.
RUNS = [
    (path, method, mode)
    for path, method in OPERATIONS
    for mode in (list(GenerationMode) if method == "POST" else [GenerationMode.POSITIVE])
]


@pytest.mark.parametrize(
    ("path", "method", "mode"), RUNS, ids=[f"{m} {p} {g.value}" for p, m, g in RUNS]
)
def test_no_input_gives_a_server_error_and_responses_match_the_schema(
    api_schema: schemathesis.BaseSchema, path: str, method: str, mode: GenerationMode
) -> None:
    operation = api_schema[path][method]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=60 if method == "POST" else 10,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def fuzz(case: schemathesis.Case[Any]) -> None:
        case.call_and_validate(checks=CHECKS)

    fuzz()


def test_every_operation_is_fuzzed(api_schema: schemathesis.BaseSchema) -> None:
    documented = set()
    for result in api_schema.get_all_operations():
        operation = result.ok()  # type: ignore[union-attr]
        documented.add((operation.path, operation.method.upper()))
    assert documented == set(OPERATIONS)
