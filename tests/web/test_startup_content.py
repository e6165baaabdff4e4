"""A production API refuses to start while a DPA would show an example value of data/: one
clear message naming every dotted path, no traceback, in each entry point (the container's
`api.main`, `trustcenter serve`, the Lambda handler). Complete content starts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app as cli
from api.content import get_content
from api.content.completeness import examples_for, readable
from api.core.crypto import generate_key
from api.core.settings import get_settings
from tests.support.content import complete_data
from tests.support.site_build import PROJECT_ROOT

REFUSAL = "refusing to start in production: a DPA would carry example values"


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """Every setting production requires, none of them reached at import time."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRUSTCENTER_")}
    return env | {
        "TRUSTCENTER_ENV": "production",
        "TRUSTCENTER_DATABASE_URL": "postgresql+psycopg://app:pw@127.0.0.1:1/none",
        "TRUSTCENTER_DATA_KEYS": generate_key(),
        "TRUSTCENTER_HCAPTCHA_SITEKEY": "10000000-ffff-ffff-ffff-000000000001",
        "TRUSTCENTER_HCAPTCHA_SECRET": "0x" + "1" * 40,
        "TRUSTCENTER_SMTP_URL": "smtp+starttls://mailer:pw@127.0.0.1:1",
        "TRUSTCENTER_MAIL_FROM": "trustcenter@unoy.example",
        "TRUSTCENTER_PRIVACY_INBOX": "privacy@unoy.example",
        "TRUSTCENTER_RATE_LIMIT_STORAGE": "redis://127.0.0.1:1/0",
        "TRUSTCENTER_PUBLIC_URL": "https://trust.unoy.example",
        "TRUSTCENTER_VAR_DIR": str(tmp_path / "var"),
        "TRUSTCENTER_OUTBOX_INTERVAL": "0",
        **extra,
    }


def start(module: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", f"import {module}"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("module", ["api.main", "api.lambda_handler"])
def test_production_refuses_to_start_with_example_values(module: str, tmp_path: Path) -> None:
    result = start(module, production_env(tmp_path))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(REFUSAL)
    content = get_content()
    for example in examples_for(content, "dpa"):
        assert f"  {readable(example, content)}: still an example value" in result.stderr
    assert "company.yml: phone" not in result.stderr  # no DPA shows it


def test_production_starts_once_the_content_is_complete(tmp_path: Path) -> None:
    env = production_env(tmp_path, TRUSTCENTER_DATA_DIR=str(complete_data(tmp_path)))
    result = start("api.main", env)
    assert result.returncode == 0, result.stderr


def test_trustcenter_serve_refuses_before_binding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in production_env(tmp_path).items():
        if name.startswith("TRUSTCENTER_"):
            monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    monkeypatch.setattr("uvicorn.run", lambda *a, **k: pytest.fail("the server was started"))
    try:
        result = CliRunner().invoke(cli, ["serve", "--port", "1"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1
    assert REFUSAL in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_development_starts_with_example_values(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRUSTCENTER_")}
    env |= {"TRUSTCENTER_VAR_DIR": str(tmp_path), "TRUSTCENTER_DATA_KEYS": generate_key()}
    assert start("api.main", env).returncode == 0
