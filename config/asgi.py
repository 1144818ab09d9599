"""The ASGI application: Django for HTTP, Channels for websockets, and a lifespan that (in the
embedded shape) relays events raised by the task worker to this process's channel layer."""

from __future__ import annotations

import asyncio
import os
from typing import Any

import django
from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
django.setup(set_prefix=False)


class SyncStackASGIHandler(ASGIHandler):
    """Runs the middleware and the (sync) views of one request in one thread hop, as WSGI would.

    Django's ASGI handler otherwise calls every MiddlewareMixin hook through sync_to_async: about
    twenty thread switches a request, which capped a single process at ~180 requests/s.
    """

    def load_middleware(self, is_async: bool = False) -> None:
        super().load_middleware(is_async=False)
        chain: Any = self._middleware_chain  # type: ignore[has-type]
        self._middleware_chain = sync_to_async(chain, thread_sensitive=True)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        # Django wraps each request in a ThreadSensitiveContext, which gives every request a thread of
        # its own, and so a database connection of its own that outlives the request (CONN_MAX_AGE):
        # ~50 PostgreSQL connections from one process under load, and a new connection per request.
        # Without it every request's sync work runs on the process's one sync thread, with one
        # persistent connection, as in a WSGI worker; more processes (`serve --workers`) scale out.
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        await self.handle(scope, receive, send)


# Django must be set up before anything imports models (the consumers do).
django_asgi_app = SyncStackASGIHandler()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402

from config.routing import websocket_urlpatterns  # noqa: E402
from sotong.core.events import relay_events  # noqa: E402
from sotong.safety import fastpath  # noqa: E402

router = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)


async def lifespan(scope: dict[str, Any], receive: Any, send: Any) -> None:
    stop = asyncio.Event()
    relay: asyncio.Task[None] | None = None
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            if not settings.REDIS_URL:
                relay = asyncio.create_task(relay_events(stop))
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            stop.set()
            if relay is not None:
                await relay
            await send({"type": "lifespan.shutdown.complete"})
            return


async def application(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        await lifespan(scope, receive, send)
        return
    # The nearest-shelter and facilities endpoints, under a disaster surge, skip Django (decision 0045).
    if fastpath.handles(scope):
        await fastpath.handle(scope, receive, send)
        return
    await router(scope, receive, send)
