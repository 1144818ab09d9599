from __future__ import annotations

import os
from typing import Any

import uvicorn
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from sotong.core.events import WEB_PROCESS_ENV


class Command(BaseCommand):
    help = "Serve HTTP and websockets with uvicorn (ASGI)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
        parser.add_argument(
            "--access-log",
            action="store_true",
            help="Log every request (usually the proxy in front does this).",
        )
        parser.add_argument(
            "--forwarded-allow-ips",
            default="127.0.0.1",
            help="Proxies whose X-Forwarded-* headers are trusted (comma-separated, or *).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not settings.WHITENOISE_USE_FINDERS:
            manifest = settings.STATIC_ROOT / "staticfiles.json"
            if not manifest.exists():
                raise CommandError(
                    f"Static files are not collected ({manifest} is missing): run `sotong collectstatic`."
                )
        # This process (and uvicorn's workers, which inherit it) holds the channel layer in the
        # embedded shape: events from other processes are relayed to it (core.events).
        os.environ[WEB_PROCESS_ENV] = "web"
        uvicorn.run(
            "config.asgi:application",
            host=options["host"],
            port=options["port"],
            workers=options["workers"],
            lifespan="on",
            proxy_headers=True,
            forwarded_allow_ips=options["forwarded_allow_ips"],
            log_level="info",
            access_log=options["access_log"],
            server_header=False,
            # Websocket frames are small JSON (chat lines, presence): compressing each one for each socket
            # cost more CPU than the chat's fan-out itself (bench/tv_chat.py), for a few bytes saved.
            ws_per_message_deflate=False,
            # A websocket whose channel-layer receive hangs on shutdown (channels_redis) does not keep the
            # process from stopping: uvicorn closes what is left after this many seconds.
            timeout_graceful_shutdown=10,
        )
