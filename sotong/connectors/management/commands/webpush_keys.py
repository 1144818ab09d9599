"""Print a new VAPID key pair for Web Push, as environment settings (or write them to a file)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sotong.connectors.webpush.vapid import generate_private_key, private_key_text, public_key_text


class Command(BaseCommand):
    help = "Generate a VAPID key pair (P-256) for Web Push and print it as WEBPUSH_* settings."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--env-file",
            help="Write the settings to this file (mode 600) instead of printing them; an existing file "
            "is kept unless --force.",
        )
        parser.add_argument("--force", action="store_true", help="Replace an existing --env-file.")
        parser.add_argument(
            "--subject",
            default="",
            help="Contact for push services: mailto:… or https://… (WEBPUSH_VAPID_SUBJECT).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        subject = options["subject"].strip()
        if subject and not subject.startswith(("mailto:", "https://")):
            raise CommandError("--subject must start with mailto: or https://")
        key = generate_private_key()
        lines = [f"WEBPUSH_VAPID_PRIVATE_KEY={private_key_text(key)}"]
        if subject:
            lines.append(f"WEBPUSH_VAPID_SUBJECT={subject}")
        text = "\n".join(lines) + "\n"
        target = options.get("env_file")
        if not target:
            self.stdout.write(text, ending="")
            self.stderr.write(f"# public key (applicationServerKey): {public_key_text(key)}")
            return
        path = Path(target)
        if path.exists() and not options["force"]:
            self.stderr.write(f"{path} exists; kept (use --force to replace it).")
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(text)
        self.stdout.write(f"wrote {path}; public key (applicationServerKey): {public_key_text(key)}")
