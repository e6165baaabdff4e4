"""hCaptcha, verified server-side against siteverify with httpx. Fails closed: an unreachable,
slow or confused verifier means 503 and nothing is stored.

Routes use it as `captcha: CaptchaDep` then `captcha.verify(body.captcha_token, address)`.
"""

from __future__ import annotations

import ipaddress
import logging
from typing import Literal

import httpx

from api.errors import ApiError
from api.settings import Settings

logger = logging.getLogger(__name__)

# Codes that mean the person's token is bad (solve again) rather than our set-up being wrong.
CLIENT_CODES = frozenset(
    {
        "missing-input-response",
        "invalid-input-response",
        "invalid-or-already-seen-response",
        "expired-input-response",
        "already-seen-response",
        "not-using-dummy-passcode",
    }
)

CaptchaMode = Literal["hcaptcha", "development"]


def _failed() -> ApiError:
    return ApiError(
        400,
        "captcha_failed",
        fields={
            "captcha_token": {
                "de": "Bitte lösen Sie das Captcha (erneut).",
                "en": "Please solve the captcha (again).",
            }
        },
    )


def _unavailable() -> ApiError:
    return ApiError(503, "captcha_unavailable", headers={"Retry-After": "60"})


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


class CaptchaVerifier:
    def __init__(self, settings: Settings, client: httpx.Client | None = None) -> None:
        self.mode: CaptchaMode = settings.captcha_mode
        self.sitekey = settings.HCAPTCHA_SITEKEY
        self._secret = settings.HCAPTCHA_SECRET
        self._url = settings.HCAPTCHA_VERIFY_URL
        self._hostnames = frozenset(h.lower() for h in settings.captcha_hostnames)
        self._client = client or httpx.Client(
            timeout=httpx.Timeout(settings.HCAPTCHA_TIMEOUT), follow_redirects=False
        )

    def close(self) -> None:
        self._client.close()

    def verify(self, token: str | None, remote_ip: str | None = None) -> None:
        """Return if the token is good; raise ApiError 400 (bad token) or 503 (verifier)."""
        if self.mode == "development":
            return
        if not token:
            raise _failed()
        data = {
            "secret": self._secret.get_secret_value(),
            "response": token,
            "sitekey": self.sitekey,
        }
        if remote_ip and _is_ip(remote_ip):
            data["remoteip"] = remote_ip
        try:
            response = self._client.post(self._url, data=data)
        except httpx.TimeoutException:
            logger.error("captcha verifier timed out")
            raise _unavailable() from None
        except httpx.HTTPError as exc:
            logger.error("captcha verifier unreachable (%s)", type(exc).__name__)
            raise _unavailable() from None
        if response.status_code != 200:
            logger.error("captcha verifier answered HTTP %d", response.status_code)
            raise _unavailable()
        try:
            result = response.json()
        except ValueError:
            logger.error("captcha verifier answered with something other than JSON")
            raise _unavailable() from None
        if not isinstance(result, dict):
            raise _unavailable()
        codes = result.get("error-codes") or []
        codes = [str(code) for code in codes] if isinstance(codes, list) else [str(codes)]
        if result.get("success") is not True:
            if codes and not set(codes) <= CLIENT_CODES:
                # Our secret, sitekey or request is wrong: the person cannot fix that.
                logger.error("captcha verifier rejected our request: %s", ",".join(codes))
                raise _unavailable()
            logger.info("captcha rejected: %s", ",".join(codes) or "no code")
            raise _failed()
        hostname = str(result.get("hostname") or "").lower()
        if self._hostnames and hostname not in self._hostnames:
            logger.warning("captcha solved on an unexpected hostname")
            raise _failed()
