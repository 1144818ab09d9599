"""The reference for bench/tv_chat.py: a bare Channels echo consumer, served by uvicorn as `sotong serve`
serves Sotong (the same uvicorn options, one process, Channels' in-memory layer).

    .venv/bin/python bench/tv_chat_echo.py --port 8123

Every connection joins one group; every text frame received is sent to the group as it is, and every
member sends it on. No origin check, session, database, JSON or moderation: what is left is Channels'
group fan-out and uvicorn's websocket frames, the floor under the chat's cost.
"""

from __future__ import annotations

import argparse
from typing import Any

import django
from django.conf import settings

settings.configure(
    INSTALLED_APPS=["channels"],
    CHANNEL_LAYERS={"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}},
)
django.setup()

from channels.generic.websocket import AsyncWebsocketConsumer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path  # noqa: E402

GROUP = "echo"


class EchoConsumer(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        await self.channel_layer.group_add(GROUP, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        await self.channel_layer.group_discard(GROUP, self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if text_data is not None:
            await self.channel_layer.group_send(GROUP, {"type": "echo.text", "text": text_data})

    async def echo_text(self, event: dict[str, Any]) -> None:
        await self.send(text_data=event["text"])


application = ProtocolTypeRouter({"websocket": URLRouter([path("ws/echo/", EchoConsumer.as_asgi())])})


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    port = parser.parse_args().port
    # As `sotong serve` runs Sotong (sotong/core/management/commands/serve.py); no lifespan to answer.
    uvicorn.run(
        application,
        host="127.0.0.1",
        port=port,
        lifespan="off",
        proxy_headers=True,
        forwarded_allow_ips="127.0.0.1",
        log_level="info",
        access_log=False,
        server_header=False,
    )


if __name__ == "__main__":
    main()
