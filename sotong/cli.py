"""The `sotong` command: every operator task, and every Django management command."""

from __future__ import annotations

import os
import sys

from sotong.core import supervision
from sotong.site import demo_env


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    # A process `sotong demo` started stops when the demo does, however the demo ends.
    supervision.die_with_supervisor()
    demo_settings = None
    chosen = demo_env.chosen_by_environment()
    if args and args[0] == "demo":
        # The demo is the embedded shape on a developer's machine: debug on, a development key,
        # and no Redis or PostgreSQL even when the environment names them. Its channels are on:
        # the KakaoTalk skill with a demo bot, and e-mail written to files instead of sent.
        os.environ.setdefault("DEBUG", "1")
        for name in ("DATABASE_URL", "REDIS_URL"):
            os.environ.pop(name, None)
        for name, value in demo_env.DEMO_CHANNELS.items():
            os.environ.setdefault(name, value)
    else:
        # Other commands on a demo's data folder take the demo's settings, unless the environment gives some.
        try:
            demo_settings = demo_env.load()
        except (OSError, ValueError) as exc:
            sys.stderr.write(f"sotong: the demo's settings were not used: {exc}\n")
        if demo_settings is not None:
            sys.stderr.write(f"sotong: using the demo's development settings from {demo_settings}\n")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["sotong", *args])
    except ImproperlyConfigured as exc:
        # A configuration mistake is the operator's to fix: say what, without a traceback.
        hint = "" if demo_settings is not None or args[:1] == ["demo"] else _settings_hint(chosen)
        sys.stderr.write(f"sotong: configuration error: {exc}\n{hint}")
        sys.exit(2)


def _settings_hint(given: list[str]) -> str:
    """Why the demo's settings did not apply, for someone who expected them to."""
    source = demo_env.path()
    if source.is_file() and given:
        return (
            f"sotong: the demo's development settings in {source} were not used, because the environment sets "
            f"{', '.join(given)}.\n"
        )
    if not source.is_file() and not given:
        return (
            f"sotong: no settings in the environment and no demo in this folder ({source} is missing): "
            "`sotong demo` sets one up; a real install sets its environment (docs/operations.md).\n"
        )
    return ""


if __name__ == "__main__":
    main()
