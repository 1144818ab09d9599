"""Environment helpers: every setting comes from the environment and fails loudly when malformed."""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path
from urllib.parse import urlparse

import environ
from django.core.exceptions import ImproperlyConfigured

env = environ.Env()

# Keys that ship in docs, examples or the demo: never acceptable in production.
DEVELOPMENT_SECRET_KEYS = frozenset(
    {
        "sotong-development-key-not-for-production-use-0123456789abcdef",
        "change-me",
        "changeme",
        "secret",
    }
)


def env_bool(name: str, *, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean: use 1/0, true/false, yes/no or on/off.")


def env_int(name: str, *, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer.") from exc


def env_float(name: str, *, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a number.") from exc


def env_list(name: str, *, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def database_from_env(*, data_dir: Path) -> dict[str, object]:
    """PostgreSQL from DATABASE_URL, otherwise SQLite in WAL mode in the data folder."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return sqlite_database(data_dir / "sotong.sqlite3")
    scheme = urlparse(url).scheme
    if scheme == "sqlite":
        try:
            config = env.db_url_config(url)
        except Exception as exc:
            raise ImproperlyConfigured(f"DATABASE_URL could not be read: {exc}") from exc
        return sqlite_database(Path(str(config["NAME"])))
    if scheme not in {"postgres", "postgresql", "pgsql"}:
        raise ImproperlyConfigured(
            f"DATABASE_URL has the scheme {scheme!r}: Sotong runs on PostgreSQL (postgres://…) or SQLite (sqlite:///…)."
        )
    try:
        config = env.db_url_config(url)
    except Exception as exc:
        raise ImproperlyConfigured(f"DATABASE_URL could not be read: {exc}") from exc
    if not config.get("NAME"):
        raise ImproperlyConfigured("DATABASE_URL names no database (postgres://user@host:5432/DATABASE).")
    config["ENGINE"] = "django.db.backends.postgresql"
    config["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", default=60)
    config["CONN_HEALTH_CHECKS"] = True
    config.setdefault("OPTIONS", {})
    config["OPTIONS"].setdefault("connect_timeout", 5)
    return config


def sqlite_database(path: Path) -> dict[str, object]:
    path.parent.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": {
            # WAL lets the web server read while the worker writes; IMMEDIATE avoids
            # "database is locked" on read-then-write transactions.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000; "
                "PRAGMA foreign_keys=ON;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
        # Keep the connection: a process's sync work runs on its one sync thread (config.asgi), and
        # opening SQLite with its pragmas on every request cost about a tenth of a form POST.
        "CONN_MAX_AGE": env_int("DATABASE_CONN_MAX_AGE", default=600),
    }


def redis_url_from_env() -> str:
    url = os.environ.get("REDIS_URL", "").strip()
    if url and urlparse(url).scheme not in {"redis", "rediss", "unix"}:
        raise ImproperlyConfigured(f"REDIS_URL={url!r} is not a redis://, rediss:// or unix:// address.")
    return url


def derive_development_key(secret: str) -> str:
    """A Fernet key derived from the secret key: for DEBUG only, where no key is configured."""
    return base64.urlsafe_b64encode(hashlib.sha256(b"sotong-field-key:" + secret.encode()).digest()).decode()
