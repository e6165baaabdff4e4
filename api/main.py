"""The `make run` / container entry point: the API under /api and the built site at /."""

from __future__ import annotations

import logging
from pathlib import Path

from api.core.files import checkout_root
from api.core.settings import settings_or_exit
from api.web.app import create_app, production_refusal
from api.web.site_server import mount_site

# An unsafe production configuration ends the process here, one line per setting.
settings = settings_or_exit()
logging.basicConfig(
    level=settings.LOG_LEVEL.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
)
if reason := production_refusal(settings):
    raise SystemExit(reason)  # the message, no traceback, exit status 1

app = create_app(settings)
site_dir = settings.SITE_DIR or (checkout_root() or Path.cwd()) / "site"
if site_dir.is_dir():
    # After the API routes, so /api/* never falls through to static files.
    mount_site(app, site_dir)
