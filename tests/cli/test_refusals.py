"""Production refuses what is unsafe before it serves anything, the way an operator meets it:
`trustcenter serve` (make run, containers) and `uvicorn api.main:app` in a fresh process. One
line per refusal, each naming its setting; no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from api.core.crypto import generate_key
from tests.support.site_build import PROJECT_ROOT

TRUSTCENTER = Path(sys.executable).parent / "trustcenter"
UNSAFE = {
    "TRUSTCENTER_ENV": "production",
    "TRUSTCENTER_DATABASE_URL": "sqlite:////srv/trustcenter.db",
    "TRUSTCENTER_DATA_KEYS": generate_key(),
    "TRUSTCENTER_HCAPTCHA_SITEKEY": "sitekey",
    "TRUSTCENTER_HCAPTCHA_SECRET": "0xsecret",
    "TRUSTCENTER_SMTP_URL": "smtp://mailer:smtp-pw@smtp.internal:587",
    "TRUSTCENTER_MAIL_FROM": "trustcenter@unoy.com",
    "TRUSTCENTER_PRIVACY_INBOX": "privacy@unoy.com",
    "TRUSTCENTER_RATE_LIMIT_STORAGE": "redis://cache.internal:6379/0",
    "TRUSTCENTER_PUBLIC_URL": "https://trust.unoy.com",
}


def start(command: list[str], settings: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`command` in a fresh process with `settings` as its only TRUSTCENTER_ variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRUSTCENTER_")} | settings
    return subprocess.run(
        command,
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    "command",
    [
        [str(TRUSTCENTER), "serve", "--port", "9"],
        [sys.executable, "-m", "uvicorn", "api.main:app", "--port", "9"],
    ],
    ids=["trustcenter serve", "uvicorn api.main:app"],
)
def test_an_unsafe_production_start_names_each_setting_once_without_a_traceback(
    command: list[str],
) -> None:
    result = start(command, UNSAFE)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    assert "refusing to start in production:" in output
    lines = [line for line in output.splitlines() if line.startswith("  - TRUSTCENTER_")]
    assert [line.split()[1] for line in lines] == [
        "TRUSTCENTER_DATABASE_URL",
        "TRUSTCENTER_SMTP_URL",
    ]
    assert "smtp-pw" not in output


def test_a_lost_development_key_refuses_the_server_in_one_sentence(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from api.core.settings import Settings
    from api.web.app import create_app
    from tests.support.app import valid_body

    var = tmp_path / "var"
    settings = Settings(VAR_DIR=var, OUTBOX_INTERVAL=0)
    with TestClient(create_app(settings)) as client:
        assert client.post("/api/contact", json=valid_body()).status_code == 201
    (var / "data.key").unlink()
    result = start(
        [str(TRUSTCENTER), "serve", "--port", "9"],
        {"TRUSTCENTER_VAR_DIR": str(var), "TRUSTCENTER_SITE_DIR": str(tmp_path)},
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Traceback" not in output
    refusals = [line for line in output.splitlines() if "TRUSTCENTER_DATA_KEYS" in line]
    assert len(refusals) == 1, output
    assert f"Restore {var / 'data.key'}" in refusals[0]
    assert not (var / "data.key").exists()
