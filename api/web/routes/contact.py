"""`POST /api/contact`: a privacy inquiry or the exercise of a GDPR right."""

from __future__ import annotations

from typing import Annotated

from anyio import to_thread
from fastapi import APIRouter, BackgroundTasks, Depends, Header, Request, Response

from api.captcha import CaptchaFailed, CaptchaUnavailable
from api.core.errors import RateLimited
from api.core.validation import canonical_email
from api.inquiries.schemas import ContactReceipt, ContactRequest
from api.web.deps import (
    CaptchaDep,
    CipherDep,
    ClientAddressDep,
    MessagesDep,
    RateLimiterDep,
    SettingsDep,
    StoreDep,
    rate_limit,
)
from api.web.errors import error_responses
from api.web.routes import API_PREFIX

router = APIRouter(prefix=API_PREFIX, tags=["contact"])

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=8,
        max_length=200,
        pattern=r"^[\x21-\x7e]+$",
        description="A random value per submission (e.g. a UUID): a retry with the same key "
        "and the same request returns the first answer and stores nothing new; the key reused "
        "with a different request gets 409.",
    ),
]


@router.post(
    "/contact",
    status_code=201,
    response_model=ContactReceipt,
    responses=error_responses(400, 409, 413, 415, 422, 429, 503),
    dependencies=[Depends(rate_limit("RATE_LIMIT_CONTACT", "contact-address"))],
)
async def create_inquiry(
    body: ContactRequest,
    request: Request,
    response: Response,
    background: BackgroundTasks,
    settings: SettingsDep,
    messages: MessagesDep,
    store: StoreDep,
    cipher: CipherDep,
    captcha: CaptchaDep,
    limiter: RateLimiterDep,
    address: ClientAddressDep,
    idempotency_key: IdempotencyKey = None,
) -> ContactReceipt:
    # The store and the mail load with the first inquiry, not at every cold start.
    from api.inquiries import service
    from api.mail.outbox import deliver_soon

    factory = store.session_factory

    def first_receipt() -> ContactReceipt | None:
        # Raises IdempotencyConflict when the key came with another request.
        if not idempotency_key:
            return None
        digest = service.request_digest(cipher, body)
        return service.find_by_idempotency_key(factory, messages, idempotency_key, digest)

    try:
        await captcha.verify(body.captcha_token, address)
    except (CaptchaFailed, CaptchaUnavailable):
        # A retry carries the token its first attempt used up, which the verifier refuses (or
        # the verifier is down): its key, not the captcha, makes it the same request. Looked
        # up only here, so a first submission costs no extra read.
        earlier = await to_thread.run_sync(first_receipt)
        if earlier is None:
            raise
        response.headers["Idempotent-Replayed"] = "true"
        return earlier

    def limit_and_submit() -> tuple[ContactReceipt, bool]:
        try:
            # One person however the address is written: `a+1@` and `A@` count as `a@`.
            limiter.hit(settings.RATE_LIMIT_CONTACT, "contact-email", canonical_email(body.email))
        except RateLimited:
            # A retry of a stored request is not one more request (a phone that changed
            # networks passes a fresh captcha and a new client address).
            earlier = first_receipt()
            if earlier is None:
                raise
            return earlier, False
        return service.submit(
            factory, cipher, settings, messages, body, idempotency_key=idempotency_key
        )

    result, created = await to_thread.run_sync(limit_and_submit)
    if not created:
        response.headers["Idempotent-Replayed"] = "true"
    elif request.app.state.mail_sender is not None:
        # Deliver now rather than at the next outbox round; failures stay queued.
        background.add_task(deliver_soon, request.app.state)
    return result
