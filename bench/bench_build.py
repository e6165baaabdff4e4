"""Site build time: `mkdocs build --strict --clean` of both languages, a few runs, median."""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support.site_build import build_site

RUNS = 5


def main() -> None:
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(RUNS):
            started = time.perf_counter()
            built = build_site(Path(tmp) / "site")
            elapsed = time.perf_counter() - started
            if not built.ok:
                raise SystemExit(built.output)
            times.append(elapsed)
            print(f"run {run + 1}: {elapsed:.2f} s")
        pages = len(list((Path(tmp) / "site").rglob("*.html")))
    median = statistics.median(times)
    print(f"build (strict, de+en, {pages} HTML files, incl. process start): median {median:.2f} s")
    print(f"min {min(times):.2f} s, max {max(times):.2f} s, max/min {max(times) / min(times):.2f}")
    print(f"per HTML file: {median / pages * 1000:.0f} ms")


if __name__ == "__main__":
    main()
