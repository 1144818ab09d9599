"""Server time of the public pages: the home page and a 행복공감 story page against a static file (issue 12: home and
a story page ≤ 50 ms p95 on SQLite).

    .venv/bin/python bench/pages_render.py [--seconds 10] [--connections 1]

Loads the demo content (every app's ``demo.load_demo``, as ``sotong demo --setup-only`` does) into a fresh SQLite
database in a temporary folder, collects the static files and starts one ``sotong serve`` with production settings
(DEBUG off, plain HTTP on loopback). wrk then asks for each address in turn for ``--seconds`` with ``--connections``
connections (1 by default: one request at a time, so the latency is the server's time plus loopback); a static file
served by the same stack (whitenoise, the collected stylesheet) is the reference measured in the same run. The
pages are measured as residents get them (kept rendered for ``PAGES_CACHE_SECONDS``, decision 0086) and again with
a second server that renders every request (``PAGES_CACHE_SECONDS=0``). Without wrk on the machine a sequential
Python client measures the same, with more client overhead.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from base64 import urlsafe_b64encode
from datetime import datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
TARGET_MS = 50.0

LOAD_DEMO = """
import io
from django.core.management import call_command
from sotong.site.demo_data import load_all
call_command("migrate", interactive=False, verbosity=0)
load_all(stdout=io.StringIO())
call_command("wagtail_update_index", verbosity=0)
from sotong.pages.models import StoryPage
story = StoryPage.objects.live().filter(locale__language_code="ko").order_by("-first_published_at").first()
print("STORY", story.url)
"""

# wrk prints its own percentiles (50, 75, 90, 99) but not the 95th: this script adds it, in microseconds.
WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format("P50 %d\\nP95 %d\\nP99 %d\\nREQ %d\\nERR %d\\nNON2XX %d\\n",
    latency:percentile(50), latency:percentile(95), latency:percentile(99), summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def production_env(workdir: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DEBUG": "0",
        "SECRET_KEY": "bench-" + secrets.token_urlsafe(48),
        "FIELD_ENCRYPTION_KEYS": urlsafe_b64encode(b"p" * 32).decode(),
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SOTONG_DATA_DIR": str(workdir),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    for name in ("DATABASE_URL", "REDIS_URL"):
        env.pop(name, None)
    return env


def prepare(workdir: Path) -> tuple[dict[str, str], str]:
    env = production_env(workdir)
    # The demo loaders are written for the demo (DEBUG on: its test identity provider, sample accounts); the
    # same keys are used, so the production server reads what they wrote.
    loaded = subprocess.run(
        [sys.executable, "-m", "sotong", "shell", "-c", LOAD_DEMO],
        cwd=ROOT,
        env={**env, "DEBUG": "1"},
        check=True,
        capture_output=True,
        text=True,
    )
    story = re.search(r"^STORY (\S+)$", loaded.stdout, re.M)
    assert story, loaded.stdout + loaded.stderr
    subprocess.run(
        [sys.executable, "-m", "sotong", "collectstatic", "--noinput"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    return env, story.group(1)


def wait_up(url: str, timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"the server did not answer at {url}")


def measure_wrk(url: str, seconds: int, connections: int) -> dict[str, float]:
    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    script.write_text(WRK_SCRIPT)
    try:
        out = subprocess.run(
            ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "-s", str(script), url],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        script.unlink()
    values = {
        key: float(value) for key, value in re.findall(r"^(P50|P95|P99|REQ|ERR|NON2XX) (\d+)$", out, re.M)
    }
    return {
        "p50_ms": values["P50"] / 1000,
        "p95_ms": values["P95"] / 1000,
        "p99_ms": values["P99"] / 1000,
        "requests_per_s": values["REQ"] / seconds,
        "failed": values["ERR"] + values["NON2XX"],
    }


def measure_python(url: str, seconds: int) -> dict[str, float]:
    latencies: list[float] = []
    failed = 0
    with httpx.Client() as client:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            started = time.perf_counter()
            status = client.get(url).status_code
            latencies.append((time.perf_counter() - started) * 1000)
            failed += status != 200
    latencies.sort()

    def pct(share: float) -> float:
        return latencies[min(len(latencies) - 1, round(share * len(latencies)) - 1)]

    return {
        "p50_ms": statistics.median(latencies),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "requests_per_s": len(latencies) / seconds,
        "failed": failed,
    }


def measure_server(
    env: dict[str, str], story_path: str, kept: bool, client: str, args: argparse.Namespace
) -> list[dict[str, object]]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    mode = "kept" if kept else "rendered"
    log = (RESULTS / f"pages_render-web-{mode}.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "sotong", "serve", "--port", str(port), "--workers", "1"],
        cwd=ROOT,
        env={**env, **({} if kept else {"PAGES_CACHE_SECONDS": "0"})},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    rows = []
    try:
        wait_up(base + "/healthz")
        home = httpx.get(base + "/")
        assert home.status_code == 200, home.status_code
        targets = [("home page", "/"), ("story page", story_path)]
        if kept:
            stylesheet = re.search(r'href="(/static/sotong/css/site\.[0-9a-f]+\.css)"', home.text)
            assert stylesheet, "no hashed stylesheet on the home page (static files not collected?)"
            targets.insert(0, ("static file (reference)", stylesheet.group(1)))
        for name, path in targets:
            url = base + path
            for _ in range(20):  # warm: Kiwi, templates, the first database pages
                httpx.get(url)
            figures = (
                measure_wrk(url, args.seconds, args.connections)
                if client == "wrk"
                else measure_python(url, args.seconds)
            )
            label = name if name.startswith("static") else f"{name}, {mode}"
            rows.append({"address": label, "path": path, "kept": kept, **figures})
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=6, help="per address (default 6)")
    parser.add_argument("--connections", type=int, default=1, help="wrk connections (default 1)")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="sotong-bench-pages-"))
    started = time.perf_counter()
    env, story_path = prepare(workdir)
    setup_seconds = time.perf_counter() - started
    RESULTS.mkdir(parents=True, exist_ok=True)
    client = "wrk" if shutil.which("wrk") else "python"
    rows: list[dict[str, object]] = []
    try:
        for kept in (True, False):
            rows.extend(measure_server(env, story_path, kept, client, args))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    print(
        f"Public pages, production settings, SQLite, one `sotong serve` process; {client}, "
        f"{args.connections} connection(s), {args.seconds} s per address (setup {setup_seconds:.0f} s)"
    )
    print(f"{'address':<30}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'req/s':>9}{'failed':>8}")
    for row in rows:
        print(
            f"{row['address']:<30}{row['p50_ms']:>9.1f}{row['p95_ms']:>9.1f}{row['p99_ms']:>9.1f}"
            f"{row['requests_per_s']:>9.1f}{row['failed']:>8.0f}"
        )
    for kept in (True, False):
        pages = [r for r in rows if r["kept"] is kept and not str(r["address"]).startswith("static")]
        met = all(float(str(r["p95_ms"])) <= TARGET_MS for r in pages)
        how = "as residents get them (kept)" if kept else "rendered on every request"
        print(f"target p95 <= {TARGET_MS:.0f} ms, pages {how}: {'met' if met else 'NOT met'}")
    result = {
        "bench": "pages_render",
        "when": datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "processor": platform.processor(),
        },
        "client": client,
        "connections": args.connections,
        "seconds": args.seconds,
        "setup_seconds": round(setup_seconds, 1),
        "target_p95_ms": TARGET_MS,
        "rows": rows,
    }
    (RESULTS / "pages_render.json").write_text(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
