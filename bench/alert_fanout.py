"""Alert fan-out benchmark: 100,000 Web Push subscribers, an alert published through the alerts service,
the fan-out run by real `sotong worker` processes (two by default, as on a 2-core machine), and two
loopback receiver processes that decrypt every push (the subscription's private key and auth secret)
and count distinct (alert, subscriber) pairs.

    .venv/bin/python bench/alert_fanout.py [--shapes sqlite] [--workers 2] [--subscribers 100000]

Two alerts are published one after the other:

- "two dongs": a heavy-rain alert for 당산1동 and 당산2동; the places are spread over the 18 dongs
  (one place for two thirds of the subscribers, two for the rest), so about 14 % match.
- "whole district": an alert for all 18 dongs, so every one of the subscribers gets a push. This is
  the target: publish to the last push decrypted <= 60 s, none lost, none twice.

Time is measured from just before the publishing transaction to the moment the receivers decrypted the
last expected push. Key pairs: 256 P-256 pairs shared round-robin, with a different auth secret per
subscriber, so every message still needs its own ECDH on both ends. The database with the subscribers is
built once and copied for each run (alert_fanout_setup.py). Prints a table and writes
bench/results/alert_fanout.json (what this run measured, nothing else).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
sys.path[:0] = [str(ROOT), str(BENCH)]

from alert_fanout_receiver import run_receiver  # noqa: E402
from alert_fanout_setup import ALERT_DONGS, drop, point_at, prepare  # noqa: E402

TIMEOUT = 150.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# The receivers -------------------------------------------------------------------------------------


def receiver_stats(port: int) -> dict[str, Any]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/stats", timeout=5) as response:
        return dict(json.loads(response.read()))


# Measuring -------------------------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc): meaningful when others share the CPU."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_cpu_seconds() -> float:
    """CPU time all processes of the machine used so far (user, nice, system, irq, softirq, steal)."""
    ticks = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


class DatabaseCpu:
    """CPU of the PostgreSQL backends serving this run's database (their command lines name it);
    backends that come and go are followed by sampling."""

    def __init__(self, name: str | None) -> None:
        self.name = name
        self.seen: dict[int, float] = {}
        self.sample()

    def sample(self) -> None:
        if not self.name:
            return
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if cmdline.startswith(b"postgres: ") and self.name.encode() in cmdline:
                pid = int(entry.name)
                self.seen[pid] = max(self.seen.get(pid, 0.0), cpu_seconds(pid))

    def total(self) -> float:
        self.sample()
        return sum(self.seen.values())


def publish(dong_codes: list[str], headline: str) -> Any:
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from sotong.organisation.models import Dong
    from sotong.safety.services.alerts import AlertDraft, alert_create, alert_submit

    officer = get_user_model().objects.get(username="bench-safety")
    draft = AlertDraft(
        hazard="flood",
        severity="Severe",
        urgency="Immediate",
        headline_ko=headline,
        headline_en="Heavy rain warning",
        headline_zh="暴雨警报",
        instruction_ko="반지하와 지하 주차장에서 바로 나오세요.",
        instruction_en="Leave basements and underground car parks now.",
        instruction_zh="请立即离开半地下室和地下停车场。",
        dongs=list(Dong.objects.filter(code__in=dong_codes)),
        expires=timezone.now() + timedelta(hours=6),
    )
    started = time.time()
    alert = alert_submit(alert=alert_create(data=draft, by=officer), by=officer)
    return alert, started


def wait_delivered(
    ports: list[int], alert_id: int, expected: int, started: float, database: DatabaseCpu
) -> dict[str, Any]:
    deadline = time.time() + TIMEOUT
    while True:
        stats = [receiver_stats(port) for port in ports]
        got = sum(int(s["per_alert"].get(str(alert_id), 0)) for s in stats)
        database.sample()
        if got >= expected or time.time() > deadline:
            break
        time.sleep(0.25)
    time.sleep(1.0)  # anything late (a duplicate) shows up in the count
    stats = [receiver_stats(port) for port in ports]
    got = sum(int(s["per_alert"].get(str(alert_id), 0)) for s in stats)
    last = max(float(s["last_at"]) for s in stats)
    return {
        "expected": expected,
        "decrypted_distinct": got,
        "lost": max(0, expected - got),
        "duplicates": sum(int(s["duplicates"]) for s in stats),
        "refused": sum(int(s["refused"]) for s in stats),
        "first_refusal": next((s.get("first_refusal") for s in stats if s.get("first_refusal")), None),
        "seconds": round(last - started, 2) if got else None,
        "pushes_per_second": round(got / (last - started), 0) if got and last > started else None,
    }


def notice_counts(alert_id: int) -> dict[str, int]:
    from sotong.safety.models import AlertNotice

    notices = AlertNotice.objects.filter(alert_id=alert_id)
    return {
        "notices": notices.count(),
        "delivered": notices.filter(delivered_at__isnull=False).count(),
        "failed": notices.exclude(failed="").count(),
    }


def wait_workers_ready(shape: str, workers: list[subprocess.Popen[bytes]], env: dict[str, str]) -> None:
    """RQ workers register in Redis; database workers are ready once their start-up is over (loading
    the routing model keeps a core busy; polling an empty queue takes a few per cent)."""
    deadline = time.time() + 60
    if shape == "postgres":
        import redis
        from rq import Worker

        connection = redis.Redis.from_url(env["REDIS_URL"])
        while len(Worker.all(connection=connection)) < len(workers) and time.time() < deadline:
            time.sleep(0.1)
        return
    before = [cpu_seconds(w.pid) for w in workers]
    while time.time() < deadline:
        time.sleep(0.5)
        now = [cpu_seconds(w.pid) for w in workers]
        if all(b - a < 0.15 for a, b in zip(before, now, strict=True)):
            return
        before = now


# One shape -------------------------------------------------------------------------------------------


def bench_shape(shape: str, count: int, worker_count: int) -> dict[str, Any]:
    from sotong.connectors.webpush.vapid import generate_private_key, private_key_text, public_key_text

    workdir = Path(tempfile.mkdtemp(prefix=f"sotong-bench-fanout-{shape}-"))
    env = prepare(shape, workdir, count)
    population = json.loads(env.pop("BENCH_POPULATION"))
    key = generate_private_key()
    env.update(
        {
            "WEBPUSH_ENABLED": "1",
            "WEBPUSH_VAPID_PRIVATE_KEY": private_key_text(key),
            "WEBPUSH_VAPID_SUBJECT": "mailto:bench@example.go.kr",
            "WEBPUSH_ALLOW_LOOPBACK": "1",
        }
    )
    ports = [free_port(), free_port()]
    RESULTS.mkdir(parents=True, exist_ok=True)
    receiver_log = (RESULTS / f"alert_fanout-{shape}-receivers.log").open("w")
    receivers = [
        subprocess.Popen(
            [sys.executable, __file__, "--receiver", str(port), "--vapid-public", public_key_text(key)],
            cwd=ROOT,
            env=env,
            stdout=receiver_log,
            stderr=subprocess.STDOUT,
        )
        for port in ports
    ]
    workers: list[subprocess.Popen[bytes]] = []
    try:
        os.environ.update(env)
        import django

        django.setup()
        worker_args = ["worker"]
        for number in range(worker_count):
            log = (RESULTS / f"alert_fanout-{shape}-worker{number + 1}.log").open("w")
            workers.append(
                subprocess.Popen(
                    [sys.executable, "-m", "sotong", *worker_args],
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        started = time.perf_counter()
        point_at(ports)
        repoint_seconds = round(time.perf_counter() - started, 1)
        for port in ports:
            for _ in range(100):
                try:
                    receiver_stats(port)
                    break
                except OSError:
                    time.sleep(0.1)
        wait_workers_ready(shape, workers, env)
        from sotong.organisation.models import Dong

        scenarios = {}
        runs = [
            ("two dongs", list(ALERT_DONGS), "당산1동·당산2동 호우경보", population["in_two_dongs"]),
            (
                "whole district",
                list(Dong.objects.values_list("code", flat=True)),
                "영등포구 전역 호우경보",
                count,
            ),
        ]
        database = DatabaseCpu(env.get("BENCH_DATABASE"))
        for name, codes, headline, expected in runs:
            before = (
                sum(cpu_seconds(w.pid) for w in workers),
                sum(cpu_seconds(r.pid) for r in receivers),
                database.total(),
                machine_cpu_seconds(),
                time.perf_counter(),
            )
            alert, started_at = publish(codes, headline)
            row = {
                **wait_delivered(ports, alert.pk, expected, started_at, database),
                **notice_counts(alert.pk),
            }
            workers_cpu = sum(cpu_seconds(w.pid) for w in workers) - before[0]
            receivers_cpu = sum(cpu_seconds(r.pid) for r in receivers) - before[1]
            database_cpu = database.total() - before[2]
            # What other processes on the machine took meanwhile (the 2 cores are shared).
            others_cpu = machine_cpu_seconds() - before[3] - workers_cpu - receivers_cpu - database_cpu
            elapsed = time.perf_counter() - before[4]
            got = max(1, row["decrypted_distinct"])
            row.update(
                {
                    "workers_cpu_ms_per_push": round(workers_cpu * 1000 / got, 3),
                    "receivers_cpu_ms_per_push": round(receivers_cpu * 1000 / got, 3),
                    "database_cpu_ms_per_push": round(database_cpu * 1000 / got, 3)
                    if database.name
                    else None,
                    "others_cores_busy": round(max(0.0, others_cpu) / elapsed, 2),
                    "load_average_after": round(os.getloadavg()[0], 2),
                }
            )
            scenarios[name] = row
    finally:
        for process in [*workers, *receivers]:
            process.send_signal(signal.SIGTERM)
        for process in [*workers, *receivers]:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        from django.db import connections

        connections.close_all()
        drop(env)
        shutil.rmtree(workdir, ignore_errors=True)
    return {
        "shape": shape,
        "workers": worker_count,
        "setup_seconds": float(env["BENCH_SETUP_SECONDS"]),
        "setup_built_cache": env["BENCH_CACHE_BUILT"] == "1",
        "repoint_seconds": repoint_seconds,
        **population,
        "scenarios": scenarios,
    }


def main() -> int:
    wall = time.perf_counter()
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--shapes", default="sqlite")
    parser.add_argument("--workers", type=int, default=2, help="sotong worker processes (default 2)")
    parser.add_argument("--receiver", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--vapid-public", help=argparse.SUPPRESS)
    parser.add_argument("--one-shape", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.receiver:
        run_receiver(args.receiver, args.vapid_public)
        return 0
    if args.one_shape:
        result = bench_shape(args.one_shape, args.subscribers, args.workers)
        Path(args.out).write_text(json.dumps(result))
        return 0
    results = []
    for shape in [s.strip() for s in args.shapes.split(",") if s.strip()]:
        out = Path(tempfile.mkstemp(suffix=".json")[1])
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--one-shape",
                shape,
                "--subscribers",
                str(args.subscribers),
                "--workers",
                str(args.workers),
                "--out",
                str(out),
            ],
            check=True,
            cwd=ROOT,
        )
        results.append(json.loads(out.read_text()))
        out.unlink()
    print(
        f"\nAlert fan-out, {args.subscribers:,} Web Push subscribers, {args.workers} workers, {os.cpu_count()} cores"
    )
    print(
        f"{'shape':<9}{'alert':<16}{'expected':>9}{'decrypted':>10}{'lost':>6}{'twice':>6}{'seconds':>9}"
        f"{'pushes/s':>10}{'CPU ms/push: workers':>22}{'receivers':>10}{'database':>9}{'others, cores':>15}"
    )
    ok = True
    for result in results:
        for name, row in result["scenarios"].items():
            database = row["database_cpu_ms_per_push"]
            print(
                f"{result['shape']:<9}{name:<16}{row['expected']:>9,}{row['decrypted_distinct']:>10,}{row['lost']:>6}"
                f"{row['duplicates']:>6}{row['seconds'] or 0:>9.1f}{row['pushes_per_second'] or 0:>10,.0f}"
                f"{row['workers_cpu_ms_per_push']:>22.2f}{row['receivers_cpu_ms_per_push']:>10.2f}"
                f"{'-' if database is None else f'{database:.2f}':>9}{row['others_cores_busy']:>15.2f}"
            )
            ok = ok and row["lost"] == 0 and row["duplicates"] == 0
        whole = result["scenarios"]["whole district"]
        ok = ok and (whole["seconds"] or 999) <= 60
    seconds = round(time.perf_counter() - wall, 1)
    setups = ", ".join(
        f"{r['shape']} {r['setup_seconds']} s{' (cache built)' if r['setup_built_cache'] else ''}"
        for r in results
    )
    print(f"setup: {setups}; whole command: {seconds} s")
    print(
        "target: whole district (every subscriber) <= 60 s, none lost, none twice:",
        "met" if ok else "NOT met",
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "alert_fanout.json").write_text(
        json.dumps(
            {
                "subscribers": args.subscribers,
                "workers": args.workers,
                "cores": os.cpu_count(),
                "target_met": ok,
                "command_seconds": seconds,
                "results": results,
            },
            indent=2,
            ensure_ascii=False,
        )
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
