"""What `POST /api/subscriptions`, `/confirm` and `/unsubscribe` accept and answer."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from api.core.i18n import Lang
from api.core.validation import CaptchaToken, Email, Honeypot, StrictModel

# Tokens are 43 characters (32 random bytes, URL-safe base64); anything else is simply unknown.
TOKEN_MAX = 200

Token = Annotated[
    str,
    Field(
        min_length=1,
        max_length=TOKEN_MAX,
        description="The token of the link in the mail (after `#token=`).",
    ),
]


class SubscribeRequest(StrictModel):
    email: Email
    language: Annotated[Lang, Field(description="The language of the mails.")]
    captcha_token: CaptchaToken = None
    website: Honeypot = None


class SubscribeAccepted(BaseModel):
    """The same answer for a new and a known address: nobody learns who subscribed."""

    status: Literal["accepted"] = "accepted"


class ConfirmRequest(StrictModel):
    token: Token


class SubscriptionStatus(BaseModel):
    status: Literal["confirmed", "unsubscribed"]
