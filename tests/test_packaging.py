"""The two installable halves, proven from fresh environments: the wheel carries the content, the
Lambda recipe (`pip install '.[api]' -t build/`) serves a DPA from an empty directory, and the
static site builds with the `[site]` extra alone, no web framework installed."""

from __future__ import annotations

import base64
import io
import json
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from api.core.crypto import generate_key
from tests.dpa.sample import dpa_body
from tests.support.site_build import PROJECT_ROOT

pytestmark = pytest.mark.xdist_group("packaging")

# What a wheel is built from: the project's own files, never a developer's leftovers.
SOURCES = ("pyproject.toml", "README.md", "LICENSE", "api", "data", "dpa_templates")
PIP_TIMEOUT = 600


def _pip(*args: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q", *args],
        capture_output=True,
        text=True,
        timeout=PIP_TIMEOUT,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _bare_python(directory: Path) -> Path:
    """A new virtual environment with nothing installed, like a Lambda runtime."""
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(directory)], check=True, timeout=60
    )
    return directory / "bin" / "python"


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    source.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in SOURCES:
        path = PROJECT_ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=ignore)
        else:
            shutil.copy2(path, source / name)
    _pip("wheel", "--no-deps", "--wheel-dir", str(work / "dist"), str(source))
    (built,) = (work / "dist").glob("unoy_trustcenter-*.whl")
    return built


def test_the_wheel_carries_the_content_and_the_templates(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for path in sorted((PROJECT_ROOT / "data").iterdir()):
        assert f"api/_content/data/{path.name}" in names
    for lang in ("de", "en"):
        assert f"api/_content/dpa_templates/dpa.{lang}.docx" in names
    assert "api/mail/templates/acknowledgement.txt" in names
    assert "api/migrations/script.py.mako" in names


def test_the_lambda_bundle_serves_a_dpa_from_an_empty_directory(
    wheel: Path, tmp_path: Path
) -> None:
    bundle = tmp_path / "build"
    _pip("install", f"{wheel}[api]", "--target", str(bundle))
    python = _bare_python(tmp_path / "runtime")
    empty = tmp_path / "task"
    empty.mkdir()
    event = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": "/api/dpa",
        "rawQueryString": "",
        "headers": {"content-type": "application/json"},
        "requestContext": {
            "http": {
                "method": "POST",
                "path": "/api/dpa",
                "sourceIp": "203.0.113.9",
                "protocol": "HTTP/1.1",
                "userAgent": "test",
            },
            "stage": "$default",
            "requestId": "1",
        },
        "body": json.dumps(dpa_body("en")),
        "isBase64Encoded": False,
    }
    script = (
        "import json, sys\n"
        "from api.core.files import content_dir\n"
        "import api.lambda_handler as lambda_handler\n"
        "from api.db import migrate\n"
        "migrate.upgrade(lambda_handler.app.state.store.engine)\n"
        "answer = lambda_handler.handler(json.loads(sys.stdin.read()), None)\n"
        "print(json.dumps({'data': str(content_dir('data')), 'answer': answer}))\n"
    )
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(bundle),
        "TRUSTCENTER_VAR_DIR": str(tmp_path / "var"),
        "TRUSTCENTER_DATA_KEYS": generate_key(),
        "TRUSTCENTER_OUTBOX_INTERVAL": "0",
    }
    result = subprocess.run(
        [str(python), "-c", script],
        input=json.dumps(event),
        cwd=empty,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    output = json.loads(result.stdout.splitlines()[-1])
    assert Path(output["data"]) == bundle / "api" / "_content" / "data"
    answer = output["answer"]
    assert answer["statusCode"] == 200, answer
    headers = {name.lower(): value for name, value in answer["headers"].items()}
    assert headers["content-type"].startswith("application/vnd.openxmlformats")
    document = base64.b64decode(answer["body"])
    assert "word/document.xml" in zipfile.ZipFile(io.BytesIO(document)).namelist()
    assert list(empty.iterdir()) == []  # nothing written where it runs


def test_the_site_builds_with_the_site_extra_alone(wheel: Path, tmp_path: Path) -> None:
    packages = tmp_path / "site-packages"
    _pip("install", f"{wheel}[site]", "--target", str(packages))
    python = _bare_python(tmp_path / "runtime")
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(packages),
        "NO_MKDOCS_2_WARNING": "1",
        "TRUSTCENTER_ENV": "development",
    }
    for web in ("fastapi", "starlette", "sqlalchemy", "docxtpl", "uvicorn"):
        probe = subprocess.run(
            [str(python), "-c", f"import {web}"], env=env, capture_output=True, timeout=60
        )
        assert probe.returncode != 0, f"{web} is installed with the site extra"
    site = tmp_path / "site"
    # -P: the checkout is not on the path, so the hooks use the installed package (a
    # non-editable install) and still read the checkout's data/ next to mkdocs.yml.
    result = subprocess.run(
        [str(python), "-P", "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (site / "en" / "dpa" / "index.html").is_file()
    assert (site / "_headers").is_file()
    used = subprocess.run(
        [str(python), "-P", "-c", "import api; print(api.__file__)"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert Path(used.stdout.strip()).is_relative_to(packages)


def test_pyproject_names_every_package_of_api() -> None:
    config = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    api = PROJECT_ROOT / "api"
    found = {
        ".".join(path.parent.relative_to(PROJECT_ROOT).parts)
        for path in api.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix in {".py", ".txt"}
    }
    assert found <= listed, sorted(found - listed)
