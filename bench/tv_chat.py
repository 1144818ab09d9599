"""소통TV chat under a crowd: websocket viewers on `sotong serve`, a steady rate of lines written, the time
from a line's sending to its arrival at every viewer, and whether any viewer missed or reordered one.

    .venv/bin/python bench/tv_chat.py [--viewers 2000] [--rate 20] [--seconds 5] [--drain 3] [--clients 2]
                                      [--shapes echo,sqlite,redis] [--no-deflate]

Three rows, one after another, with the same clients:

- **echo**: the reference, a bare Channels echo consumer (``bench/tv_chat_echo.py``: join a group, send
  every frame to it) served by uvicorn as `sotong serve` serves Sotong, one process, in-memory layer;
- **sqlite**: Sotong's chat (``/ws/tv/<id>/``) on one `sotong serve` process, the embedded shape (a fresh
  copy of a migrated SQLite database, in-memory channel layer and cache);
- **redis**: two `sotong serve` processes over PostgreSQL (a database of the run's own, dropped after)
  and Redis (database 6, a channel prefix of the run's own), half the viewers and half the writers on each.

Viewers only read. Writers are extra connections, each from its own loopback address (127.0.0.2, …), so
that the chat's limit of 30 lines a minute per address holds as it would for people at different homes;
together they send ``--rate`` lines a second, evenly spaced, for ``--seconds``. A line carries its
sending time (``time.monotonic_ns()``, one clock for every process here) and its sequence number,
spelt in consonants because the chat masks long digit runs (account numbers) and reads digits as
profanity ("18"). Every viewer records each line's latency and checks that it saw every line the chat
did not refuse or hold (writers get ``said`` or ``error``; a line left unanswered is still expected), once,
and each writer's lines in order. A delivery not arrived ``--drain`` seconds after the last line was sent
counts as lost (the in-memory layer and channels_redis do drop events for a consumer that lags far enough
behind, so late and lost are not told apart). Latencies are printed of the deliveries that arrived, and
the target's p99 also over every delivery expected, a lost one counting as infinitely late ("lost" when
more than 1 % are). The JSON has the latency by second of sending, which shows a server falling behind.

The clients are ``websockets`` (asyncio on uvloop) in ``--clients`` processes, offering permessage-deflate
as browsers do (``--no-deflate`` not); their CPU is reported beside the servers': the machine's two cores
serve and read at once, and a client process near 1.0 core delays the deliveries it measures.

The databases, migrated and with a live broadcast, are built once (SQLite in ``bench/.cache/``,
PostgreSQL a template database ``sotong_bench_tvchat_tpl_<key>``; the key hashes the migrations and the
broadcast's script), which takes one to two minutes the first time. Servers get SIGTERM after their row
and are killed (and counted) if still running 5 s later. Prints a table and writes
bench/results/tv_chat.json; servers' output goes to bench/results/tv_chat-<row>-<n>.log.
Target (issue): p99 ≤ 250 ms, none lost or reordered.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import math
import multiprocessing
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from array import array
from base64 import urlsafe_b64encode
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
CACHE = ROOT / "bench" / ".cache"
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
REDIS = "redis://127.0.0.1:6379/6"
TEMPLATE_PREFIX = "sotong_bench_tvchat_tpl_"
TICKS = os.sysconf("SC_CLK_TCK")
# Digits spelt as consonants: the chat masks runs of digits and reads some as profanity.
DIGITS = "BCDGHJKMPQ"
SPELL = str.maketrans("0123456789", DIGITS)
READ = str.maketrans(DIGITS, "0123456789")
ADDRESS_LIMIT_PER_MINUTE = 30  # sotong.tv.consumers.ADDRESS_LIMIT
FLOOD_PER_SECOND = 8 / 5  # sotong.tv.consumers: 8 frames in 5 s per connection


# ---------------------------------------------------------------------------------------------- clients


def body_for(seq: int, writer: int) -> str:
    return f"벤치 t{str(time.monotonic_ns()).translate(SPELL)} n{str(seq).translate(SPELL)} w{writer}"


def read_body(body: str) -> tuple[int, int, int]:
    """(sent at, in monotonic ns; sequence number; writer) from a line's body."""
    _word, sent, seq, writer = body.split()
    return int(sent[1:].translate(READ)), int(seq[1:].translate(READ)), int(writer[1:])


class Viewer:
    __slots__ = ("closed", "duplicates", "error", "last", "reordered", "seen")

    def __init__(self, lines: int, writers: int) -> None:
        self.seen = bytearray(lines)
        self.last = [-1] * writers
        self.duplicates = 0
        self.reordered = 0
        self.closed = False
        self.error = ""


async def client_main(conn: Connection, spec: dict[str, Any]) -> None:
    """One client process: connect its viewers and writers, report, wait for the start, read and write."""
    from websockets.asyncio.client import connect
    from websockets.exceptions import ConnectionClosed

    kind: str = spec["kind"]
    lines: int = spec["lines"]
    writers_total: int = spec["writers_total"]
    compression = "deflate" if spec["deflate"] else None
    latencies = array("d")
    latency_seqs = array("i")
    viewers: list[Viewer] = []
    sockets: list[Any] = []
    gate = asyncio.Semaphore(spec["connect_concurrency"])
    failures: list[str] = []

    async def open_one(server: int, address: str | None, device: str) -> Any:
        port = spec["ports"][server]
        url = (
            f"ws://127.0.0.1:{port}/ws/echo/"
            if kind == "echo"
            else f"ws://127.0.0.1:{port}/ws/tv/{spec['pk']}/"
        )
        async with gate:
            ws = await connect(
                url,
                origin=f"http://127.0.0.1:{port}",  # type: ignore[arg-type]
                additional_headers={"Cookie": f"sotong_tv_device={device}"},
                compression=compression,
                proxy=None,
                open_timeout=60,
                max_queue=256,
                local_addr=(address, 0) if address else None,
            )
            if kind != "echo":
                hello = json.loads(await asyncio.wait_for(ws.recv(), 60))
                assert hello["type"] == "hello", hello
            return ws

    async def viewer_read(ws: Any, viewer: Viewer) -> None:
        seen, last = viewer.seen, viewer.last
        try:
            async for frame in ws:
                now = time.monotonic_ns()
                if kind == "echo":
                    bodies = [frame]
                else:
                    # One event, or (under load) an array of the events that came together.
                    decoded = json.loads(frame)
                    events = decoded if isinstance(decoded, list) else [decoded]
                    bodies = [event["message"]["body"] for event in events if event.get("type") == "chat"]
                for body in bodies:
                    sent, seq, writer = read_body(body)
                    if seen[seq]:
                        viewer.duplicates += 1
                        continue
                    seen[seq] = 1
                    latencies.append((now - sent) / 1e6)
                    latency_seqs.append(seq)
                    if seq < last[writer]:
                        viewer.reordered += 1
                    else:
                        last[writer] = seq
        except ConnectionClosed as closed:  # the server closed it (or this process, at the end)
            viewer.error = f"closed: {closed}"[:200]
        except Exception as error:  # a frame this bench cannot read: counted and shown, not hidden
            viewer.error = f"{type(error).__name__}: {error}"[:200]
        viewer.closed = True

    acks: dict[int, str] = {}  # every line answered: said (its state) or refused ("error:<code>")
    errors: dict[str, int] = {}
    ack_ms = array("d")
    sent_at: dict[int, int] = {}
    lag_ms = array("d")

    async def writer_read(ws: Any) -> None:
        with contextlib.suppress(Exception):
            async for frame in ws:
                if kind == "echo":
                    continue
                decoded = json.loads(frame)
                for event in decoded if isinstance(decoded, list) else [decoded]:
                    kind_of = event.get("type")
                    if kind_of == "said":
                        seq = int(event["client_id"])
                        acks[seq] = event["state"]
                        ack_ms.append((time.monotonic_ns() - sent_at[seq]) / 1e6)
                    elif kind_of == "error":
                        code = event.get("code", "?")
                        errors[code] = errors.get(code, 0) + 1
                        with contextlib.suppress(ValueError):
                            acks[int(event.get("client_id", ""))] = f"error:{code}"

    async def write(ws: Any, writer: int, start: float) -> None:
        for seq in range(writer, lines, writers_total):
            at = start + seq / spec["rate"]
            await asyncio.sleep(max(0.0, at - time.monotonic()))
            lag_ms.append((time.monotonic() - at) * 1000)
            sent_at[seq] = time.monotonic_ns()
            body = body_for(seq, writer)
            if kind == "echo":
                await ws.send(body)
            else:
                await ws.send(
                    json.dumps({"type": "say", "client_id": str(seq), "name": f"벤치{writer}", "body": body})
                )

    began = time.monotonic()

    async def viewer_open(server: int, number: int) -> None:
        try:
            ws = await open_one(server, None, f"bench-viewer-{number}")
        except Exception as error:
            failures.append(f"{type(error).__name__}: {error}"[:200])
            return
        viewer = Viewer(lines, writers_total)
        viewers.append(viewer)
        sockets.append(ws)
        tasks.append(asyncio.create_task(viewer_read(ws, viewer)))

    tasks: list[asyncio.Task[None]] = []
    await asyncio.gather(*(viewer_open(server, number) for number, server in spec["viewers"]))
    writer_sockets: list[tuple[int, Any]] = []
    for writer, server in spec["writers"]:
        ws = await open_one(server, f"127.0.0.{2 + writer}", f"bench-writer-{writer}")
        writer_sockets.append((writer, ws))
        tasks.append(asyncio.create_task(writer_read(ws)))
    conn.send({"connected": len(viewers), "failed": len(failures), "failures": failures[:5],
               "seconds": time.monotonic() - began})  # fmt: skip

    start = await asyncio.get_running_loop().run_in_executor(None, conn.recv)
    writing = [asyncio.create_task(write(ws, writer, start)) for writer, ws in writer_sockets]
    deadline = start + (lines - 1) / spec["rate"] + spec["drain"]
    mine = [seq for seq in range(lines) if any(seq % writers_total == w for w, _ws in writer_sockets)]
    while time.monotonic() < deadline:
        await asyncio.sleep(0.2)
        done_writing = all(task.done() for task in writing)
        acked = kind == "echo" or all(seq in acks for seq in mine)
        if done_writing and acked and all(v.closed or sum(v.seen) == lines for v in viewers):
            break
    for task in writing:
        task.cancel()
    conn.send(
        {
            "latencies": latencies.tobytes(),
            "latency_seqs": latency_seqs.tobytes(),
            "seen": b"".join(bytes(v.seen) for v in viewers),
            "duplicates": sum(v.duplicates for v in viewers),
            "reordered": sum(v.reordered for v in viewers),
            "closed_early": sum(v.closed for v in viewers),
            "viewer_errors": sorted({v.error for v in viewers if v.error})[:5],
            "sent": array("i", sent_at).tobytes(),
            "acks": acks,
            "errors": errors,
            "ack_ms": ack_ms.tobytes(),
            "lag_ms": lag_ms.tobytes(),
        }
    )
    everything = sockets + [ws for _w, ws in writer_sockets]
    with contextlib.suppress(Exception):
        await asyncio.wait_for(asyncio.gather(*(ws.close() for ws in everything), return_exceptions=True), 3)
    for task in tasks:
        task.cancel()


def client_process(conn: Connection, spec: dict[str, Any]) -> None:
    import uvloop

    uvloop.run(client_main(conn, spec))


# ---------------------------------------------------------------------------------------------- servers


def phase(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def cpu_of(pids: list[int]) -> dict[int, float]:
    """CPU seconds of the processes still there (a PostgreSQL backend may end meanwhile)."""
    return {pid: cpu_seconds(pid) for pid in pids if Path(f"/proc/{pid}").exists()}


def machine_busy() -> float:
    """CPU seconds the whole machine has been busy (all cores)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    return (sum(fields) - fields[3] - fields[4]) / TICKS  # all but idle and iowait


def migrations_key() -> str:
    import django
    import wagtail

    digest = hashlib.sha256(f"{django.__version__}:{wagtail.__version__}".encode())
    for path in sorted(ROOT.glob("sotong/*/migrations/*.py")):
        digest.update(path.read_bytes())
    digest.update(CREATE_BROADCAST.encode())
    return digest.hexdigest()[:12]


def base_env(folder: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DEBUG": "0",
        "SECRET_KEY": "bench-" + secrets.token_urlsafe(48),
        "FIELD_ENCRYPTION_KEYS": urlsafe_b64encode(b"c" * 32).decode(),
        "SOTONG_DATA_DIR": str(folder),
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    for name in ("DATABASE_URL", "REDIS_URL", "CHANNEL_LAYER_PREFIX"):
        env.pop(name, None)
    return env


def sotong(args: list[str], env: dict[str, str], **kwargs: Any) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "sotong", *args], cwd=ROOT, env=env, **kwargs)


CREATE_BROADCAST = """
from datetime import timedelta
from django.utils import timezone
from sotong.tv.choices import BroadcastState, ChatMode
from sotong.tv.models import Broadcast, Show
show = Show.objects.create(slug='bench-chat', title_ko='벤치')
now = timezone.now()
# The chat looks at the state, not the clock: a broadcast live for the cache's lifetime.
b = Broadcast.objects.create(
    show=show, title_ko='채팅 측정', starts_at=now, ends_at=now + timedelta(days=3650),
    state=BroadcastState.LIVE, went_live_at=now, chat_mode=ChatMode.OPEN, chat_slow_seconds=0,
)
print(b.pk)
"""


def build_caches(shapes: list[str], key: str) -> dict[str, int]:
    """Migrate and create the live broadcast once per set of migrations: SQLite into bench/.cache,
    PostgreSQL into a template database. Returns the broadcast's id for each shape."""
    CACHE.mkdir(parents=True, exist_ok=True)
    sqlite_cache = CACHE / f"tv_chat-{key}.sqlite3"
    builds: dict[str, Any] = {}

    def build(env: dict[str, str]) -> int:
        subprocess.run([sys.executable, "-m", "sotong", "migrate", "-v0"], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
        out = subprocess.run([sys.executable, "-m", "sotong", "shell", "-c", CREATE_BROADCAST], cwd=ROOT,
                             env=env, check=True, capture_output=True, text=True).stdout  # fmt: skip
        return int(out.strip().splitlines()[-1])

    pool = ThreadPoolExecutor(2)
    if "sqlite" in shapes and not sqlite_cache.with_suffix(".pk").exists():
        folder = Path(tempfile.mkdtemp(prefix="sotong-bench-tvchat-build-"))

        def sqlite_build(folder: Path = folder) -> int:
            try:
                pk = build(base_env(folder))
                for old in CACHE.glob("tv_chat-*"):  # built for migrations since changed
                    old.unlink()
                shutil.copy(folder / "sotong.sqlite3", sqlite_cache)
                sqlite_cache.with_suffix(".pk").write_text(str(pk))
                return pk
            finally:
                shutil.rmtree(folder, ignore_errors=True)

        builds["SQLite"] = pool.submit(sqlite_build)
    template = TEMPLATE_PREFIX + key
    if "redis" in shapes:
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            found = conn.execute(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                (template,),
            ).fetchone()
            if not found or not found[0]:  # no template, or one whose build did not finish
                for (old,) in conn.execute(
                    "SELECT datname FROM pg_database WHERE datname LIKE %s", (TEMPLATE_PREFIX + "%",)
                ).fetchall():
                    conn.execute(f'DROP DATABASE IF EXISTS "{old}" WITH (FORCE)')
                conn.execute(f'CREATE DATABASE "{template}"')

        def postgres_build() -> int:
            folder = Path(tempfile.mkdtemp(prefix="sotong-bench-tvchat-build-"))
            env = {**base_env(folder), "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{template}"}
            try:
                pk = build(env)
            except BaseException:
                drop_database(template)
                raise
            finally:
                shutil.rmtree(folder, ignore_errors=True)
            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                # The broadcast's id, kept on the template: its presence says the build finished.
                conn.execute(f"COMMENT ON DATABASE \"{template}\" IS 'broadcast {pk}'")
            return pk

        if not found or not found[0]:
            builds["PostgreSQL"] = pool.submit(postgres_build)
    if builds:
        phase(f"building the bench databases once ({', '.join(builds)}): migrations and a live broadcast")
    try:
        for name, future in builds.items():
            try:
                future.result()
            except subprocess.CalledProcessError as error:
                raise SystemExit(f"building the {name} bench database failed: {error}") from error
    finally:
        pool.shutdown()
    pks = {}
    if "sqlite" in shapes:
        pks["sqlite"] = int(sqlite_cache.with_suffix(".pk").read_text())
    if "redis" in shapes:
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            (comment,) = conn.execute(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                (template,),
            ).fetchone()  # type: ignore[misc]
        pks["redis"] = int(comment.split()[-1])
    return pks


def drop_database(name: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def prepare(shape: str, key: str, folder: Path) -> dict[str, str]:
    """The environment of a row's servers, with a fresh database (a copy of the built one)."""
    env = base_env(folder)
    if shape == "sqlite":
        shutil.copy(CACHE / f"tv_chat-{key}.sqlite3", folder / "sotong.sqlite3")
    else:
        import psycopg
        import redis

        name = f"sotong_bench_tvchat_{secrets.token_hex(3)}"
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE_PREFIX + key}"')
        redis.Redis.from_url(REDIS).flushdb()
        env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{name}"
        env["REDIS_URL"] = REDIS
        env["CHANNEL_LAYER_PREFIX"] = f"bench-tvchat-{name[-6:]}"
        env["BENCH_DATABASE"] = name
    return env


def wait_port(port: int, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server on port {port} exited with {proc.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit(f"nothing listens on port {port} after {timeout} s")


def wait_healthy(port: int, proc: subprocess.Popen[bytes]) -> None:
    wait_port(port, proc)
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=30) as response:
        assert response.status == 200


def stop(procs: list[subprocess.Popen[bytes]], grace: float = 5) -> int:
    """Stop the servers, waiting ``grace`` seconds for them to finish; how many had to be killed."""
    killed = 0
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
    deadline = time.monotonic() + grace
    for proc in procs:
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            phase(f"process {proc.pid} still running {grace:g} s after SIGTERM: killed")
            proc.kill()
            proc.wait()
            killed += 1
    return killed


def helper_pids(env: dict[str, str]) -> list[int]:
    """Redis and this row's PostgreSQL backends: their CPU belongs to the scaled shape."""
    pids = [
        int(p)
        for p in subprocess.run(
            ["pgrep", "-x", "redis-server"], capture_output=True, text=True
        ).stdout.split()
    ]
    name = env.get("BENCH_DATABASE")
    if name:
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            rows = conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", (name,)).fetchall()
        pids += [int(pid) for (pid,) in rows]
    return pids


# ---------------------------------------------------------------------------------------------- one row


def percentile(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


def run_row(
    row: str, args: argparse.Namespace, servers: list[subprocess.Popen[bytes]], ports: list[int],
    pk: int, env: dict[str, str],
) -> dict[str, Any]:  # fmt: skip
    lines = round(args.rate * args.seconds)
    writers = args.writers
    kind = "echo" if row == "echo" else "sotong"
    context = multiprocessing.get_context("spawn")
    specs: list[dict[str, Any]] = [
        {
            "kind": kind, "ports": ports, "pk": pk, "lines": lines, "rate": args.rate, "drain": args.drain,
            "writers_total": writers, "deflate": not args.no_deflate, "connect_concurrency": 50,
            "viewers": [], "writers": [],
        }
        for _ in range(args.clients)
    ]  # fmt: skip
    for number in range(args.viewers):
        specs[number % args.clients]["viewers"].append((number, number % len(ports)))
    for writer in range(writers):
        specs[writer % args.clients]["writers"].append((writer, writer % len(ports)))
    pipes, clients = [], []
    server_pids = [proc.pid for proc in servers]
    began = time.monotonic()
    server_cpu = sum(cpu_seconds(pid) for pid in server_pids)
    for spec in specs:
        mine, theirs = context.Pipe()
        client = context.Process(target=client_process, args=(theirs, spec), daemon=True)
        client.start()
        pipes.append(mine)
        clients.append(client)
    try:
        phase(f"{row}: connecting {args.viewers} viewers and {writers} writers")
        connected = [pipe.recv() if pipe.poll(args.connect_timeout) else None for pipe in pipes]
        if any(c is None for c in connected):
            raise SystemExit(f"{row}: the clients did not connect within {args.connect_timeout} s")
        connect_seconds = time.monotonic() - began
        connect_cpu = sum(cpu_seconds(pid) for pid in server_pids) - server_cpu
        viewers = sum(c["connected"] for c in connected)
        failures = [f for c in connected for f in c["failures"]]
        phase(f"{row}: {viewers} viewers in {connect_seconds:.1f} s; {lines} lines at {args.rate}/s")
        time.sleep(0.5)  # past the connections' own first work
        helpers = helper_pids(env)
        start = time.monotonic() + 0.5
        before = {
            "servers": [cpu_seconds(pid) for pid in server_pids],
            "clients": [cpu_seconds(c.pid or 0) for c in clients],
            "helpers": cpu_of(helpers),
            "machine": machine_busy(),
            "at": time.monotonic(),
        }
        for pipe in pipes:
            pipe.send(start)
        results = []
        for pipe in pipes:
            if not pipe.poll(lines / args.rate + args.drain + 30):
                raise SystemExit(f"{row}: a client did not report")
            results.append(pipe.recv())
        wall = time.monotonic() - before["at"]
        server_cores = [
            (cpu_seconds(pid) - was) / wall for pid, was in zip(server_pids, before["servers"], strict=False)
        ]
        client_cores = [
            (cpu_seconds(c.pid or 0) - was) / wall for c, was in zip(clients, before["clients"], strict=False)
        ]
        helpers_after = cpu_of(helpers)
        helper_cores = (
            sum(helpers_after[pid] - was for pid, was in before["helpers"].items() if pid in helpers_after)
            / wall
        )
        machine_cores = (machine_busy() - before["machine"]) / wall
        for client in clients:
            client.join(timeout=15)
    finally:
        for client in clients:
            if client.is_alive():
                client.terminate()
                client.join()

    import numpy as np

    acks: dict[int, str] = {}
    errors: dict[str, int] = {}
    for result in results:
        acks.update(result["acks"])
        for code, count in result["errors"].items():
            errors[code] = errors.get(code, 0) + count
    sent_seqs = np.frombuffer(b"".join(r["sent"] for r in results), dtype=np.int32)
    sent = len(sent_seqs)
    # Expected at every viewer: each line sent that the chat did not refuse or hold (a line without an
    # answer counts: a chat too busy to answer its writer has not refused the line).
    accepted = np.zeros(lines, dtype=bool)
    accepted[sent_seqs] = True
    refused = [seq for seq, state in acks.items() if state != "visible"]
    accepted[refused] = False
    unanswered = 0 if kind == "echo" else sent - len(acks)
    seen = np.frombuffer(b"".join(r["seen"] for r in results), dtype=np.uint8).reshape(-1, lines).astype(bool)
    received = int(seen[:, accepted].sum())
    expected = int(accepted.sum()) * viewers
    raw = np.frombuffer(b"".join(r["latencies"] for r in results))
    raw_seqs = np.frombuffer(b"".join(r["latency_seqs"] for r in results), dtype=np.int32)
    latencies = sorted(raw[accepted[raw_seqs]].tolist()) if len(raw) else []
    # The target's p99 is over every delivery expected: one that never arrived counts as infinitely late.
    lost_share = (expected - received) / expected if expected else 0.0

    def counting_lost(share: float) -> float | None:
        if not expected or share > 1 - lost_share:
            return None  # beyond the deliveries that arrived: lost
        return round(percentile(latencies, share / (1 - lost_share)), 1) if latencies else None

    # Latency by second of sending: a backlog growing (the server falling behind) or a stall at the start.
    by_second = []
    second_of = (raw_seqs / args.rate).astype(int)
    for second in range(math.ceil(lines / args.rate)):
        these = np.sort(raw[second_of == second])
        if len(these):
            by_second.append(
                {
                    "second": second,
                    "deliveries": len(these),
                    "p50": round(float(these[len(these) // 2]), 1),
                    "max": round(float(these[-1]), 1),
                }
            )
    ack_ms = sorted(np.frombuffer(b"".join(r["ack_ms"] for r in results)).tolist())
    lag_ms = np.frombuffer(b"".join(r["lag_ms"] for r in results))
    figures = {
        "row": row,
        "server_processes": len(servers),
        "viewers": viewers,
        "viewers_failed": len(failures),
        "failures": failures[:5],
        "connect_s": round(connect_seconds, 1),
        "connect_server_cpu_ms_per_viewer": round(connect_cpu / max(viewers, 1) * 1000, 2),
        "writers": writers,
        "lines_sent": sent,
        "lines_accepted": int(accepted.sum()),
        "lines_held_or_refused": {"held": sum(1 for s in acks.values() if s == "held"), **errors},
        "lines_unanswered": unanswered,
        "deliveries_expected": expected,
        "deliveries_received": received,
        "lost": expected - received,
        "unexpected": int(seen[:, ~accepted].sum()),
        "duplicates": sum(r["duplicates"] for r in results),
        "reordered": sum(r["reordered"] for r in results),
        "connections_dropped": sum(r["closed_early"] for r in results),
        "viewer_errors": sorted({e for r in results for e in r["viewer_errors"]})[:5],
        "p99_counting_lost_ms": counting_lost(0.99),  # None: more than 1 % lost
        "p50_counting_lost_ms": counting_lost(0.50),
        "latency_arrived_ms": {
            "p50": round(percentile(latencies, 0.50), 1),
            "p95": round(percentile(latencies, 0.95), 1),
            "p99": round(percentile(latencies, 0.99), 1),
            "max": round(latencies[-1], 1),
        }
        if latencies
        else None,
        "said_ms": {"p50": round(percentile(ack_ms, 0.5), 1), "p99": round(percentile(ack_ms, 0.99), 1)}
        if ack_ms
        else None,
        "latency_by_second_ms": by_second,
        "writer_lag_ms_max": round(float(lag_ms.max()), 1) if len(lag_ms) else None,
        "seconds_measured": round(wall, 1),
        # What one delivery costs the servers: the capacity of a core, whatever else runs beside.
        "server_cpu_us_per_delivery": round(sum(server_cores) * wall / max(received, 1) * 1e6, 1),
        "server_cores": [round(c, 2) for c in server_cores],
        "client_cores": [round(c, 2) for c in client_cores],
        "redis_postgres_cores": round(helper_cores, 2) if env.get("REDIS_URL") else None,
        "others_cores": round(
            max(0.0, machine_cores - sum(server_cores) - sum(client_cores) - helper_cores), 2
        ),
    }
    phase(
        f"{row}: {received:,} of {expected:,} deliveries, p99 "
        f"{figures['latency_arrived_ms']['p99'] if latencies else '-'} ms; p50/max by second of sending: "
        + ", ".join(f"{s['p50']:.0f}/{s['max']:.0f}" for s in by_second)
    )
    return figures


def echo_row(args: argparse.Namespace, logs: Path) -> dict[str, Any]:
    port = free_port()
    with open(logs / "tv_chat-echo-1.log", "wb") as log:
        server = subprocess.Popen(
            [sys.executable, str(ROOT / "bench" / "tv_chat_echo.py"), "--port", str(port)],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    figures: dict[str, Any] = {}
    try:
        wait_port(port, server)
        figures = run_row("echo", args, [server], [port], 0, {})
    finally:
        figures["servers_killed_after_sigterm"] = stop([server])
    return figures


def sotong_row(
    row: str, args: argparse.Namespace, logs: Path, env: dict[str, str], pk: int
) -> dict[str, Any]:
    count = 2 if row == "redis" else 1
    ports = [free_port() for _ in range(count)]
    servers = []
    for n, port in enumerate(ports, 1):
        with open(logs / f"tv_chat-{row}-{n}.log", "wb") as log:
            servers.append(sotong(["serve", "--port", str(port)], env, stdout=log, stderr=subprocess.STDOUT))
    figures: dict[str, Any] = {}
    try:
        for port, server in zip(ports, servers, strict=False):
            wait_healthy(port, server)
        figures = run_row(row, args, servers, ports, pk, env)
    finally:
        # A server still running 5 s after SIGTERM is killed and counted (see bench/README.md).
        figures["servers_killed_after_sigterm"] = stop(servers)
    return figures


# ---------------------------------------------------------------------------------------------- report


def ms(value: float | None) -> str:
    return "lost" if value is None else f"{value:,.1f}"


def table(rows: list[dict[str, Any]]) -> str:
    out = [
        "| row | server procs | viewers | lines sent | deliveries expected | arrived | lost | reordered "
        "| p50 ms | p99 ms | max ms | p99 ms, lost counted | server cores | client cores | redis+pg cores "
        "| others, cores |",
        "|" + "---|" * 16,
    ]
    for r in rows:
        lat = r["latency_arrived_ms"] or {"p50": None, "p99": None, "max": None}
        out.append(
            f"| {r['row']} | {r['server_processes']} | {r['viewers']:,} | {r['lines_sent']} "
            f"| {r['deliveries_expected']:,} | {r['deliveries_received']:,} | {r['lost']:,} | {r['reordered']} "
            f"| {ms(lat['p50'])} | {ms(lat['p99'])} | {ms(lat['max'])} | {ms(r['p99_counting_lost_ms'])} "
            f"| {' + '.join(f'{c:.2f}' for c in r['server_cores'])} "
            f"| {' + '.join(f'{c:.2f}' for c in r['client_cores'])} "
            f"| {'-' if r['redis_postgres_cores'] is None else r['redis_postgres_cores']} | {r['others_cores']} |"
        )
    return "\n".join(out)


def details(rows: list[dict[str, Any]]) -> str:
    out = [
        "| row | connect s | server CPU ms per connection | viewers failed | dropped | duplicates "
        "| held/refused lines | unanswered | said p50/p99 ms | writer lag max ms | server CPU µs per delivery "
        "| killed after SIGTERM |",
        "|" + "---|" * 12,
    ]
    for r in rows:
        said = r["said_ms"]
        said_text = f"{said['p50']} / {said['p99']}" if said else "-"
        refused = ", ".join(f"{k} {v}" for k, v in r["lines_held_or_refused"].items() if v) or "0"
        out.append(
            f"| {r['row']} | {r['connect_s']} | {r['connect_server_cpu_ms_per_viewer']} | {r['viewers_failed']} "
            f"| {r['connections_dropped']} | {r['duplicates']} | {refused} "
            f"| {r['lines_unanswered']} | {said_text} | {r['writer_lag_ms_max']} | {r['server_cpu_us_per_delivery']} "
            f"| {r.get('servers_killed_after_sigterm', '-')} |"
        )
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--viewers", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=20, help="lines per second, all writers together")
    parser.add_argument("--seconds", type=float, default=5, help="how long lines are sent")
    parser.add_argument("--writers", type=int, default=0, help="writer connections (default: enough)")
    parser.add_argument("--clients", type=int, default=2, help="client processes")
    parser.add_argument("--drain", type=float, default=3, help="seconds to wait for late deliveries")
    parser.add_argument("--connect-timeout", type=float, default=60)
    parser.add_argument("--shapes", default="echo,sqlite,redis")
    parser.add_argument("--no-deflate", action="store_true", help="clients do not offer permessage-deflate")
    args = parser.parse_args()
    # A stop from outside (timeout, Ctrl-C) still stops the servers and drops the database.
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(143))
    shapes = [s for s in args.shapes.split(",") if s]
    lines = round(args.rate * args.seconds)
    # Enough writers that none exceeds the per-address limit (a 60 s window: at most 25 lines each, with
    # room to spare) or the per-connection flood guard.
    args.writers = max(args.writers, math.ceil(lines / 25), math.ceil(args.rate / FLOOD_PER_SECOND * 1.3))
    if args.writers > 250:
        raise SystemExit("too many writers for 127.0.0.2-127.0.0.251; lower --rate or --seconds")

    began = time.monotonic()
    key = migrations_key()
    pks = build_caches(shapes, key)
    RESULTS.mkdir(parents=True, exist_ok=True)
    folders: dict[str, Path] = {}
    envs: dict[str, dict[str, str]] = {}
    rows: list[dict[str, Any]] = []
    try:
        for shape in shapes:
            if shape == "echo":
                continue
            folders[shape] = Path(tempfile.mkdtemp(prefix=f"sotong-bench-tvchat-{shape}-"))
            envs[shape] = prepare(shape, key, folders[shape])
        setup_seconds = time.monotonic() - began
        for shape in shapes:
            if shape == "echo":
                rows.append(echo_row(args, RESULTS))
            else:
                rows.append(sotong_row(shape, args, RESULTS, envs[shape], pks[shape]))
    finally:
        for env in envs.values():
            if env.get("BENCH_DATABASE"):
                drop_database(env["BENCH_DATABASE"])
                import redis

                redis.Redis.from_url(REDIS).flushdb()
        for folder in folders.values():
            shutil.rmtree(folder, ignore_errors=True)

    deflate = "no compression" if args.no_deflate else "permessage-deflate"
    print(
        f"\n소통TV chat: {args.viewers:,} viewers, {args.rate:g} lines/s for {args.seconds:g} s from "
        f"{args.writers} writers, {args.clients} client processes, {deflate}; target p99 ≤ 250 ms, none lost"
    )
    print(table(rows))
    print()
    print(details(rows))
    result = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "processor": platform.processor(),
            "load_average_at_end": os.getloadavg(),
        },
        "parameters": {
            "viewers": args.viewers,
            "rate_per_s": args.rate,
            "seconds": args.seconds,
            "lines": lines,
            "writers": args.writers,
            "client_processes": args.clients,
            "drain_s": args.drain,
            "permessage_deflate": not args.no_deflate,
            "shapes": shapes,
        },
        "rows": rows,
        "setup_s": round(setup_seconds, 1),
        "duration_s": round(time.monotonic() - began, 1),
    }
    (RESULTS / "tv_chat.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(f"\n{result['duration_s']} s; bench/results/tv_chat.json")


if __name__ == "__main__":
    main()
