"""What `POST /api/contact` accepts and answers."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, Field

from api.core.i18n import Lang
from api.core.validation import (
    Accepted,
    BlankToNone,
    CaptchaToken,
    Email,
    Honeypot,
    MultiLine,
    PersonName,
    SingleLine,
    StrictModel,
)

COMPANY_MAX = 200
MESSAGE_MAX = 5000


# A new type needs its label in data/messages.yml (`inquiry.request_type.<value>`); the form,
# the mails and the API take it from there.
class RequestType(StrEnum):
    access = "access"
    rectification = "rectification"
    erasure = "erasure"
    restriction = "restriction"
    portability = "portability"
    objection = "objection"
    withdraw_consent = "withdraw_consent"
    subprocessor_objection = "subprocessor_objection"
    complaint = "complaint"
    question = "question"


# Labels in data/messages.yml (`inquiry.requester_role.<value>`).
class RequesterRole(StrEnum):
    customer = "customer"
    customer_data_subject = "customer_data_subject"
    prospect = "prospect"
    other = "other"


class ContactRequest(StrictModel):
    request_type: RequestType
    requester_role: RequesterRole
    name: PersonName
    email: Email
    company: Annotated[Annotated[SingleLine, Field(max_length=COMPANY_MAX)] | None, BlankToNone] = (
        None
    )
    message: Annotated[MultiLine, Field(max_length=MESSAGE_MAX)]
    language: Lang
    privacy_notice_accepted: Annotated[
        Accepted, Field(description="Must be true: the person has read the privacy notice.")
    ]
    captcha_token: CaptchaToken = None
    website: Honeypot = None


class ContactReceipt(BaseModel):
    reference: str = Field(examples=["PRV-2026-7KQ3ZC"])
    received_at: datetime
    due_by: date = Field(description="Answer due by this day (Art. 12(3) GDPR: one month).")
    notice: str | None = Field(
        default=None,
        description="For customer_data_subject: UNOY is the processor and forwards the request.",
    )
