"""AWS Lambda entry point (eu-central-1): `api.lambda_handler.handler`.

HTTP events (API Gateway / function URL) go to the app through Mangum. A scheduled
EventBridge event (`{"source": "aws.events"}`, e.g. every 5 minutes) drains the mail outbox,
because a frozen Lambda runs no background loop, and then (unless NOTIFY_ON_SCHEDULE is off)
does what `trustcenter notify` does: subscribers hear of a change once its data is deployed
(with it off, it still applies the subscriptions' retention rules).
Run `trustcenter migrate` when deploying: Lambda starts with MIGRATE_ON_START ignored (lifespan
off). In production the function refuses to start while a DPA would show an example value of
data/ (`trustcenter dpa check` lists them).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from mangum import Mangum

from api.core.settings import settings_or_exit
from api.web.app import create_app, production_refusal

logging.getLogger().setLevel(logging.INFO)

# An unsafe production configuration or unready content ends the init: Lambda logs the
# message (no traceback) and reports the init as failed.
settings = settings_or_exit()
if reason := production_refusal(settings):
    raise SystemExit(reason)
app = create_app(settings)
# Lifespan off: Mangum would run start-up and shut-down around every invocation.
_asgi = Mangum(app, lifespan="off", api_gateway_base_path="/")


def handler(event: dict[str, Any], context: Any) -> Any:
    if event.get("source") == "aws.events":
        return asyncio.run(_scheduled())
    return _asgi(event, context)


async def _scheduled() -> dict[str, Any]:
    from api.mail.outbox import drain_state

    result = await drain_state(app.state)
    done: dict[str, Any] = {
        "sent": len(result.sent),
        "failed": len(result.failed),
        "kept": result.kept,
    }
    from api.subscriptions.notify import notify, retention

    state = app.state
    if not state.settings.NOTIFY_ON_SCHEDULE:
        await asyncio.to_thread(retention, state.store.session_factory)
        return done
    from api.web.deps import app_content

    report = await notify(
        state.store.session_factory,
        state.cipher,
        state.settings,
        app_content(app),
        state.mail_sender,
    )
    done["notices"] = {"queued": report.queued, "sent": report.sent, "waiting": report.pending}
    return done
