"""Refusing a websocket before a consumer joins the channel layer.

A Channels consumer starts a receive on the channel layer before its ``connect()`` runs. Refused in
``connect()``, it is cancelled a few milliseconds later, and on the Redis layer a receive cancelled
that early (while channels_redis sends its first command) never finished in 5 of 6 tries: every
refused handshake (no session, another site's origin) left a task behind for good, and a server with
one could not shut down ("Waiting for background tasks to complete"). So refusals happen here, before
any consumer: the ASGI messages of a refused handshake and nothing else.
"""

from __future__ import annotations

import contextlib
import inspect
from typing import Any
from urllib.parse import urlparse

from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.security.websocket import OriginValidator
from django.conf import settings


async def refuse(receive: Any, send: Any) -> None:
    """Answer a websocket handshake with HTTP 403 (the ASGI close before accept)."""
    message = await receive()
    if message["type"] == "websocket.connect":
        await send({"type": "websocket.close"})


class SameSiteOrigin(OriginValidator):
    """Channels' AllowedHostsOriginValidator (the Origin must be one of ALLOWED_HOSTS; any in DEBUG),
    refusing without a consumer."""

    def __init__(self, application: Any) -> None:
        allowed = list(settings.ALLOWED_HOSTS)
        if settings.DEBUG and not allowed:
            allowed = ["localhost", "127.0.0.1", "[::1]"]
        super().__init__(application, allowed)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> Any:
        origin = None
        for name, value in scope.get("headers", []):
            if name == b"origin":
                with contextlib.suppress(UnicodeDecodeError):
                    origin = urlparse(value.decode("latin1"))
        if not self.valid_origin(origin):
            await refuse(receive, send)
            return None
        return await self.application(scope, receive, send)


class GuardedJsonConsumer(AsyncJsonWebsocketConsumer):
    """A JSON websocket consumer that decides on the handshake alone, before it joins the channel layer,
    whether to let a connection in (``admits``, plain or async: an async one may look in the database)."""

    def admits(self, scope: dict[str, Any]) -> Any:
        return True

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        allowed = self.admits(scope)
        if inspect.isawaitable(allowed):
            allowed = await allowed
        if not allowed:
            await refuse(receive, send)
            return
        await super().__call__(scope, receive, send)
