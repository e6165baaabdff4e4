"""The web layer: the only package that imports FastAPI and Starlette. It builds the app
(`create_app`), maps domain errors to HTTP responses, and serves the built site locally."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from api.web.app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> object:
    # `from api.web import create_app` without importing every router when the package is.
    if name == "create_app":
        from api.web.app import create_app

        return create_app
    raise AttributeError(name)
