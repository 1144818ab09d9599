"""RQ keeps one Redis client per process and queue: enqueueing does not open a connection each time."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.redis


def test_enqueueing_many_tasks_uses_one_kept_connection(redis_url: str, settings: Any) -> None:
    import django_rq

    from sotong.core import rq_connections

    settings.RQ_QUEUES = {"default": {"URL": redis_url}, "urgent": {"URL": redis_url}}
    rq_connections._clients.clear()
    rq_connections.install()
    try:
        queue = django_rq.get_queue("default")
        assert django_rq.get_queue("default").connection is queue.connection
        assert django_rq.get_connection("default") is queue.connection
        for n in range(20):
            django_rq.get_queue("default").enqueue("builtins.len", [n])
        assert queue.count == 20
        # django-rq on its own opened a client, a pool and a TCP connection per queue it returned.
        assert queue.connection.connection_pool._created_connections == 1
    finally:
        django_rq.get_queue("default").empty()
        rq_connections._clients.clear()
