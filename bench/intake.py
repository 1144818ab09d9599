"""Intake benchmark: residents' messages stored per second through the real homepage form, and the
time from stored to routed, on the embedded shape (SQLite, database task queue, one web process) and the
scaled shape (PostgreSQL + Redis, RQ, --web-workers web processes), each with one worker process, with
production settings (DEBUG off).

    .venv/bin/python bench/intake.py [--concurrency 16] [--shapes sqlite,postgres] [--web-workers 2]

Per shape: a steady 15 messages/s with the worker running (time from stored to routed); then, with the
worker stopped, a burst of 8 s from wrk (stored per second); then the worker again for 10 s (how fast it
routes the backlog, from its first routed case to its last).
Phase times are printed as they end, to stderr.

Prints a table and writes bench/results/intake.json. Targets (issue 3): >= 200 stored/s, routing p95
<= 50 ms from stored to routed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from base64 import urlsafe_b64encode
from datetime import datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
REDIS = "redis://127.0.0.1:6379/12"
TEXTS = [
    "당산역 4번 출구 앞 보도블록이 깨져서 걸려 넘어질 뻔했어요.",
    "우리 골목 가로등이 사흘째 꺼져 있어 밤에 너무 어둡습니다.",
    "공원 놀이터 그네 줄이 끊어져 있어요. 아이들이 다칠까 걱정입니다.",
    "아파트 앞에 불법 주차 차량이 매일 밤 소화전을 막고 있습니다.",
    "쓰레기 수거가 이틀째 안 되어 골목에 악취가 심합니다.",
    "기초연금 신청은 어디서 어떻게 하나요?",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def sotong(*args: str, env: dict[str, str], **kwargs: object) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "sotong", *args], cwd=ROOT, env=env, **kwargs)  # type: ignore[call-overload]


def run(*args: str, env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "-m", "sotong", *args], cwd=ROOT, env=env, check=True, capture_output=True
    )


def _setup_key() -> str:
    """Changes whenever a migration or the sample data changes: then the cached database is rebuilt."""
    import hashlib

    import django
    import wagtail

    digest = hashlib.sha256(f"{django.__version__}:{wagtail.__version__}".encode())
    files = sorted(ROOT.glob("sotong/*/migrations/*.py")) + sorted(ROOT.glob("sotong/*/data/*.csv"))
    for path in files:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _base_env(workdir: Path) -> dict[str, str]:
    """Production settings (DEBUG off), except that the loopback run speaks plain HTTP."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DEBUG": "0",
        "SECRET_KEY": "bench-" + secrets.token_urlsafe(48),
        "FIELD_ENCRYPTION_KEYS": urlsafe_b64encode(b"i" * 32).decode(),
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SOTONG_DATA_DIR": str(workdir),
        "VOICE_SUBMIT_LIMIT": "100000000",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    return env


def _load(env: dict[str, str]) -> None:
    run("migrate", env=env)
    run("load_sample_district", env=env)
    run("load_service_categories", env=env)
    # Train the routing model once, outside the measurement.
    run("shell", "-c", "from sotong.voice import routing; routing.get_model()", env=env)


def prepare(shape: str, workdir: Path) -> dict[str, str]:
    """A fresh database for the run, copied from a cached, migrated one (built on the first run)."""
    started = time.perf_counter()
    key = _setup_key()
    cache = ROOT / "bench" / ".cache" / key
    env = _base_env(workdir)
    if shape == "sqlite":
        if not (cache / "sotong.sqlite3").exists():
            build = Path(tempfile.mkdtemp(prefix="sotong-bench-build-"))
            _load(_base_env(build))
            cache.mkdir(parents=True, exist_ok=True)
            shutil.copy(build / "sotong.sqlite3", cache / "sotong.sqlite3")
            shutil.copytree(build / "models", cache / "models", dirs_exist_ok=True)
            shutil.rmtree(build, ignore_errors=True)
        shutil.copy(cache / "sotong.sqlite3", workdir / "sotong.sqlite3")
        shutil.copytree(cache / "models", workdir / "models", dirs_exist_ok=True)
    else:
        import psycopg
        import redis

        template = f"sotong_bench_tpl_{key}"
        name = f"sotong_bench_{secrets.token_hex(3)}"
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (template,)).fetchone()
            if not exists:
                for (old,) in conn.execute(
                    "SELECT datname FROM pg_database WHERE datname LIKE 'sotong_bench_tpl_%'"
                ):
                    conn.execute(f'DROP DATABASE IF EXISTS "{old}" WITH (FORCE)')
                conn.execute(f'CREATE DATABASE "{template}"')
        if not exists:
            build_env = {
                **env,
                "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{template}",
                "REDIS_URL": REDIS,
            }
            _load(build_env)
            shutil.copytree(workdir / "models", cache / "models", dirs_exist_ok=True)
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        shutil.copytree(cache / "models", workdir / "models", dirs_exist_ok=True)
        env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{name}"
        env["REDIS_URL"] = REDIS
        env["CHANNEL_LAYER_PREFIX"] = f"bench-{name}"
        env["BENCH_DATABASE"] = name
        redis.Redis.from_url(REDIS).flushdb()
    run("collectstatic", "--noinput", env=env)
    env["BENCH_SETUP_SECONDS"] = f"{time.perf_counter() - started:.1f}"
    return env


def drop(env: dict[str, str]) -> None:
    name = env.get("BENCH_DATABASE")
    if not name:
        return
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def wait_up(url: str, timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            with urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


async def post_all(base: str, count: int, concurrency: int, rate: float | None = None) -> tuple[float, int]:
    """POST ``count`` cases through the form; returns (seconds, failures)."""
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        page = await client.get("/voice/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token, "no CSRF token on the form"
        csrf = token.group(1)
        queue: asyncio.Queue[int] = asyncio.Queue()
        for n in range(count):
            queue.put_nowait(n)
        failures = 0
        start = time.perf_counter()

        async def worker() -> None:
            nonlocal failures
            while True:
                try:
                    n = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                if rate:
                    delay = start + n / rate - time.perf_counter()
                    if delay > 0:
                        await asyncio.sleep(delay)
                response = await client.post(
                    "/voice/",
                    data={
                        "csrfmiddlewaretoken": csrf,
                        "kind": "report",
                        "text": f"{TEXTS[n % len(TEXTS)]} ({n})",
                        "submission_id": secrets.token_hex(16),
                        "website": "",
                    },
                    headers={"Referer": base + "/voice/"},
                )
                if response.status_code != 302:
                    failures += 1

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return time.perf_counter() - start, failures


def _rows(env: dict[str, str], sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    """Read the benchmark's database directly (a Django shell per poll would steal the CPU measured)."""
    if "DATABASE_URL" in env:
        import psycopg

        with psycopg.connect(env["DATABASE_URL"].replace("postgres://", "postgresql://")) as conn:
            return list(conn.execute(sql.replace("?", "%s"), params).fetchall())
    import sqlite3

    with sqlite3.connect(Path(env["SOTONG_DATA_DIR"]) / "sotong.sqlite3", timeout=30) as conn:
        return list(conn.execute(sql, params).fetchall())


def _as_datetime(value: object) -> datetime:
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def routing_latencies(env: dict[str, str], since_id: int) -> tuple[int, list[float]]:
    rows = _rows(env, "SELECT received_at, routed_at FROM voice_case WHERE id > ?", (since_id,))
    latencies = [
        (_as_datetime(routed) - _as_datetime(received)).total_seconds() * 1000
        for received, routed in rows
        if routed is not None
    ]
    return len(rows), latencies


def max_case_id(env: dict[str, str]) -> int:
    return int(_rows(env, "SELECT COALESCE(MAX(id), 0) FROM voice_case")[0][0])  # type: ignore[call-overload]


def wait_routed(env: dict[str, str], since_id: int, expected: int, timeout: float = 90) -> list[float]:
    end = time.monotonic() + timeout
    while True:
        _total, latencies = routing_latencies(env, since_id)
        if len(latencies) >= expected or time.monotonic() > end:
            return latencies
        time.sleep(0.5)


WRK_SCRIPT = """
local counter = 0
local thread_id = 0
local threads = {}
function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end
function init(args)
  math.randomseed(os.time() * 1000 + id)
end
request = function()
  counter = counter + 1
  local submission = string.format("%08x%08x%016x", math.random(0, 0x7fffffff), id, counter)
  local body = "csrfmiddlewaretoken=" .. csrf .. "&kind=report&website=&submission_id=" .. submission
    .. "&text=%EC%9A%B0%EB%A6%AC+%EA%B3%A8%EB%AA%A9+%EA%B0%80%EB%A1%9C%EB%93%B1%EC%9D%B4+%EA%BA%BC%EC%A0%B8+%EC%9E%88%EC%96%B4%EC%9A%94+" .. counter
  return wrk.format("POST", "/voice/", nil, body)
end
"""


def burst_with_wrk(base: str, seconds: int, connections: int) -> tuple[int, float, int]:
    """(requests, seconds, failures) from wrk, a C load generator that leaves the CPU to the server."""
    page = httpx.get(base + "/voice/")
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert csrf, "no CSRF token on the form"
    cookie = page.cookies["csrftoken"]
    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    script.write_text(f'csrf = "{csrf.group(1)}"\n' + WRK_SCRIPT)
    result = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "-s",
            str(script),
            "-H",
            "Content-Type: application/x-www-form-urlencoded",
            "-H",
            f"Cookie: csrftoken={cookie}",
            "-H",
            f"Referer: {base}/voice/",
            base,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    script.unlink()
    done = re.search(r"(\d+) requests in ([\d.]+)(m?s)", result.stdout)
    assert done, result.stdout
    elapsed = float(done.group(2)) / (1000 if done.group(3) == "ms" else 1)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", result.stdout)
    return int(done.group(1)), elapsed, int(bad.group(1)) if bad else 0


def stop_processes(processes: list[subprocess.Popen[bytes] | None]) -> None:
    for process in processes:
        if process is not None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        if process is not None:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def bench_shape(
    shape: str,
    requests: int,
    concurrency: int,
    web_workers: int,
    *,
    burst_for: int = 8,
    drain_for: int = 10,
) -> dict[str, object]:
    workdir = Path(tempfile.mkdtemp(prefix=f"sotong-bench-{shape}-"))
    env = prepare(shape, workdir)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    # Server and worker logs are kept beside the results, so a failed run can be read afterwards.
    RESULTS.mkdir(parents=True, exist_ok=True)
    web_log = (RESULTS / f"intake-{shape}-web.log").open("w")
    worker_log = (RESULTS / f"intake-{shape}-worker.log").open("w")
    # The embedded shape runs one web process (its cache, rate limits and channel layer live in it);
    # the scaled shape runs as many as asked.
    web_workers = 1 if shape == "sqlite" else web_workers
    web = sotong(
        "serve",
        "--port",
        str(port),
        "--workers",
        str(web_workers),
        env=env,
        stdout=web_log,
        stderr=subprocess.STDOUT,
    )
    worker_args = ["worker"] if shape == "postgres" else ["worker", "--interval", "0.02"]

    def start_worker() -> subprocess.Popen[bytes]:
        return sotong(*worker_args, env=env, stdout=worker_log, stderr=subprocess.STDOUT)

    began = time.perf_counter()

    def phase(name: str) -> None:
        print(f"  {shape}: {name} done at {time.perf_counter() - began:.0f} s", file=sys.stderr, flush=True)

    worker: subprocess.Popen[bytes] | None = start_worker()
    try:
        wait_up(base + "/healthz")
        # Warm up: the worker has loaded its routing model once these are routed.
        since = max_case_id(env)
        asyncio.run(post_all(base, 5, 1))
        wait_routed(env, since, 5, timeout=120)
        phase("warm-up")
        # Steady: a realistic rate with the worker running; time from stored to routed.
        since = max_case_id(env)
        steady_count = 150
        steady_seconds, steady_failures = asyncio.run(post_all(base, steady_count, 4, rate=15))
        latencies = wait_routed(env, since, steady_count)
        phase("steady")
        # Burst: stored per second, with the worker stopped so that the web server has the CPU.
        stop_processes([worker])
        worker = None
        since = max_case_id(env)
        if shutil.which("wrk"):
            client = "wrk"
            requests, burst_seconds, burst_failures = burst_with_wrk(base, burst_for, concurrency)
        else:
            client = "httpx"
            burst_seconds, burst_failures = asyncio.run(post_all(base, requests, concurrency))
        stored = max_case_id(env) - since
        phase("burst")
        # Backlog: how fast one worker routes what the burst left, measured over drain_for seconds.
        worker = start_worker()
        wait_routed(env, since, 1, timeout=60)  # the worker is up and routing
        time.sleep(drain_for)
        routed_at = sorted(
            _as_datetime(row[0])
            for row in _rows(
                env, "SELECT routed_at FROM voice_case WHERE id > ? AND routed_at IS NOT NULL", (since,)
            )
        )
        routed_count = len(routed_at)
        # From the first routed to the last: the worker's start-up (loading the model) is not counted.
        drain_seconds = (routed_at[-1] - routed_at[0]).total_seconds() if routed_count > 1 else 0.0
        phase("backlog")
    finally:
        stop_processes([web, worker])
        drop(env)
        shutil.rmtree(workdir, ignore_errors=True)
    return {
        "shape": shape,
        "web_processes": web_workers,
        "client": client,
        "stored": stored,
        "setup_seconds": float(env["BENCH_SETUP_SECONDS"]),
        "requests": requests,
        "concurrency": concurrency,
        "stored_per_second": round(requests / burst_seconds, 1),
        "failures": burst_failures + steady_failures,
        "backlog_routed": routed_count,
        "backlog_routes_per_second": round((routed_count - 1) / drain_seconds, 1) if drain_seconds else None,
        "steady_rate_per_second": round(steady_count / steady_seconds, 1),
        "routing_p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "routing_p95_ms": round(percentile(latencies, 0.95), 1) if latencies else None,
        "routing_max_ms": round(max(latencies), 1) if latencies else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=1200)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--shapes", default="sqlite,postgres")
    parser.add_argument(
        "--web-workers", type=int, default=2, help="web server processes of the PostgreSQL shape (SQLite: 1)"
    )
    args = parser.parse_args()
    results = [
        bench_shape(shape, args.requests, args.concurrency, args.web_workers)
        for shape in args.shapes.split(",")
    ]
    columns = [
        ("shape", "shape"),
        ("web_processes", "web procs"),
        ("stored_per_second", "stored/s"),
        ("failures", "failed"),
        ("backlog_routes_per_second", "routed/s (backlog)"),
        ("steady_rate_per_second", "steady in/s"),
        ("routing_p50_ms", "route p50 ms"),
        ("routing_p95_ms", "route p95 ms"),
        ("routing_max_ms", "route max ms"),
    ]
    print(
        "Intake: web server process(es) and one worker process on this machine, production settings"
        " (target >= 200 stored/s, p95 <= 50 ms)"
    )
    print(" | ".join(title for _key, title in columns))
    for row in results:
        print(" | ".join(str(row[key]) for key, _title in columns))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "intake.json").write_text(json.dumps({"results": results}, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
