"""`POST /api/contact`: a privacy inquiry or the exercise of a GDPR right."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Header, Request, Response

from api.deps import (
    CaptchaDep,
    CipherDep,
    ClientAddressDep,
    RateLimiterDep,
    SessionFactoryDep,
    SettingsDep,
)
from api.errors import ApiError, error_responses
from api.i18n import Localized
from api.inquiries import service
from api.inquiries.schemas import ContactReceipt, ContactRequest
from api.mail.outbox import deliver_soon
from api.ratelimit import rate_limit

router = APIRouter(tags=["contact"])

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=8,
        max_length=200,
        pattern=r"^[\x21-\x7e]+$",
        description="A random value per submission (e.g. a UUID): a retry with the same key "
        "returns the first answer and stores nothing new.",
    ),
]

HONEYPOT: dict[str, Localized] = {
    "website": {
        "de": "Bitte lassen Sie dieses Feld leer.",
        "en": "Please leave this field empty.",
    }
}


@router.post(
    "/contact",
    status_code=201,
    response_model=ContactReceipt,
    responses=error_responses(400, 413, 415, 422, 429, 503),
    dependencies=[Depends(rate_limit("RATE_LIMIT_CONTACT", "contact-address"))],
)
def create_inquiry(
    body: ContactRequest,
    request: Request,
    response: Response,
    background: BackgroundTasks,
    settings: SettingsDep,
    factory: SessionFactoryDep,
    cipher: CipherDep,
    captcha: CaptchaDep,
    limiter: RateLimiterDep,
    address: ClientAddressDep,
    idempotency_key: IdempotencyKey = None,
) -> ContactReceipt:
    request.state.lang = body.language
    if body.website:
        raise ApiError(422, "validation_error", fields=HONEYPOT)
    if idempotency_key:
        # Before the captcha: a retry carries the same, already used, captcha token.
        earlier = service.find_by_idempotency_key(factory, idempotency_key)
        if earlier is not None:
            response.headers["Idempotent-Replayed"] = "true"
            return earlier
    captcha.verify(body.captcha_token, address)
    limiter.hit(settings.RATE_LIMIT_CONTACT, "contact-email", body.email.casefold())
    result, created = service.submit(
        factory, cipher, settings, body, idempotency_key=idempotency_key
    )
    if not created:
        response.headers["Idempotent-Replayed"] = "true"
    elif request.app.state.mail_sender is not None:
        # Deliver now rather than at the next outbox round; failures stay queued.
        background.add_task(deliver_soon, request.app.state)
    return result
