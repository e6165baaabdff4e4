"""Rate limits per client address and per email, in memory and in Redis; whom to believe
about the client address."""

from __future__ import annotations

import threading
import uuid

import pytest

from api.core.crypto import generate_key
from api.ratelimit import STORAGE_TIMEOUT_SECONDS, RateLimiter
from api.web.client_address import resolve
from tests.support.app import ClientFactory, count, valid_body
from tests.support.blackhole import Blackhole, finishes_within
from tests.support.services import redis_url

KEY = generate_key()  # both apps must derive the same rate-limit keys


def test_the_address_limit_answers_429_with_retry_after(make_client: ClientFactory) -> None:
    client = make_client(RATE_LIMIT_CONTACT="3/minute")
    for index in range(3):
        body = valid_body(email=f"p{index}@example.com")
        assert client.post("/api/contact", json=body).status_code == 201
    response = client.post("/api/contact", json=valid_body(email="p9@example.com", language="en"))
    assert response.status_code == 429
    retry_after = int(response.headers["retry-after"])
    assert 1 <= retry_after <= 60
    error = response.json()["error"]
    assert error["code"] == "rate_limited"
    assert f"try again in {retry_after} seconds" in error["message"]
    assert count(client.app) == (3, 6)


def test_another_address_is_not_limited(make_client: ClientFactory) -> None:
    settings_kwargs = {"RATE_LIMIT_CONTACT": "1/minute", "TRUSTED_PROXIES": "10.0.0.1"}
    client = make_client(peer=("10.0.0.1", 1234), **settings_kwargs)
    first = {"X-Forwarded-For": "198.51.100.1"}
    second = {"X-Forwarded-For": "198.51.100.2"}
    assert (
        client.post(
            "/api/contact", json=valid_body(email="a@example.com"), headers=first
        ).status_code
        == 201
    )
    assert (
        client.post(
            "/api/contact", json=valid_body(email="b@example.com"), headers=first
        ).status_code
        == 429
    )
    assert (
        client.post(
            "/api/contact", json=valid_body(email="c@example.com"), headers=second
        ).status_code
        == 201
    )


def test_the_email_limit_applies_across_addresses(make_client: ClientFactory) -> None:
    client = make_client(
        peer=("10.0.0.1", 1234), RATE_LIMIT_CONTACT="2/minute", TRUSTED_PROXIES="10.0.0.0/8"
    )
    codes = [
        client.post(
            "/api/contact",
            json=valid_body(email="Same.Person@Example.com"),
            headers={"X-Forwarded-For": f"198.51.100.{index}"},
        ).status_code
        for index in range(3)
    ]
    assert codes == [201, 201, 429]


def test_a_retry_from_another_address_at_the_email_limit_gets_its_receipt(
    make_client: ClientFactory,
) -> None:
    """A phone that changed networks retries its request: the same request, not a new one."""
    client = make_client(
        peer=("10.0.0.1", 1234), RATE_LIMIT_CONTACT="1/minute", TRUSTED_PROXIES="10.0.0.0/8"
    )
    key = {"Idempotency-Key": "moved-networks-retry-001"}
    first = client.post(
        "/api/contact", json=valid_body(), headers={**key, "X-Forwarded-For": "198.51.100.1"}
    )
    again = client.post(
        "/api/contact", json=valid_body(), headers={**key, "X-Forwarded-For": "198.51.100.2"}
    )
    assert first.status_code == again.status_code == 201, again.text
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    # A new request from that address for the same person is over the limit.
    new = client.post(
        "/api/contact",
        json=valid_body(),
        headers={"Idempotency-Key": "moved-networks-new-0001", "X-Forwarded-For": "198.51.100.3"},
    )
    assert new.status_code == 429
    assert count(client.app) == (1, 2)


def test_an_untrusted_peer_cannot_spoof_its_address(make_client: ClientFactory) -> None:
    client = make_client(peer=("203.0.113.50", 1234), RATE_LIMIT_CONTACT="1/minute")
    spoofs = [{"X-Forwarded-For": f"198.51.100.{index}"} for index in range(2)]
    codes = [
        client.post(
            "/api/contact", json=valid_body(email=f"x{index}@example.com"), headers=headers
        ).status_code
        for index, headers in enumerate(spoofs)
    ]
    assert codes == [201, 429]


def test_a_proxy_header_is_believed_only_from_a_trusted_proxy(
    make_client: ClientFactory,
) -> None:
    settings = {
        "RATE_LIMIT_CONTACT": "1/minute",
        "TRUSTED_PROXIES": "0.0.0.0/0,::/0",
        "CLIENT_ADDRESS_HEADER": "X-Nf-Client-Connection-Ip",
    }
    client = make_client(peer=("203.0.113.1", 1), **settings)

    def send(address: str, email: str) -> int:
        headers = {"X-Nf-Client-Connection-Ip": address, "X-Forwarded-For": "6.6.6.6"}
        response = client.post("/api/contact", json=valid_body(email=email), headers=headers)
        return int(response.status_code)

    assert send("198.51.100.1", "a@example.com") == 201
    assert send("198.51.100.1", "b@example.com") == 429
    assert send("198.51.100.2", "c@example.com") == 201
    untrusted = make_client(
        peer=("203.0.113.1", 1), **{**settings, "TRUSTED_PROXIES": "10.0.0.0/8"}
    )
    codes = [
        untrusted.post(
            "/api/contact",
            json=valid_body(email=f"u{i}@example.com"),
            headers={"X-Nf-Client-Connection-Ip": f"198.51.100.{i}"},
        ).status_code
        for i in range(2)
    ]
    assert codes == [201, 429]  # the header from an untrusted peer changes nothing


@pytest.mark.parametrize(
    ("peer", "forwarded", "trusted", "expected"),
    [
        ("203.0.113.9", None, [], "203.0.113.9"),
        ("203.0.113.9", "198.51.100.1", [], "203.0.113.9"),  # nobody trusted
        ("203.0.113.9", "198.51.100.1", ["10.0.0.0/8"], "203.0.113.9"),  # peer untrusted
        ("10.0.0.2", "198.51.100.1", ["10.0.0.0/8"], "198.51.100.1"),
        ("10.0.0.2", "6.6.6.6, 198.51.100.1, 10.0.0.3", ["10.0.0.0/8"], "198.51.100.1"),
        ("10.0.0.2", "garbage", ["10.0.0.0/8"], "10.0.0.2"),
        ("10.0.0.2", "[2001:db8::1]:443", ["10.0.0.0/8"], "2001:db8::1"),
        ("::1", "2001:db8::7", ["::1"], "2001:db8::7"),
    ],
)
def test_client_address_resolution(
    peer: str, forwarded: str | None, trusted: list[str], expected: str
) -> None:
    assert resolve(peer, forwarded, trusted) == expected


@pytest.mark.redis
def test_limits_are_shared_through_redis(make_client: ClientFactory) -> None:
    settings = {"RATE_LIMIT_STORAGE": redis_url(), "RATE_LIMIT_CONTACT": "2/minute"}
    # Fresh keys: other test runs (and workers) share the Redis database.
    unique = uuid.uuid4().int
    peer = (f"198.18.{unique % 256}.{unique // 256 % 256}", 1)
    one = make_client(peer=peer, DATA_KEYS=KEY, **settings)
    two = make_client(peer=peer, DATA_KEYS=KEY, **settings)
    email = f"{uuid.uuid4().hex}@example.com"
    assert one.post("/api/contact", json=valid_body(email=email)).status_code == 201
    assert two.post("/api/contact", json=valid_body(email=email)).status_code == 201
    # The third, through either app, is over the shared limit.
    assert one.post("/api/contact", json=valid_body(email=email)).status_code == 429


def test_a_silent_redis_does_not_hang_requests() -> None:
    """A Redis that accepts and never answers: the limiter gives up after its timeout and
    lets the request through (logged), rather than holding it forever."""
    with Blackhole() as silent:
        limiter = RateLimiter(f"redis://127.0.0.1:{silent.port}/0", lambda value: value)
        outcome: list[str] = []

        def hit() -> None:
            limiter.hit("5/minute", "contact-address", "198.51.100.1")
            outcome.append("let through")

        assert finishes_within(STORAGE_TIMEOUT_SECONDS * 4 + 5, threading.Thread(target=hit))
    assert outcome == ["let through"]


def test_plus_addressing_and_case_do_not_walk_around_the_email_limit(
    make_client: ClientFactory,
) -> None:
    """The per-address limit counts the canonical address: a+1@, A+2@ and a@ are one person."""
    client = make_client(
        peer=("10.0.0.1", 1234), RATE_LIMIT_CONTACT="2/minute", TRUSTED_PROXIES="10.0.0.0/8"
    )
    codes = [
        client.post(
            "/api/contact",
            json=valid_body(email=email),
            headers={"X-Forwarded-For": f"198.51.100.{index}"},
        ).status_code
        for index, email in enumerate(
            ["walker+1@example.com", "Walker+2@example.com", "walker@EXAMPLE.com"]
        )
    ]
    assert codes == [201, 201, 429]
    assert count(client.app) == (2, 4)
