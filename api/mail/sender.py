"""Delivers one message over SMTP with aiosmtplib, and says exactly what it handed over.

The relay's capabilities decide the form of the addresses (api/mail/addresses.py): IDNA
domains always, a non-ASCII local part only with SMTPUTF8. The message is then serialized once,
and those bytes are what the SMTP server receives (DATA): `send` returns their SHA-256, the
outbox keeps it with the Message-ID as proof of what was sent. A mail no retry can deliver
raises `api.mail.addresses.Undeliverable` (the outbox marks it failed with the reason instead
of retrying).

SMTP_URL forms: `smtp://user:pass@host:587` (STARTTLS when the server offers it; development
only), `smtp+starttls://…` (STARTTLS required), `smtps://…:465` (implicit TLS).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from api.core.settings import Settings

SCHEMES = {
    "smtp": (587, None, False),
    "smtp+starttls": (587, True, False),
    "smtps": (465, False, True),
}


@dataclass(frozen=True)
class SmtpSender:
    hostname: str
    port: int
    username: str | None
    # Out of repr(): the sender sits on app.state, where a debugger or a log line may show it.
    password: str | None = field(repr=False)
    start_tls: bool | None
    use_tls: bool
    timeout: float

    async def send(self, message: EmailMessage) -> str:
        """Hand `message` to the server; the SHA-256 (hex) of the bytes sent."""
        # On the first mail, not at every cold start (email.policy alone is ~25 ms).
        from email import policy

        import aiosmtplib

        from api.mail.addresses import addr_specs, for_relay

        client = aiosmtplib.SMTP(
            hostname=self.hostname,
            port=self.port,
            username=self.username,
            password=self.password,
            start_tls=self.start_tls,
            use_tls=self.use_tls,
            timeout=self.timeout,
        )
        async with client:  # connected, TLS, logged in: the relay's extensions are known
            prepared, utf8 = for_relay(message, smtputf8=client.supports_extension("smtputf8"))
            sender = addr_specs(prepared, "Sender", "From")[0]
            recipients = addr_specs(prepared, "To", "Cc", "Bcc")
            del prepared["Bcc"]
            data = prepared.as_bytes(policy=policy.SMTPUTF8 if utf8 else policy.SMTP)
            await client.sendmail(
                sender, recipients, data, mail_options=["SMTPUTF8"] if utf8 else None
            )
        return hashlib.sha256(data).hexdigest()


def parse_smtp_url(url: str, timeout: float = 10.0) -> SmtpSender:
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES or not parts.hostname:
        raise ValueError("SMTP_URL must look like smtp://host:port, smtp+starttls:// or smtps://")
    default_port, start_tls, use_tls = SCHEMES[parts.scheme]
    return SmtpSender(
        hostname=parts.hostname,
        port=parts.port or default_port,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        start_tls=start_tls,
        use_tls=use_tls,
        timeout=timeout,
    )


def sender_from_settings(settings: Settings) -> SmtpSender | None:
    """None when no SMTP_URL is configured: mail then stays in the outbox."""
    url = settings.SMTP_URL.get_secret_value()
    return parse_smtp_url(url, settings.SMTP_TIMEOUT) if url else None
