"""Make sure Playwright has a Chromium to drive (`make browser`, run before the tests).

Debian's chromium at /usr/bin/chromium is preferred (CI installs it with apt); otherwise
Playwright's own Chromium. With neither: apt-get where we are root and apt exists, else
`playwright install chromium`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

SYSTEM_CHROMIUM = Path("/usr/bin/chromium")


def playwright_chromium() -> Path | None:
    """The Chromium that Playwright installed for itself, if any."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        path = Path(playwright.chromium.executable_path)
    return path if path.exists() else None


def main() -> int:
    if SYSTEM_CHROMIUM.exists():
        print(f"browser: {SYSTEM_CHROMIUM}")
        return 0
    own = playwright_chromium()
    if own is not None:
        print(f"browser: {own}")
        return 0
    is_root = hasattr(os, "geteuid") and os.geteuid() == 0
    if shutil.which("apt-get") and is_root:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "chromium"], check=True, env=env)
    else:
        subprocess.run([sys.executable, "-m", "playwright", "install", "chromium"], check=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
