"""The `make run` / container entry point: the API under /api and the built site at /."""

from __future__ import annotations

import logging
from pathlib import Path

from api.app import create_app
from api.settings import get_settings
from api.site_server import mount_site

logging.basicConfig(
    level=get_settings().LOG_LEVEL.upper(),
    format="%(asctime)s %(levelname)s %(name)s: %(message)s",
)

DEFAULT_SITE_DIR = Path(__file__).resolve().parent.parent / "site"

app = create_app()
site_dir = get_settings().SITE_DIR or DEFAULT_SITE_DIR
if site_dir.is_dir():
    # After the API routes, so /api/* never falls through to static files.
    mount_site(app, site_dir)
