"""AWS Lambda entry point (eu-central-1): `api.lambda_handler.handler`.

HTTP events (API Gateway / function URL) go to the app through Mangum. A scheduled
EventBridge event (`{"source": "aws.events"}`, e.g. every 5 minutes) drains the mail outbox,
because a frozen Lambda runs no background loop. Run `trustcenter migrate` when deploying:
Lambda starts with MIGRATE_ON_START ignored (lifespan off).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from mangum import Mangum

from api.core.settings import settings_or_exit
from api.web.app import create_app

logging.getLogger().setLevel(logging.INFO)

app = create_app(settings_or_exit())
# Lifespan off: Mangum would run start-up and shut-down around every invocation.
_asgi = Mangum(app, lifespan="off", api_gateway_base_path="/")


def handler(event: dict[str, Any], context: Any) -> Any:
    if event.get("source") == "aws.events":
        from api.mail.outbox import drain_state

        result = asyncio.run(drain_state(app.state))
        return {"sent": len(result.sent), "failed": len(result.failed), "kept": result.kept}
    return _asgi(event, context)
