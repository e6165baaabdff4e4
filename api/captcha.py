"""hCaptcha, verified server-side against siteverify. Fails closed: an unreachable, slow or
confused verifier means CaptchaUnavailable (nothing is stored), a bad token CaptchaFailed.

The check is asynchronous, so a slow verifier holds no worker thread: `await
captcha.verify(token, address)`.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
from typing import TYPE_CHECKING, Literal

from api.core.errors import DomainError
from api.core.settings import Settings

if TYPE_CHECKING:
    import httpx2

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


class CaptchaFailed(DomainError):
    """The person's token is missing, wrong, expired or from another site: solve it again."""

    code = "captcha_failed"

    def __init__(self, detail: str = "captcha not solved") -> None:
        super().__init__(detail, fields={"captcha_token": "captcha"})


class CaptchaUnavailable(DomainError):
    """The verifier cannot say (unreachable, slow, or our set-up is wrong)."""

    code = "captcha_unavailable"
    retry_after = 60


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


class CaptchaVerifier:
    def __init__(self, settings: Settings, client: httpx2.AsyncClient | None = None) -> None:
        self.mode: CaptchaMode = settings.captcha_mode
        self.sitekey = settings.HCAPTCHA_SITEKEY
        self._secret = settings.HCAPTCHA_SECRET
        self._url = settings.HCAPTCHA_VERIFY_URL
        self._timeout = settings.HCAPTCHA_TIMEOUT
        self._hostnames = frozenset(h.lower() for h in settings.captcha_hostnames)
        self._client = client
        self._loop: asyncio.AbstractEventLoop | None = None

    def _http(self) -> httpx2.AsyncClient:
        # One client (and its connection pool) per event loop: Mangum may run each Lambda
        # invocation in a new loop, and a pool cannot move between loops.
        import httpx2

        loop = asyncio.get_running_loop()
        if self._client is None or self._loop is not loop:
            self._client = httpx2.AsyncClient(
                timeout=httpx2.Timeout(self._timeout), follow_redirects=False
            )
            self._loop = loop
        return self._client

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def verify(self, token: str | None, remote_ip: str | None = None) -> None:
        """Return if the token is good; raise CaptchaFailed or CaptchaUnavailable."""
        import httpx2

        if self.mode == "development":
            return
        if not token:
            raise CaptchaFailed("no token")
        data = {
            "secret": self._secret.get_secret_value(),
            "response": token,
            "sitekey": self.sitekey,
        }
        if remote_ip and _is_ip(remote_ip):
            data["remoteip"] = remote_ip
        try:
            response = await self._http().post(self._url, data=data)
        except httpx2.TimeoutException:
            logger.error("captcha verifier timed out")
            raise CaptchaUnavailable("timeout") from None
        except httpx2.HTTPError as exc:
            logger.error("captcha verifier unreachable (%s)", type(exc).__name__)
            raise CaptchaUnavailable("unreachable") from None
        if response.status_code != 200:
            logger.error("captcha verifier answered HTTP %d", response.status_code)
            raise CaptchaUnavailable("bad status")
        try:
            result = response.json()
        except ValueError:
            logger.error("captcha verifier answered with something other than JSON")
            raise CaptchaUnavailable("not JSON") from None
        if not isinstance(result, dict):
            raise CaptchaUnavailable("not an object")
        codes = result.get("error-codes") or []
        codes = [str(code) for code in codes] if isinstance(codes, list) else [str(codes)]
        if result.get("success") is not True:
            if codes and not set(codes) <= CLIENT_CODES:
                # Our secret, sitekey or request is wrong: the person cannot fix that.
                logger.error("captcha verifier rejected our request: %s", ",".join(codes))
                raise CaptchaUnavailable("rejected our request")
            logger.info("captcha rejected: %s", ",".join(codes) or "no code")
            raise CaptchaFailed("rejected")
        hostname = str(result.get("hostname") or "").lower()
        if self._hostnames and hostname not in self._hostnames:
            logger.warning("captcha solved on an unexpected hostname")
            raise CaptchaFailed("unexpected hostname")
