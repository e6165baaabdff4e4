"""Copies of data/ for tests: as shipped, or complete (every `!example` tag removed, as UNOY
will have done before launch: the values stay, only their tags go)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from tests.support.site_build import PROJECT_ROOT

EXAMPLE_TAG = re.compile(r" ?!example(?=\s)")


def copy_data(target: Path) -> Path:
    data = target / "data"
    shutil.copytree(PROJECT_ROOT / "data", data)
    return data


def complete_data(target: Path) -> Path:
    """A copy of data/ with no example value left."""
    data = copy_data(target)
    for path in data.glob("*.yml"):
        path.write_text(EXAMPLE_TAG.sub("", path.read_text("utf-8")), "utf-8")
    return data
