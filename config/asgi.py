"""The ASGI application: Django for HTTP, Channels for websockets, and a lifespan that (in the
embedded shape) relays events raised by the task worker to this process's channel layer."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator, Iterator
from typing import Any

import django
from asgiref.sync import sync_to_async
from django.conf import settings
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.http import FileResponse, HttpResponseBase
from django.urls import set_script_prefix, set_urlconf
from django.utils.log import log_response

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
django.setup(set_prefix=False)


class SyncStackASGIHandler(ASGIHandler):
    """Serves a request's sync work (signals, middleware, view, closing) in one thread hop, as WSGI would.

    Django's ASGI handler otherwise calls every MiddlewareMixin hook through sync_to_async (about twenty
    thread switches a request, which capped a single process at ~180 requests/s), and even with the
    chain in one hop it switches threads three times: request_started, the chain, response.close().
    """

    def load_middleware(self, is_async: bool = False) -> None:
        super().load_middleware(is_async=False)
        self._sync_chain: Any = self._middleware_chain  # type: ignore[has-type]
        # Kept for callers of get_response_async (Django's own code paths).
        self._middleware_chain = sync_to_async(self._sync_chain, thread_sensitive=True)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        # Django wraps each request in a ThreadSensitiveContext, which gives every request a thread of
        # its own, and so a database connection of its own that outlives the request (CONN_MAX_AGE):
        # ~50 PostgreSQL connections from one process under load, and a new connection per request.
        # Without it every request's sync work runs on the process's one sync thread, with one
        # persistent connection, as in a WSGI worker; more processes (`serve --workers`) scale out.
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        await self.handle(scope, receive, send)

    async def handle(self, scope: Any, receive: Any, send: Any) -> None:
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        set_script_prefix(get_script_prefix(scope))
        try:
            response = await sync_to_async(self._respond, thread_sensitive=True)(scope, body_file)
            if not response.streaming:
                await self.send_response(response, send)
                return
            # A stream (a photo, a download) stops when the client goes away, as in Django's handler.
            sending = asyncio.create_task(self.send_response(response, send))
            listening = asyncio.create_task(self.listen_for_disconnect(receive))
            await asyncio.wait([sending, listening], return_when=asyncio.FIRST_COMPLETED)
            for task in (listening, sending):
                if not task.done():
                    task.cancel()
                with contextlib.suppress(asyncio.CancelledError, RequestAborted):
                    await task
            await sync_to_async(response.close, thread_sensitive=True)()
        finally:
            body_file.close()

    def _respond(self, scope: Any, body_file: Any) -> HttpResponseBase:
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, error = self.create_request(scope, body_file)
        response: Any = error
        if request is not None:
            set_urlconf(settings.ROOT_URLCONF)
            response = self._sync_chain(request)
            response._resource_closers.append(request.close)
            if response.status_code >= 400:
                log_response(
                    "%s: %s", response.reason_phrase, request.path, response=response, request=request
                )
            if isinstance(response, FileResponse):
                response.block_size = self.chunk_size
        if response.streaming and not response.is_async:
            # Sent from the event loop: Django would read a sync stream (a static file, a photo) whole into
            # memory first, and warn. Read it a chunk at a time on this process's sync thread instead.
            response.streaming_content = _read_on_sync_thread(response.streaming_content)
        response._handler_class = self.__class__
        if not response.streaming:
            # The content is complete: closing now (request_finished, the connection check) saves
            # the thread hop that closing after sending would cost.
            response.close()
        return response


async def _read_on_sync_thread(chunks: Iterator[bytes]) -> AsyncIterator[bytes]:
    def next_chunk() -> bytes | None:
        return next(chunks, None)

    read = sync_to_async(next_chunk, thread_sensitive=True)
    while (chunk := await read()) is not None:
        yield chunk


# Django must be set up before anything imports models (the consumers do).
django_asgi_app = SyncStackASGIHandler()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from config.routing import websocket_urlpatterns  # noqa: E402
from sotong.core.events import relay_events  # noqa: E402
from sotong.core.websockets import SameSiteOrigin  # noqa: E402
from sotong.safety import fastpath  # noqa: E402

router = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": SameSiteOrigin(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
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
