"""The alert fan-out benchmark's database, built once and copied for every run.

Building it (migrations, the sample district, the routing model the workers load, 100,000 Web Push
subscribers with their places) takes a minute or two; copying it takes a second or two. The copy is kept
in bench/.cache/fanout-<key>/ (SQLite: the database file; PostgreSQL: a template database
`sotong_bench_fanout_tpl_<key>`), where the key hashes the migrations, the sample data, this file and the
number of subscribers, so any change to them builds it again.

The cached endpoints name placeholder ports (`http://127.0.0.1:1/push/<n>` and `:2/`); a run points them
at its own receivers with one UPDATE per receiver before anything is timed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
CACHE = BENCH / ".cache"
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
REDIS = "redis://127.0.0.1:6379/13"
TEMPLATE_PREFIX = "sotong_bench_fanout_tpl_"
RUN_PREFIX = "sotong_bench_fanout_run_"

KEY_POOL = 256
SEED = b"sotong-bench-alert-fanout"
ALERT_DONGS = ("dangsan1", "dangsan2")
PLACEHOLDER_PORTS = (1, 2)


# Keys shared by the subscribers (public halves) and the receivers (private halves) -------------------


def pool_keys() -> list[Any]:
    from cryptography.hazmat.primitives.asymmetric import ec

    keys = []
    for index in range(KEY_POOL):
        scalar = int.from_bytes(hashlib.sha256(SEED + index.to_bytes(4, "big")).digest(), "big")
        keys.append(ec.derive_private_key(scalar % (2**255) + 1, ec.SECP256R1()))
    return keys


def auth_for(number: int) -> bytes:
    return hmac.new(SEED, f"auth:{number}".encode(), hashlib.sha256).digest()[:16]


# Environment -----------------------------------------------------------------------------------------


def base_env(workdir: Path) -> dict[str, str]:
    """Base settings with DEBUG on: the loopback receivers need WEBPUSH_ALLOW_LOOPBACK, which the
    settings refuse without DEBUG. Nothing else of DEBUG is on the fan-out's path."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DEBUG": "1",
        "SOTONG_DATA_DIR": str(workdir),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    for name in ("DATABASE_URL", "REDIS_URL", "CHANNEL_LAYER_PREFIX"):
        env.pop(name, None)
    return env


def cache_key(count: int) -> str:
    import django
    import wagtail

    digest = hashlib.sha256(f"{django.__version__}:{wagtail.__version__}:{count}".encode())
    files = sorted(ROOT.glob("sotong/*/migrations/*.py")) + sorted(ROOT.glob("sotong/*/data/*.csv"))
    for path in [*files, Path(__file__)]:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "-m", "sotong", *args], cwd=ROOT, env=env, check=True, capture_output=True
    )


def _build(env: dict[str, str], count: int, population: Path) -> None:
    """Migrate, load the district, train the routing model once, add the subscribers."""
    _manage("migrate", env=env)
    _manage("load_sample_district", env=env)
    _manage("shell", "-c", "from sotong.voice import routing; routing.get_model()", env=env)
    subprocess.run(
        [sys.executable, __file__, "populate", str(count), str(population)], cwd=ROOT, env=env, check=True
    )


# Preparing a run -------------------------------------------------------------------------------------


def prepare(shape: str, workdir: Path, count: int) -> dict[str, str]:
    """A fresh database for this run, copied from the cached one (built first if there is none)."""
    started = time.perf_counter()
    key = cache_key(count)
    cache = CACHE / f"fanout-{key}"
    env = base_env(workdir)
    built = False
    if shape == "sqlite":
        if not (cache / "sotong.sqlite3").exists():
            build = Path(tempfile.mkdtemp(prefix="sotong-bench-fanout-build-"))
            _build(base_env(build), count, build / "population.json")
            cache.mkdir(parents=True, exist_ok=True)
            shutil.copytree(build / "models", cache / "models", dirs_exist_ok=True)
            shutil.copy(build / "population.json", cache / "population-sqlite.json")
            _sqlite_copy(build / "sotong.sqlite3", cache / "sotong.sqlite3")
            shutil.rmtree(build, ignore_errors=True)
            built = True
        shutil.copy(cache / "sotong.sqlite3", workdir / "sotong.sqlite3")
        population = cache / "population-sqlite.json"
    else:
        import psycopg

        template = f"{TEMPLATE_PREFIX}{key}"
        population = cache / "population-postgres.json"
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (template,)).fetchone()
            if not exists or not population.exists():
                for (old,) in conn.execute(
                    "SELECT datname FROM pg_database WHERE datname LIKE %s", (f"{TEMPLATE_PREFIX}%",)
                ).fetchall():
                    conn.execute(f'DROP DATABASE IF EXISTS "{old}" WITH (FORCE)')
                conn.execute(f'CREATE DATABASE "{template}"')
        if not exists or not population.exists():
            build = Path(tempfile.mkdtemp(prefix="sotong-bench-fanout-build-"))
            build_env = {**base_env(build), "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{template}"}
            _build(build_env, count, build / "population.json")
            cache.mkdir(parents=True, exist_ok=True)
            shutil.copytree(build / "models", cache / "models", dirs_exist_ok=True)
            shutil.copy(build / "population.json", population)
            shutil.rmtree(build, ignore_errors=True)
            built = True
        name = f"{RUN_PREFIX}{secrets.token_hex(3)}"
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{name}"
        env["REDIS_URL"] = REDIS
        env["CHANNEL_LAYER_PREFIX"] = f"bench-{name}"
        env["BENCH_DATABASE"] = name
        import redis

        redis.Redis.from_url(REDIS).flushdb()
    shutil.copytree(cache / "models", workdir / "models", dirs_exist_ok=True)
    env["BENCH_POPULATION"] = population.read_text()
    env["BENCH_CACHE_BUILT"] = "1" if built else "0"
    env["BENCH_SETUP_SECONDS"] = f"{time.perf_counter() - started:.1f}"
    return env


def _sqlite_copy(source: Path, target: Path) -> None:
    """A consistent copy of a WAL database (its -wal file included) as one file."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def drop(env: dict[str, str]) -> None:
    name = env.get("BENCH_DATABASE")
    if not name:
        return
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def point_at(ports: list[int]) -> None:
    """Point the cached endpoints at this run's receivers (inside the run's Django process)."""
    from django.db.models import Value
    from django.db.models.functions import Replace

    from sotong.safety.models import Subscriber

    for placeholder, port in zip(PLACEHOLDER_PORTS, ports, strict=True):
        old, new = f"http://127.0.0.1:{placeholder}/", f"http://127.0.0.1:{port}/"
        Subscriber.objects.filter(endpoint__startswith=old).update(
            endpoint=Replace("endpoint", Value(old), Value(new))
        )


# Building the subscribers (run in the build's own Django process) ------------------------------------


def populate(count: int) -> dict[str, Any]:
    import random

    from cryptography.hazmat.primitives import serialization
    from django.contrib.auth import get_user_model

    from sotong.connectors.webpush.vapid import b64url
    from sotong.core.crypto import digest
    from sotong.organisation.models import Dong
    from sotong.organisation.services import membership_grant
    from sotong.safety.models import Subscriber, SubscriberPlace

    officer = get_user_model().objects.create_user(
        username="bench-safety", password=None, display_name="벤치"
    )
    membership_grant(user=officer, role="safety_office", department=None)
    rng = random.Random(4)
    publics = [
        b64url(
            k.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        )
        for k in pool_keys()
    ]
    dongs = list(Dong.objects.order_by("code"))
    in_area = {d.pk for d in dongs if d.code in ALERT_DONGS}
    matched = 0
    places_total = 0
    batch = 5000
    for start in range(0, count, batch):
        numbers = range(start, min(count, start + batch))
        subscribers = []
        for number in numbers:
            port = PLACEHOLDER_PORTS[number % len(PLACEHOLDER_PORTS)]
            endpoint = f"http://127.0.0.1:{port}/push/{number}"
            subscribers.append(
                Subscriber(
                    channel=Subscriber.Channel.WEBPUSH,
                    endpoint=endpoint,
                    p256dh=publics[number % KEY_POOL],
                    auth=b64url(auth_for(number)),
                    contact_digest=digest(f"webpush:{endpoint}"),
                    language=("ko", "ko", "ko", "en", "zh-hans")[number % 5],
                    confirmed=True,
                )
            )
        created = Subscriber.objects.bulk_create(subscribers)
        if created[0].pk is None:  # SQLite before 3.35 returns no keys
            ids = dict(
                Subscriber.objects.filter(
                    contact_digest__in=[s.contact_digest for s in subscribers]
                ).values_list("contact_digest", "pk")
            )
            for s in subscribers:
                s.pk = ids[s.contact_digest]
        places = []
        for subscriber in created:
            chosen = [rng.choice(dongs) for _ in range(2 if rng.random() < 1 / 3 else 1)]
            if any(d.pk in in_area for d in chosen):
                matched += 1
            for dong in chosen:
                places.append(
                    SubscriberPlace(
                        subscriber=subscriber,
                        label="집",
                        lat=float(dong.lat) + rng.uniform(-0.003, 0.003),
                        lon=float(dong.lon) + rng.uniform(-0.003, 0.003),
                        dong=dong,
                    )
                )
        places_total += len(places)
        SubscriberPlace.objects.bulk_create(places, batch_size=batch)
    return {"subscribers": count, "places": places_total, "in_two_dongs": matched}


if __name__ == "__main__":
    if sys.argv[1:2] == ["populate"]:
        sys.path[:0] = [str(ROOT)]
        import django

        django.setup()
        started = time.perf_counter()
        result = populate(int(sys.argv[2]))
        result["populate_seconds"] = round(time.perf_counter() - started, 1)
        Path(sys.argv[3]).write_text(json.dumps(result))
