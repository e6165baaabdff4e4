"""`GET /api/config`: what the browser forms need to know (captcha mode and sitekey, limits)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel

from api.core.validation import NAME_MAX
from api.inquiries.schemas import MESSAGE_MAX
from api.web.deps import SettingsDep
from api.web.routes import API_PREFIX

router = APIRouter(prefix=API_PREFIX, tags=["config"])


class CaptchaConfig(BaseModel):
    mode: Literal["hcaptcha", "development"]
    sitekey: str | None


class FormConfig(BaseModel):
    captcha: CaptchaConfig
    message_max_length: int
    name_max_length: int


@router.get("/config", response_model=FormConfig)
def form_config(settings: SettingsDep) -> FormConfig:
    mode = settings.captcha_mode
    return FormConfig(
        captcha=CaptchaConfig(
            mode=mode, sitekey=settings.HCAPTCHA_SITEKEY if mode == "hcaptcha" else None
        ),
        message_max_length=MESSAGE_MAX,
        name_max_length=NAME_MAX,
    )
