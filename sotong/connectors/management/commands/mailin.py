"""`sotong mailin`: the SMTP server residents' e-mail arrives at (see connectors.email.server)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sotong.connectors.email.server import serve
from sotong.connectors.registry import inbound_handler


class Command(BaseCommand):
    help = "Receive residents' e-mail over SMTP for VOICE_INBOUND_ADDRESS until SIGTERM or Ctrl-C."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
        parser.add_argument("--port", type=int, default=2525, help="port to listen on (default 2525)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            inbound_handler("email")
        except LookupError as exc:
            raise CommandError(str(exc)) from exc

        def announce(line: str) -> None:
            self.stdout.write(line)
            self.stdout.flush()

        try:
            serve(host=options["host"], port=options["port"], announce=announce)
        except OSError as exc:
            raise CommandError(f"cannot listen on {options['host']}:{options['port']}: {exc}") from exc
