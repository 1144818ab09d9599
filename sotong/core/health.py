"""Liveness and readiness. /healthz says the process answers; /readyz checks every part it needs, and in
the embedded shape under `sotong demo` also the demo's other processes (worker, scheduler, mail intake)."""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Callable

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django_tasks import task_backends

from sotong.core import supervision

CHECK_TIMEOUT = 3.0

logger = logging.getLogger(__name__)


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache() -> None:
    key, value = f"readyz:{secrets.token_hex(4)}", secrets.token_hex(4)
    cache.set(key, value, timeout=10)
    if cache.get(key) != value:
        raise RuntimeError("the cache did not return what was stored")
    cache.delete(key)


def check_task_queue() -> None:
    backend = task_backends["default"]
    if settings.REDIS_URL:
        import redis

        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
        try:
            client.ping()
        finally:
            client.close()
        return
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(backend_name=backend.alias).exists()


def check_channel_layer() -> None:
    async def roundtrip() -> None:
        layer = get_channel_layer()
        if layer is None:
            raise RuntimeError("no channel layer is configured")
        channel = await layer.new_channel("readyz.")
        token = secrets.token_hex(4)
        await layer.send(channel, {"type": "readyz.ping", "token": token})
        message = await layer.receive(channel)
        if message.get("token") != token:
            raise RuntimeError("the channel layer returned another message")

    async def bounded() -> None:
        await asyncio.wait_for(roundtrip(), timeout=CHECK_TIMEOUT)

    async_to_sync(bounded)()


CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "cache": check_cache,
    "task_queue": check_task_queue,
    "channel_layer": check_channel_layer,
}


def supervised_process_checks() -> dict[str, Callable[[], None]]:
    """One check per process of the supervisor that started this one (none without a supervisor): each fails
    while its process is down or still starting. The web process is not listed: it is answering."""
    try:
        status = supervision.read_status()
    except (OSError, ValueError) as exc:
        message = f"the demo's process status cannot be read: {type(exc).__name__}: {exc}"

        def unreadable() -> None:
            raise RuntimeError(message)

        return {"processes": unreadable}
    if status is None:
        return {}
    supervisor = status.get("supervisor")
    supervisor_gone = not (isinstance(supervisor, int) and supervision.pid_alive(supervisor))

    def check_for(name: str, process: dict[str, object]) -> Callable[[], None]:
        def check() -> None:
            if supervisor_gone:
                raise RuntimeError(f"the demo's supervisor (pid {supervisor}) is not running")
            if process.get("state") != supervision.RUNNING:
                raise RuntimeError(str(process.get("detail") or process.get("state")))

        return check

    return {
        name: check_for(name, process)
        for name, process in status["processes"].items()
        if name != "web" and isinstance(process, dict)
    }


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    results: dict[str, dict[str, object]] = {}
    for name, check in {**CHECKS, **supervised_process_checks()}.items():
        started = time.perf_counter()
        try:
            check()
        except Exception as exc:
            results[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
        else:
            results[name] = {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}
    failing = [name for name, result in results.items() if not result["ok"]]
    body = {"status": "fail" if failing else "ok", "failing": failing, "checks": results}
    response = JsonResponse(body, status=503 if failing else 200)
    if failing:
        # Probed every few seconds: one warning that says what fails, instead of Django's error
        # "Service Unavailable: /readyz" for every probe.
        logger.warning("not ready: %s", "; ".join(f"{name}: {results[name]['error']}" for name in failing))
        response._has_been_logged = True  # type: ignore[attr-defined]
    return response
