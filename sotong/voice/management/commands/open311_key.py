from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from sotong.voice.open311.keys import key_create, key_revoke, keys_all


class Command(BaseCommand):
    help = "Open311 API keys: create one (shown once), list them, or revoke one."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="Make a key for a client and print it once.")
        create.add_argument("name", help="Who the key is for, e.g. fixmystreet or mobile-app")
        actions.add_parser("list", help="List keys with their state and last use.")
        revoke = actions.add_parser("revoke", help="Stop a key from working.")
        revoke.add_argument("name")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "create":
                key, raw = key_create(name=options["name"])
                self.stdout.write(raw)
                self.stderr.write(
                    f"Key {key.name!r} created. Give it to the client now: only its digest is stored, "
                    "so it cannot be shown again."
                )
            elif options["action"] == "revoke":
                key = key_revoke(name=options["name"])
                self.stdout.write(f"Key {key.name!r} revoked.")
            else:
                self._list()
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc

    def _list(self) -> None:
        keys = list(keys_all())
        if not keys:
            self.stdout.write("No Open311 keys.")
            return
        for key in keys:
            state = "active" if key.is_active else "revoked"
            created = timezone.localtime(key.created_at).strftime("%Y-%m-%d %H:%M")
            used = (
                timezone.localtime(key.last_used_at).strftime("%Y-%m-%d %H:%M")
                if key.last_used_at
                else "never"
            )
            self.stdout.write(f"{key.name}\t{state}\tcreated {created}\tlast used {used}")
