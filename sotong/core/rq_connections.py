"""One Redis client per process and Redis address for RQ.

django-rq builds a new Redis client, with its own connection pool, for every queue it returns: every
task enqueued opened a new TCP connection to Redis and ran redis-py's client set-up (which reads its
own version from the installed package metadata). Under load that was a third of a form POST's time in
the scaled shape (py-spy, bench/intake.py). Clients are thread-safe and their pools reconnect after a
fork, so one per process is what redis-py intends; this keeps it (decision 0057).

A client is kept for the queue's connection settings, not for its name: when the settings name another
Redis (another database number in a test, a changed RQ_QUEUES), the queue gets a client for that one.
"""

from __future__ import annotations

import threading
from typing import Any

_clients: dict[tuple[str, bool], Any] = {}
_lock = threading.Lock()


def _key(name: str, use_strict_redis: bool) -> tuple[str, bool]:
    from django_rq.connection_utils import filter_connection_params
    from django_rq.settings import QUEUES

    params = filter_connection_params(QUEUES[name])
    return repr(sorted(params.items())), use_strict_redis


def install() -> None:
    """Make django-rq's get_connection return a kept client (every place that imported the name)."""
    import django_rq
    from django_rq import connection_utils, cron, queues, utils

    original = connection_utils.get_connection
    if getattr(original, "keeps_clients", False):
        return

    def get_connection(name: str = "default", use_strict_redis: bool = False) -> Any:
        key = _key(name, use_strict_redis)
        client = _clients.get(key)
        if client is None:
            with _lock:
                client = _clients.get(key)
                if client is None:
                    client = _clients[key] = original(name, use_strict_redis)
        return client

    get_connection.keeps_clients = True  # type: ignore[attr-defined]
    for module in (connection_utils, queues, utils, cron, django_rq):
        module.get_connection = get_connection  # type: ignore[attr-defined]
