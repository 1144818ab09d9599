"""The `sotong` command: every operator task, and every Django management command."""

from __future__ import annotations

import os
import sys

DEMO_CHANNELS = {
    "KAKAO_ENABLED": "1",
    "KAKAO_BOT_ID": "sotong-demo-bot",
    "KAKAO_SKILL_SECRET": "sotong-demo-skill-secret-0123456789abcdef",
    "EMAIL_ENABLED": "1",
    "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
    "VOICE_INBOUND_ADDRESS": "sotong@localhost",
}


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "demo":
        # The demo is the embedded shape on a developer's machine: debug on, a development key,
        # and no Redis or PostgreSQL even when the environment names them. Its channels are on:
        # the KakaoTalk skill with a demo bot, and e-mail written to files instead of sent.
        os.environ.setdefault("DEBUG", "1")
        for name in ("DATABASE_URL", "REDIS_URL"):
            os.environ.pop(name, None)
        for name, value in DEMO_CHANNELS.items():
            os.environ.setdefault(name, value)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["sotong", *args])
    except ImproperlyConfigured as exc:
        # A configuration mistake is the operator's to fix: say what, without a traceback.
        sys.stderr.write(f"sotong: configuration error: {exc}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
