"""Subscriptions to subprocessor changes: `POST /api/subscriptions` (double opt-in),
`/api/subscriptions/confirm` and `/api/subscriptions/unsubscribe` (RFC 8058 one-click).

Opening a link never changes anything: the confirmation link leads to a page with a button, and
a GET of the one-click URL (a mail program that opens it instead of posting) is sent on to the
unsubscribe page. Only a POST confirms or unsubscribes.
"""

from __future__ import annotations

from typing import Annotated

from anyio import to_thread
from fastapi import APIRouter, BackgroundTasks, Depends, Query, Request
from fastapi.responses import RedirectResponse

from api.core.i18n import language_prefix
from api.subscriptions.schemas import (
    TOKEN_MAX,
    ConfirmRequest,
    SubscribeAccepted,
    SubscribeRequest,
    SubscriptionStatus,
)
from api.web.deps import (
    CaptchaDep,
    CipherDep,
    ClientAddressDep,
    ContentDep,
    LangDep,
    RateLimiterDep,
    SettingsDep,
    StoreDep,
    rate_limit,
)
from api.web.errors import error_responses
from api.web.routes import API_PREFIX

router = APIRouter(prefix=API_PREFIX, tags=["subscriptions"])

TokenQuery = Annotated[
    str,
    Query(
        min_length=1,
        max_length=TOKEN_MAX,
        description="The token of the List-Unsubscribe URL of a notice.",
    ),
]


@router.post(
    "/subscriptions",
    status_code=202,
    response_model=SubscribeAccepted,
    responses=error_responses(400, 413, 415, 422, 429, 503),
    dependencies=[Depends(rate_limit("RATE_LIMIT_SUBSCRIBE", "subscribe-address"))],
)
async def subscribe(
    body: SubscribeRequest,
    request: Request,
    background: BackgroundTasks,
    settings: SettingsDep,
    content: ContentDep,
    store: StoreDep,
    cipher: CipherDep,
    captcha: CaptchaDep,
    limiter: RateLimiterDep,
    address: ClientAddressDep,
) -> SubscribeAccepted:
    """Subscribe an address: a confirmation link goes to it (at most one mail an hour). The
    answer is the same for an address that is new, waiting or already subscribed."""
    from api.mail.outbox import deliver_soon
    from api.subscriptions import service
    from api.subscriptions.address import canonical

    await captcha.verify(body.captcha_token, address)

    def limit_and_subscribe() -> service.Requested:
        limiter.hit(settings.RATE_LIMIT_SUBSCRIBE, "subscribe-email", canonical(body.email))
        return service.subscribe(store.session_factory, cipher, settings, content, body)

    outcome = await to_thread.run_sync(limit_and_subscribe)
    if outcome.mailed and request.app.state.mail_sender is not None:
        background.add_task(deliver_soon, request.app.state)
    return SubscribeAccepted()


@router.post(
    "/subscriptions/confirm",
    response_model=SubscriptionStatus,
    responses=error_responses(400, 404, 410, 413, 415, 422, 503),
)
async def confirm(body: ConfirmRequest, store: StoreDep) -> SubscriptionStatus:
    """Confirm a subscription with the token of its confirmation link (404 unknown, 410
    expired). Confirming again changes nothing."""
    from api.subscriptions import service

    await to_thread.run_sync(service.confirm, store.session_factory, body.token)
    return SubscriptionStatus(status="confirmed")


@router.post(
    "/subscriptions/unsubscribe",
    response_model=SubscriptionStatus,
    responses=error_responses(404, 413, 422, 503),
)
async def unsubscribe(token: TokenQuery, store: StoreDep) -> SubscriptionStatus:
    """RFC 8058 one-click unsubscribe: the URL of a notice's List-Unsubscribe header, posted
    with the body `List-Unsubscribe=One-Click` (form-encoded or multipart; the token decides,
    so the body is not read). The unsubscribe page posts the same. Again is fine."""
    from api.subscriptions import service

    await to_thread.run_sync(service.unsubscribe, store.session_factory, token)
    return SubscriptionStatus(status="unsubscribed")


@router.get(
    "/subscriptions/unsubscribe",
    status_code=303,
    response_class=RedirectResponse,
    responses={303: {"description": "To the site's unsubscribe page, which asks to confirm."}},
)
async def unsubscribe_page(
    token: TokenQuery, lang: LangDep, settings: SettingsDep
) -> RedirectResponse:
    """A mail program that opens the one-click URL instead of posting to it gets the
    unsubscribe page (in the reader's language), which unsubscribes with a button."""
    from urllib.parse import quote

    from api.subscriptions.mails import UNSUBSCRIBE_PAGE

    page = f"{settings.PUBLIC_URL}/{language_prefix(lang)}{UNSUBSCRIBE_PAGE}"
    target = f"{page}#token={quote(token, safe='')}"
    return RedirectResponse(target, status_code=303)
