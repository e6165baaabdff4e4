"""The API fixtures (app on a temporary SQLite) for the DPA tests that go through the endpoint."""

from tests.api.conftest import make_client, make_settings, sqlite_url

__all__ = ["make_client", "make_settings", "sqlite_url"]
