"""Build the site the way `make build` does, into any directory, with any data and environment."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
MKDOCS = [sys.executable, "-m", "mkdocs"]


@dataclass(frozen=True)
class Build:
    site_dir: Path
    returncode: int
    output: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def build_site(
    site_dir: Path, *, data_dir: Path | None = None, env: dict[str, str] | None = None
) -> Build:
    """Run `mkdocs build --strict --clean` into ``site_dir``; development mode unless told."""
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith("TRUSTCENTER_")
    }
    environment |= {"NO_MKDOCS_2_WARNING": "1", "TRUSTCENTER_ENV": "development"}
    if data_dir is not None:
        environment["TRUSTCENTER_DATA_DIR"] = str(data_dir)
    environment |= env or {}
    result = subprocess.run(
        [*MKDOCS, "build", "--strict", "--clean", "--site-dir", str(site_dir)],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return Build(site_dir, result.returncode, result.stdout + result.stderr)
