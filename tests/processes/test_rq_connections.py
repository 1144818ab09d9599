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


def test_a_queue_whose_settings_name_another_redis_gets_a_client_for_that_one(
    redis_url: str, settings: Any
) -> None:
    """CI's PostgreSQL pass: a test overriding RQ_QUEUES after other tests had enqueued got the kept
    client of the earlier settings, and its task went to another Redis database than its worker's."""
    import django_rq

    from sotong.core import rq_connections

    rq_connections.install()
    base, _slash, number = redis_url.rpartition("/")
    other = f"{base}/{(int(number or 0) + 1) % 16}"
    settings.RQ_QUEUES = {"default": {"URL": redis_url}}
    first = django_rq.get_connection("default")
    settings.RQ_QUEUES = {"default": {"URL": other}}
    second = django_rq.get_connection("default")
    assert second is not first
    assert second.connection_pool.connection_kwargs["db"] == (int(number or 0) + 1) % 16
    assert django_rq.get_queue("default").connection is second
    settings.RQ_QUEUES = {"default": {"URL": redis_url}}
    assert django_rq.get_connection("default") is first
