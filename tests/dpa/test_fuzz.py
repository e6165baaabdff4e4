"""Arbitrary Unicode in every field of `POST /api/dpa`: either a valid document holding the
text exactly (after the documented trimming of surrounding whitespace and removal of
characters XML cannot carry), or a 4xx with a message a person can act on. Never a 500."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from api.core.validation import check_email
from api.db.dpa import DpaRecord
from api.dpa.sanitize import xml_safe
from tests.dpa.sample import all_text, dpa_body, open_docx
from tests.support.app import ClientFactory

FIELDS = [
    ("legal_name",),
    ("street",),
    ("postal_code",),
    ("city",),
    ("country",),
    ("register",),
    ("vat_id",),
    ("contact", "name"),
    ("contact", "position"),
    ("contact", "email"),
    ("contact", "phone"),
    ("dpo", "name"),
    ("dpo", "email"),
    ("signatory", "name"),
    ("signatory", "position"),
]

FREE_TEXT = [path for path in FIELDS if path[-1] not in ("email", "country")]

# Any code point, lone surrogates included, but mostly printable text so documents get made.
printable = st.text(st.characters(exclude_categories=["Cs", "Cc"]), min_size=1, max_size=20)
unicode_text = st.one_of(
    printable,
    printable,
    printable,
    st.text(st.characters(exclude_categories=["Cs"]), max_size=40),
    st.text(st.characters(codec=None), max_size=8),
)
# Each field keeps its valid value or gets arbitrary text; at least one field is changed.
# Most arbitrary text in an email or country field is refused, so the free-text fields are
# drawn on their own as well, to reach the renderer often.
free_text_changes = st.dictionaries(
    st.sampled_from(FREE_TEXT), unicode_text, min_size=1, max_size=4
)
changes = st.one_of(
    st.dictionaries(st.sampled_from(FIELDS), unicode_text, min_size=1, max_size=len(FIELDS)),
    free_text_changes,
    free_text_changes,
    free_text_changes,
)


@pytest.fixture(scope="module")
def client(make_client_module: ClientFactory) -> TestClient:
    return make_client_module()


@pytest.fixture(scope="module")
def make_client_module(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from api.core.crypto import generate_key
    from api.core.settings import Settings
    from api.web.app import create_app

    tmp = tmp_path_factory.mktemp("fuzz")
    settings_ = Settings(
        ENV="development",
        VAR_DIR=tmp / "var",
        DATABASE_URL=f"sqlite:///{tmp / 'fuzz.db'}",
        DATA_KEYS=generate_key(),
        RATE_LIMIT_DPA="100000/minute",
        OUTBOX_INTERVAL=0,
    )
    clients: list[TestClient] = []

    def make() -> TestClient:
        test_client = TestClient(create_app(settings_))
        test_client.__enter__()
        clients.append(test_client)
        return test_client

    yield make
    for test_client in clients:
        test_client.__exit__(None, None, None)


def _records(client: TestClient) -> int:
    with client.app.state.store.session_factory() as session:  # type: ignore[attr-defined]
        return session.scalar(select(func.count()).select_from(DpaRecord)) or 0


def _expected(path: tuple[str, ...], value: str) -> str | None:
    """What the document must show for an accepted value (None: nothing to look for)."""
    shown = xml_safe(value.strip())
    if path[-1] == "email":
        return check_email(value.strip())
    if path == ("country",) or not shown:
        return None
    return shown


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(changed=changes, lang=st.sampled_from(["de", "en"]))
def test_any_unicode_gives_the_literal_text_or_a_clear_4xx(
    client: TestClient, changed: dict[tuple[str, ...], str], lang: str
) -> None:
    body = copy.deepcopy(dpa_body(lang))
    for path, value in changed.items():
        target = body["customer"]
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value
    before = _records(client)
    # json.dumps escapes lone surrogates as \udXXX, which a JSON client may well send
    payload = json.dumps(body).encode("ascii")
    response = client.post(
        "/api/dpa", content=payload, headers={"content-type": "application/json"}
    )
    event(f"HTTP {response.status_code}")
    assert response.status_code < 500, response.text
    if response.status_code != 200:
        assert response.status_code in (400, 422)
        error = response.json()["error"]
        assert error["message"] and error["fields"]
        assert all(isinstance(m, str) and m for m in error["fields"].values())
        assert _records(client) == before
        return
    assert _records(client) == before + 1
    text = all_text(open_docx(response.content))
    for path, value in changed.items():
        expected = _expected(path, value)
        if expected is not None:
            assert expected in text, (path, value)
