"""`sotong tv`: the embedded shape's 소통TV ingest (decision 0073) and, beside it, the readers of the
broadcasts' YouTube and Facebook chats (decision 0075) when TV_EXTERNAL_CHAT_ENABLED."""

from __future__ import annotations

import asyncio
import signal
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from sotong.core.supervision import announce_ready
from sotong.tv.ingest.rtmp import serve
from sotong.tv.sources.runner import run_external_chat


class Command(BaseCommand):
    help = (
        "Run the 소통TV RTMP ingest: encoders publish with a broadcast's stream key; HLS goes to TV_HLS_DIR."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default=settings.TV_RTMP_HOST)
        parser.add_argument("--port", type=int, default=settings.TV_RTMP_PORT)
        parser.add_argument(
            "--no-external-chat",
            action="store_true",
            help="Do not read the broadcasts' YouTube and Facebook chats (they are read when TV_EXTERNAL_CHAT_ENABLED).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        external_chat = settings.TV_EXTERNAL_CHAT_ENABLED and not options["no_external_chat"]
        asyncio.run(self._run(options["host"], options["port"], external_chat=external_chat))

    async def _run(self, host: str, port: int, *, external_chat: bool = False) -> None:
        loop = asyncio.get_running_loop()
        task = asyncio.current_task()
        assert task is not None
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, task.cancel)

        def ready() -> None:
            self.stdout.write(f"소통TV ingest listening on rtmp://{host}:{port}/live", ending="\n")
            self.stdout.flush()
            announce_ready()

        try:
            if external_chat:
                self.stdout.write("소통TV reading the broadcasts' YouTube and Facebook chats.")
                await asyncio.gather(serve(host, port, settings.TV_HLS_DIR, ready=ready), run_external_chat())
            else:
                await serve(host, port, settings.TV_HLS_DIR, ready=ready)
        except asyncio.CancelledError:
            self.stdout.write("소통TV ingest stopped.")
