"""schemathesis against /api/openapi.json: no input gives a 5xx, and every response (errors
included) matches the documented schema, for every documented operation. Bounded examples keep
it well under two minutes: POST /api/dpa renders a document for every valid example, so it gets
fewer (tests/dpa/test_fuzz.py goes deeper into its text fields)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic_core import PydanticCustomError
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.core.crypto import generate_key
from api.core.settings import Settings
from api.core.validation import check_email
from api.db import migrate
from api.web.app import create_app


def _accepted_email(value: str) -> bool:
    try:
        check_email(value)
    except PydanticCustomError:
        return False
    return True


# schemathesis's own addresses are mostly on reserved names (`x@y.test`, `privacy@localhost`)
# that the server rightly refuses, so valid bodies would never get past validation.
schemathesis.openapi.format("email", st.emails().filter(_accepted_email))


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
            RATE_LIMIT_DPA="100000/minute",
            RATE_LIMIT_SUBSCRIBE="100000/minute",
            OUTBOX_INTERVAL=0,
        )
    )
    migrate.upgrade(app.state.store.engine)  # the lifespan does not run under schemathesis
    return schemathesis.openapi.from_asgi("/api/openapi.json", app)


# (path, method, examples per generation mode, takes input)
OPERATIONS = [
    ("/api/contact", "POST", 60, True),
    ("/api/dpa", "POST", 25, True),
    ("/api/dpa/options", "GET", 15, True),
    ("/api/health", "GET", 10, False),
    ("/api/config", "GET", 10, False),
    ("/api/subscriptions", "POST", 30, True),
    ("/api/subscriptions/confirm", "POST", 15, True),
    ("/api/subscriptions/unsubscribe", "POST", 15, True),
    ("/api/subscriptions/unsubscribe", "GET", 10, True),
]
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


# An operation without input has only its positive (and only) case.
RUNS = [
    (path, method, examples, mode)
    for path, method, examples, takes_input in OPERATIONS
    for mode in (list(GenerationMode) if takes_input else [GenerationMode.POSITIVE])
]


@pytest.mark.parametrize(
    ("path", "method", "examples", "mode"),
    RUNS,
    ids=[f"{m} {p} {g.value}" for p, m, _, g in RUNS],
)
def test_no_input_gives_a_server_error_and_responses_match_the_schema(
    api_schema: schemathesis.BaseSchema, path: str, method: str, examples: int, mode: GenerationMode
) -> None:
    operation = api_schema[path][method]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=examples,
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
    assert documented == {(path, method) for path, method, _, _ in OPERATIONS}
