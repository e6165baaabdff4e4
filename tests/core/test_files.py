"""Content is found wherever the code runs: a setting, the checkout, the installed copy."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.core import files
from tests.support.site_build import PROJECT_ROOT


def test_the_checkout_wins_when_the_code_runs_from_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRUSTCENTER_DATA_DIR", raising=False)
    monkeypatch.delenv("TRUSTCENTER_TEMPLATES_DIR", raising=False)
    assert files.content_dir("data") == PROJECT_ROOT / "data"
    assert files.content_dir("dpa_templates") == PROJECT_ROOT / "dpa_templates"


def test_a_setting_wins_over_everything(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TRUSTCENTER_DATA_DIR", str(tmp_path / "env"))
    assert files.content_dir("data") == tmp_path / "env"
    assert files.content_dir("data", tmp_path / "setting") == tmp_path / "setting"


def test_an_installed_package_uses_the_checkout_it_runs_in_else_its_own_copy(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("TRUSTCENTER_DATA_DIR", raising=False)
    # As if installed into site-packages: the code's own folder is no checkout.
    monkeypatch.setattr(files, "SOURCE_ROOT", tmp_path / "site-packages")
    monkeypatch.chdir(PROJECT_ROOT)
    assert files.content_dir("data") == PROJECT_ROOT / "data"
    elsewhere = tmp_path / "anywhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert files.checkout_root() is None
    assert files.content_dir("data") == files.packaged_dir("data")
    assert files.packaged_dir("data").parts[-3:] == ("api", "_content", "data")
