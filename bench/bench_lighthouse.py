"""Lighthouse (mobile) for the pages a reviewer opens first, in both languages, against the
project's own server as `make run` starts it (the site built for its address, compressed like
Netlify, the production headers). Target: 100 in every category.

Accessibility, best practices and SEO are deterministic; performance varies with the load of
the machine, so each page is measured `--runs` times (3) and the median is reported, with the
range. Lighthouse 12.8.2 (13.x needs Node >= 22.19) is installed with npm into
bench/lighthouse/node_modules on first use; Chromium is Debian's (`CHROME_PATH`), told to
resolve no host but loopback, so nothing leaves the machine.

    python bench/bench_lighthouse.py [--runs 3] [--pages toms,dpa] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx2

from tests.browser.conftest import free_port
from tests.support.site_build import PROJECT_ROOT, build_site

LIGHTHOUSE_DIR = Path(__file__).resolve().parent / "lighthouse"
LIGHTHOUSE = LIGHTHOUSE_DIR / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
PAGES = ("", "toms", "subprocessors", "contact", "dpa")
LANGS = ("de", "en")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
CHROME_FLAGS = " ".join(
    [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-default-apps",
        # No DNS but loopback: Chromium's own background lookups fail instead of leaving.
        '--host-resolver-rules="MAP * ~NOTFOUND , EXCLUDE 127.0.0.1, EXCLUDE localhost"',
    ]
)


def install_lighthouse() -> None:
    if LIGHTHOUSE.exists():
        return
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("npm not found: install Node.js (>= 18) to run Lighthouse")
    print("installing Lighthouse into bench/lighthouse/node_modules (npm ci) …", flush=True)
    subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=LIGHTHOUSE_DIR, check=True)


def start_server(site_dir: Path, state: Path, port: int) -> subprocess.Popen[bytes]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("TRUSTCENTER_")},
        "TRUSTCENTER_ENV": "development",
        "TRUSTCENTER_SITE_DIR": str(site_dir),
        "TRUSTCENTER_VAR_DIR": str(state),
        "TRUSTCENTER_DATABASE_URL": f"sqlite:///{state / 'trustcenter.db'}",
        "TRUSTCENTER_LOG_LEVEL": "warning",
    }
    command = [sys.executable, "-m", "uvicorn", "api.main:app", "--port", str(port)]
    server = subprocess.Popen([*command, "--log-level", "warning"], cwd=PROJECT_ROOT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx2.get(f"http://127.0.0.1:{port}/api/health", timeout=2).status_code < 500:
                return server
        except httpx2.TransportError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("the server did not start")


def lighthouse(url: str, report: Path, attempts: int = 2) -> dict[str, Any]:
    """One Lighthouse run; a second attempt when Chrome fails to start (it can, on a busy box)."""
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        f"--chrome-flags={CHROME_FLAGS}",
        "--form-factor=mobile",
        "--only-categories=" + ",".join(CATEGORIES),
        "--output=json",
        f"--output-path={report}",
    ]
    for attempt in range(attempts):
        done = subprocess.run(
            command, env={**os.environ, "CHROME_PATH": CHROMIUM}, capture_output=True, check=False
        )
        if done.returncode == 0:
            result: dict[str, Any] = json.loads(report.read_text("utf-8"))
            return result
        if attempt == attempts - 1:
            raise SystemExit(f"lighthouse failed on {url}:\n{done.stderr.decode()[-2000:]}")
    raise AssertionError("unreachable")


def scores(result: dict[str, Any]) -> dict[str, int]:
    return {
        category: round(100 * (result["categories"][category]["score"] or 0))
        for category in CATEGORIES
    }


def lost_points(result: dict[str, Any]) -> list[str]:
    """The weighted audits that did not pass, and audits in error."""
    lost = []
    for category in CATEGORIES:
        for ref in result["categories"][category]["auditRefs"]:
            audit = result["audits"][ref["id"]]
            failed = audit["score"] is not None and audit["score"] < 1 and ref["weight"] > 0
            if failed or audit.get("scoreDisplayMode") == "error":
                shown = audit.get("displayValue", "")
                lost.append(f"{category}/{ref['id']} score={audit['score']} {shown}".strip())
    return lost


def timing(result: dict[str, Any], audit: str) -> float:
    value: float = result["audits"][audit]["numericValue"]
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pages", default=",".join(PAGES), help="slugs ('' is the home page)")
    parser.add_argument("--keep", type=Path, help="keep the JSON reports in this directory")
    args = parser.parse_args()
    install_lighthouse()
    version = json.loads((LIGHTHOUSE_DIR / "node_modules/lighthouse/package.json").read_text())
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        built = build_site(root / "site", env={"TRUSTCENTER_SITE_URL": f"http://127.0.0.1:{port}/"})
        if not built.ok:
            raise SystemExit(built.output)
        (root / "state").mkdir()
        reports = args.keep or root / "reports"
        reports.mkdir(parents=True, exist_ok=True)
        server = start_server(root / "site", root / "state", port)
        try:
            print(
                f"Lighthouse {version['version']}, mobile, {args.runs} runs per page "
                f"(performance: median [min-max]; other categories: worst run)"
            )
            print(
                f"{'page':22} {'perf':>12} {'a11y':>5} {'b-p':>5} {'seo':>5}"
                f" {'FCP ms':>7} {'LCP ms':>7} {'TBT ms':>7} {'s/run':>6}"
            )
            for slug in args.pages.split(","):
                for lang in LANGS:
                    path = ("/" if lang == "de" else f"/{lang}/") + (f"{slug}/" if slug else "")
                    runs = []
                    started = time.monotonic()
                    for run in range(args.runs):
                        name = f"{lang}-{slug or 'home'}-{run + 1}.json"
                        runs.append(lighthouse(f"http://127.0.0.1:{port}{path}", reports / name))
                    elapsed = (time.monotonic() - started) / args.runs
                    # The run with the median performance score stands for the page.
                    runs.sort(key=lambda result: scores(result)["performance"])
                    median = runs[len(runs) // 2]
                    perf = [scores(result)["performance"] for result in runs]
                    worst = {c: min(scores(result)[c] for result in runs) for c in CATEGORIES[1:]}
                    print(
                        f"{path:22} {scores(median)['performance']:3} [{perf[0]}-{perf[-1]}]"
                        f"{'':>2} {worst['accessibility']:5} {worst['best-practices']:5}"
                        f" {worst['seo']:5} {timing(median, 'first-contentful-paint'):7.0f}"
                        f" {timing(median, 'largest-contentful-paint'):7.0f}"
                        f" {timing(median, 'total-blocking-time'):7.0f} {elapsed:6.1f}",
                        flush=True,
                    )
                    for lost in lost_points(median):
                        print(f"{'':24}- {lost}")
            load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
            print(f"load average at the end: {load} (TBT, hence performance, follows it)")
        finally:
            server.terminate()
            server.wait(timeout=20)


if __name__ == "__main__":
    main()
