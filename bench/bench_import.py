"""The cold start of the API: what a new Lambda (or container) process pays before it can answer.

Each run is a new Python process that imports `api.lambda_handler` (which builds the app),
timed inside the process from the first import to the app being ready. In the same run, the same
for `import fastapi` alone: the floor no FastAPI app gets under. Prints median and best of each,
and the modules a cold start does not load. The project's own modules are compiled to bytecode
first, as a deployment has them (`pip install` compiles what it installs): with
PYTHONDONTWRITEBYTECODE set, every process would otherwise compile `api/` from source again.

    .venv/bin/python bench/bench_import.py [RUNS]
"""

from __future__ import annotations

import compileall
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from api.core.crypto import generate_key  # noqa: E402

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 15
PROBE = """
import json, sys, time
started = time.perf_counter()
import {module}
elapsed = time.perf_counter() - started
modules = sorted({{name.split(".")[0] for name in sys.modules}})
print(json.dumps({{"ms": elapsed * 1000, "modules": modules}}))
"""
DEFERRED = ("alembic", "docxtpl", "docx", "lxml", "httpx2", "aiosmtplib", "jinja2", "yaml")


def measure(module: str, env: dict[str, str]) -> tuple[list[float], set[str]]:
    times: list[float] = []
    modules: set[str] = set()
    for _ in range(RUNS):
        result = subprocess.run(
            [sys.executable, "-c", PROBE.format(module=module)],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        data = json.loads(result.stdout.splitlines()[-1])
        times.append(float(data["ms"]))
        modules = set(data["modules"])
    return times, modules


def main() -> None:
    compileall.compile_dir(ROOT / "api", quiet=1)
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("TRUSTCENTER_")},
            "TRUSTCENTER_VAR_DIR": tmp,
            "TRUSTCENTER_DATA_KEYS": generate_key(),
        }
        fastapi, _ = measure("fastapi", env)
        app, modules = measure("api.lambda_handler", env)
    print(f"cold start, {RUNS} new processes each (time from first import to app ready):")
    for name, times in (("import fastapi (floor)", fastapi), ("import api.lambda_handler", app)):
        print(f"  {name:<28} median {statistics.median(times):6.0f} ms   best {min(times):6.0f} ms")
    print(f"  app / fastapi alone: {statistics.median(app) / statistics.median(fastapi):.2f}x")
    print("  not loaded at a cold start: " + ", ".join(m for m in DEFERRED if m not in modules))
    loaded = [m for m in DEFERRED if m in modules]
    if loaded:
        print("  LOADED although deferred: " + ", ".join(loaded))


if __name__ == "__main__":
    main()
