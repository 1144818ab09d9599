"""The demo's development settings, and the file in its data folder through which other commands get them.

`sotong demo` runs with DEBUG on (the development key) and its channels on with demo values. It writes those
settings to ``<data folder>/demo.env``, so that `sotong open311_key create …` or `sotong import_facilities …`
run later on the demo's data just work. `sotong` reads the file only when the environment chooses no settings
of its own (none of ``ENVIRONMENT_CHOOSES`` is set), and says so on stderr; it holds no secret and takes only
the names below, so a production environment, which sets them, never picks it up (decision 0067).

No Django here: `sotong` reads this before settings are loaded.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

FILE_NAME = "demo.env"

DEMO_CHANNELS = {
    "KAKAO_ENABLED": "1",
    "KAKAO_BOT_ID": "sotong-demo-bot",
    "KAKAO_SKILL_SECRET": "sotong-demo-skill-secret-0123456789abcdef",
    "EMAIL_ENABLED": "1",
    "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
    "VOICE_INBOUND_ADDRESS": "sotong@localhost",
}
# What the file may set: never a key, a database or a Redis server.
NAMES = ("DEBUG", "SITE_URL", *DEMO_CHANNELS)
# Any of these in the environment means the operator chose the settings: the file is then not read.
ENVIRONMENT_CHOOSES = (
    "DEBUG",
    "SECRET_KEY",
    "FIELD_ENCRYPTION_KEYS",
    "DATABASE_URL",
    "REDIS_URL",
    "DJANGO_SETTINGS_MODULE",
)


def path() -> Path:
    """Where the demo of this folder (./var, or SOTONG_DATA_DIR) keeps the file."""
    return Path(os.environ.get("SOTONG_DATA_DIR") or Path.cwd() / "var").resolve() / FILE_NAME


def chosen_by_environment() -> list[str]:
    return [name for name in ENVIRONMENT_CHOOSES if name in os.environ]


def write(target: Path, values: dict[str, str]) -> None:
    lines = [
        f"# Written by `sotong demo` on {datetime.now(UTC).astimezone():%Y-%m-%d %H:%M}: its development settings.",
        "# `sotong <command>` run on this data folder uses them when the environment sets none of",
        f"# {', '.join(ENVIRONMENT_CHOOSES)}.",
        "# Development only: never copy them to production.",
        *(f"{name}={values[name]}" for name in NAMES if values.get(name)),
    ]
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")


def read(source: Path) -> dict[str, str]:
    """The file's settings (only NAMES); ValueError when it is not a demo's development settings."""
    values: dict[str, str] = {}
    for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, equals, value = line.partition("=")
        name = name.strip()
        if not equals or name not in NAMES:
            raise ValueError(f"{source}, line {number}: {name or line!r} is not one of the demo's settings")
        values[name] = value.strip()
    if values.get("DEBUG") != "1":
        raise ValueError(f"{source} does not say DEBUG=1: it is not a demo's development settings")
    return values


def load() -> Path | None:
    """Put the demo's settings into this process's environment when the file is there and the environment
    chooses nothing; the file's path when it did."""
    source = path()
    if chosen_by_environment() or not source.is_file():
        return None
    for name, value in read(source).items():
        os.environ.setdefault(name, value)
    return source
