"""Surge benchmark: many residents asking for the nearest shelters at once (issue 4).

    .venv/bin/python bench/surge.py [--seconds 3] [--connections 64] [--workers 1,2]

For one `sotong serve` process and for two (`--workers 2`), wrk measures requests/s and p50/p99 of
(a) GET /api/safety/shelters/nearest with random places in the district, hazards and languages
(the fast path in front of Django), (a') the same through Django's full stack (fast path off),
(b) GET /api/safety/facilities.json, and (c) the same bytes as a static file served by the same
server (WhiteNoise; the practical limit). The database (SQLite, migrated, the sample district and
~200 facilities) is built once and cached in bench/.cache/. Prints a table and writes
bench/results/surge.json. Target: (a) >= 1,000 requests/s with p99 <= 100 ms.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from base64 import urlsafe_b64encode
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
STATIC_NAME = "bench/facilities.json"

# Used until sotong/safety/demo_data.py provides load_sample_facilities(): ~200 facilities of every
# kind around the district's dongs, with a mix of settings, capacities and opening hours.
GENERATE = r"""
import random
from datetime import date
from sotong.organisation.models import Dong
from sotong.safety.models import Facility
from sotong.safety.choices import FacilityKind
try:
    from sotong.safety.demo_data import load_sample_facilities
except ImportError:
    load_sample_facilities = None
if load_sample_facilities is not None:
    load_sample_facilities()
if Facility.objects.count() < 150:
    rng = random.Random(4)
    kinds = [k.value for k in FacilityKind]
    settings = {"civil_defence": "underground", "earthquake_outdoor": "outdoor", "tsunami_evacuation": "outdoor"}
    hours = [[], [{"days": "weekday", "open": "09:00", "close": "18:00"}],
             [{"days": d, "open": "09:00", "close": "21:00"} for d in ("weekday", "saturday", "sunday", "holiday")]]
    dongs = list(Dong.objects.all())
    rows = []
    for n in range(200):
        dong = dongs[n % len(dongs)]
        kind = kinds[n % len(kinds)]
        rows.append(Facility(
            kind=kind, name_ko=f"{dong.name_ko} 시설 {n}", name_en=f"{n} facility",
            lat=float(dong.lat) + rng.uniform(-0.006, 0.006), lon=float(dong.lon) + rng.uniform(-0.008, 0.008),
            setting=settings.get(kind, rng.choice(["indoor", "indoor", "underground"])),
            capacity=rng.choice([None, 50, 120, 400, 1500]), always_open=n % 3 == 0,
            opening_hours=hours[n % 3], checked_on=date(2026, 3, 1), is_sample=True, dong=dong,
        ))
    Facility.objects.bulk_create(rows)
print(Facility.objects.count())
"""

WRITE_STATIC = """
from pathlib import Path
from sotong.safety.nearest.index import current_index
Path({path!r}).write_bytes(current_index().facilities_json)
"""

NEAREST_LUA = r"""
local hazards = {"earthquake", "flood", "typhoon", "heat", "cold", "fire", "air_raid", "tsunami"}
local langs = {"ko", "ko", "ko", "en", "zh-hans"}
function init(args)
  math.randomseed(os.time() * 1000 + math.random(1, 100000))
end
request = function()
  local lat = 37.49 + math.random() * 0.05
  local lon = 126.88 + math.random() * 0.06
  local path = string.format("/api/safety/shelters/nearest?lat=%.6f&lon=%.6f&hazard=%s&lang=%s",
    lat, lon, hazards[math.random(#hazards)], langs[math.random(#langs)])
  return wrk.format("GET", path)
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run(*args: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "sotong", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return done.stdout


def _setup_key() -> str:
    """Changes with the migrations, the sample data and this script: then the cached database is rebuilt."""
    digest = hashlib.sha256()
    files = sorted(ROOT.glob("sotong/*/migrations/*.py")) + sorted(
        ROOT.glob("sotong/organisation/data/*.csv")
    )
    files += [p for p in (ROOT / "sotong/safety/demo_data.py",) if p.exists()]
    files += sorted(ROOT.glob("sotong/safety/data/demo/*"))
    digest.update(GENERATE.encode())
    for path in files:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def base_env(workdir: Path, *, fast_path: bool) -> dict[str, str]:
    """Production-like: DEBUG off, nothing collected (WhiteNoise serves from the finders and STATIC_ROOT)."""
    settings_dir = workdir / ("settings-fast" if fast_path else "settings-django")
    settings_dir.mkdir(exist_ok=True)
    (settings_dir / "bench_settings.py").write_text(
        f"from config.settings.base import *  # noqa: F403\nSAFETY_FAST_PATH = {fast_path}\n"
    )
    env = {
        **os.environ,
        "PYTHONPATH": f"{settings_dir}{os.pathsep}{ROOT}",
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "DEBUG": "0",
        "SECRET_KEY": "bench-" + secrets.token_urlsafe(48),
        "FIELD_ENCRYPTION_KEYS": urlsafe_b64encode(b"b" * 32).decode(),
        "SECURE_SSL_REDIRECT": "0",
        "WHITENOISE_USE_FINDERS": "1",
        "SOTONG_DATA_DIR": str(workdir),
        "STATIC_ROOT": str(workdir / "static"),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    for name in ("DATABASE_URL", "REDIS_URL"):
        env.pop(name, None)
    return env


def prepare(workdir: Path) -> tuple[int, float]:
    """A copy of the cached database with the sample district and facilities; (facilities, seconds)."""
    started = time.perf_counter()
    cache = ROOT / "bench" / ".cache" / f"surge-{_setup_key()}"
    if not (cache / "sotong.sqlite3").exists():
        for old in cache.parent.glob("surge-*"):
            shutil.rmtree(old, ignore_errors=True)
        build = Path(tempfile.mkdtemp(prefix="sotong-surge-build-"))
        env = base_env(build, fast_path=True)
        run("migrate", env=env)
        run("load_sample_district", env=env)
        run("shell", "-c", GENERATE, env=env)
        cache.mkdir(parents=True, exist_ok=True)
        shutil.copy(build / "sotong.sqlite3", cache / "sotong.sqlite3")
        shutil.rmtree(build, ignore_errors=True)
    shutil.copy(cache / "sotong.sqlite3", workdir / "sotong.sqlite3")
    env = base_env(workdir, fast_path=True)
    static = workdir / "static" / STATIC_NAME
    static.parent.mkdir(parents=True, exist_ok=True)
    out = run("shell", "-c", GENERATE + WRITE_STATIC.format(path=str(static)), env=env)
    count = int(out.strip().splitlines()[-1])
    return count, time.perf_counter() - started


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


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback
        return bytes(response.read())


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def wrk(url: str, *, seconds: int, connections: int, script: Path | None = None) -> dict[str, object]:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s"]
    if script:
        command += ["-s", str(script)]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    total = re.search(r"(\d+) requests in", out)
    p50 = re.search(r"\s50%\s+([\d.]+)(us|ms|s|m)\b", out)
    p99 = re.search(r"\s99%\s+([\d.]+)(us|ms|s|m)\b", out)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    assert rate and total and p50 and p99, out
    return {
        "requests": int(total.group(1)),
        "requests_per_second": round(float(rate.group(1)), 1),
        "p50_ms": round(_ms(*p50.groups()), 2),
        "p99_ms": round(_ms(*p99.groups()), 2),
        "failed": (int(bad.group(1)) if bad else 0) + (sum(int(g) for g in errors.groups()) if errors else 0),
    }


def serve(workdir: Path, workers: int, *, fast_path: bool) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = base_env(workdir, fast_path=fast_path)
    process = subprocess.Popen(
        [sys.executable, "-m", "sotong", "serve", "--port", str(port), "--workers", str(workers)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(workdir / f"serve-{port}.log").open("wb"),
    )
    return process, f"http://127.0.0.1:{port}"


def stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its descendants (uvicorn's workers), from /proc."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        child = int(stat.parent.name)
        parents[child] = int(fields[1])
        times[child] = (int(fields[11]) + int(fields[12])) / tick
    tree, frontier = {pid}, [pid]
    while frontier:
        current = frontier.pop()
        for child, parent in parents.items():
            if parent == current and child not in tree:
                tree.add(child)
                frontier.append(child)
    return sum(times.get(p, 0.0) for p in tree)


def measured(
    name: str, workers: int, url: str, process: subprocess.Popen[bytes], **options: object
) -> dict[str, object]:
    wrk(url, **{**options, "seconds": 1})  # type: ignore[arg-type]  # warm up
    before = cpu_seconds(process.pid)
    row = wrk(url, **options)  # type: ignore[arg-type]
    spent = cpu_seconds(process.pid) - before
    per_request = spent * 1000 / max(1, int(row["requests"]))  # type: ignore[call-overload]
    return {
        "endpoint": name,
        "workers": workers,
        **row,
        # CPU the server spent per answer: what the machine could do were nothing else running.
        "server_cpu_ms_per_request": round(per_request, 3),
        "capacity_per_core": round(1000 / per_request) if per_request else None,
    }


def measure(
    workdir: Path, workers: int, *, seconds: int, connections: int, script: Path
) -> list[dict[str, object]]:
    sample = "/api/safety/shelters/nearest?lat=37.5264&lon=126.8962&hazard=flood"
    fast, fast_base = serve(workdir, workers, fast_path=True)
    django, django_base = serve(workdir, workers, fast_path=False)
    options = {"seconds": seconds, "connections": connections}
    try:
        for base in (fast_base, django_base):
            try:
                wait_up(base + "/healthz", timeout=120)
            except RuntimeError:
                log = workdir / f"serve-{base.rsplit(':', 1)[1]}.log"
                print(log.read_text()[-3000:], file=sys.stderr)
                raise
        api_bytes = fetch(fast_base + "/api/safety/facilities.json")
        static_bytes = fetch(fast_base + "/static/" + STATIC_NAME)
        assert api_bytes == static_bytes, "the static copy must be the same bytes as facilities.json"
        assert fetch(fast_base + sample) == fetch(django_base + sample), "fast path and view must agree"
        rows = [
            measured("nearest (fast path)", workers, fast_base + "/", fast, script=script, **options),
            measured("nearest (Django view)", workers, django_base + "/", django, script=script, **options),
            measured(
                "facilities.json (fast path)",
                workers,
                fast_base + "/api/safety/facilities.json",
                fast,
                **options,
            ),
            measured(
                "same bytes, static file", workers, fast_base + "/static/" + STATIC_NAME, fast, **options
            ),
        ]
        rows[-2]["bytes"] = rows[-1]["bytes"] = len(api_bytes)
    finally:
        stop(fast)
        stop(django)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", default="1,2")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is needed (apt install wrk)", file=sys.stderr)
        return 2
    started = time.perf_counter()
    workdir = Path(tempfile.mkdtemp(prefix="sotong-surge-"))
    script = workdir / "nearest.lua"
    script.write_text(NEAREST_LUA)
    try:
        facilities, setup_seconds = prepare(workdir)
        rows = []
        for workers in (int(w) for w in args.workers.split(",")):
            rows += measure(
                workdir, workers, seconds=args.seconds, connections=args.connections, script=script
            )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(
        f"Surge: {facilities} facilities, wrk 1 thread x {args.connections} connections x {args.seconds} s per row "
        f"(target: nearest >= 1,000 requests/s with p99 <= 100 ms)"
    )
    header = (
        f"{'endpoint':<30} {'processes':>9} {'requests/s':>11} {'p50 ms':>8} {'p99 ms':>8} {'failed':>7}"
        f" {'CPU ms/req':>10} {'req/s/core':>10}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        print(
            f"{row['endpoint']:<30} {row['workers']:>9} {row['requests_per_second']:>11,.0f} "
            f"{row['p50_ms']:>8.1f} {row['p99_ms']:>8.1f} {row['failed']:>7}"
            f" {row['server_cpu_ms_per_request']:>10.2f} {row['capacity_per_core'] or 0:>10,}"
        )
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "surge.json").write_text(
        json.dumps(
            {
                "when": datetime.now(UTC).isoformat(timespec="seconds"),
                "machine": {
                    "cpus": os.cpu_count(),
                    "python": platform.python_version(),
                    "platform": platform.platform(),
                },
                "parameters": vars(args),
                "facilities": facilities,
                "setup_seconds": round(setup_seconds, 1),
                "total_seconds": round(time.perf_counter() - started, 1),
                # Other work on the machine skews every figure: the load when the run ended.
                "load_average": [round(x, 2) for x in os.getloadavg()],
                "results": rows,
            },
            indent=2,
            ensure_ascii=False,
        )
    )
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"({time.perf_counter() - started:.0f} s, setup {setup_seconds:.0f} s, load average {load}; bench/results/surge.json)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
