from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest

from conftest import _staff
from tests.clock import SEOUL

# A fixed instant for every 소통TV test: Tuesday 2026-03-10, 13:50 in Seoul (decision 0063).
NOW = datetime(2026, 3, 10, 13, 50, tzinfo=SEOUL)


@pytest.fixture
def now(time_machine: Any) -> datetime:
    time_machine.move_to(NOW, tick=False)
    return NOW


@pytest.fixture
def studio(district: Any) -> Any:
    """소통TV producer (소통홍보과)."""
    return _staff("studio", "오방송", "broadcaster", "pr")


@pytest.fixture
def make_broadcast(db: Any, now: datetime) -> Callable[..., Any]:
    from sotong.tv.models import Broadcast, Show

    def make(
        *, title: str = "건강강좌: 겨울철 혈압 관리", starts_in: int = 10, minutes: int = 60, **fields: Any
    ) -> Any:
        show, _ = Show.objects.get_or_create(
            slug="health",
            defaults={"title_ko": "건강강좌", "title_en": "Health Lecture", "title_zh": "健康讲座"},
        )
        starts = now + timedelta(minutes=starts_in)
        return Broadcast.objects.create(
            show=show, title_ko=title, starts_at=starts, ends_at=starts + timedelta(minutes=minutes), **fields
        )

    return make


@pytest.fixture
def enqueued() -> Iterator[list[Any]]:
    """The tasks enqueued during the test, whatever the shape's backend (database or RQ), as django-tasks'
    signal reports them. With RQ the enqueue waits for the commit: wrap the action in
    ``django_capture_on_commit_callbacks(execute=True)``."""
    from django_tasks.signals import task_enqueued

    results: list[Any] = []

    def record(sender: Any, task_result: Any, **kwargs: Any) -> None:
        results.append(task_result)

    task_enqueued.connect(record)
    try:
        yield results
    finally:
        task_enqueued.disconnect(record)


def named(results: list[Any], name: str) -> list[dict[str, Any]]:
    """The keyword arguments of each enqueued task called ``name``."""
    return [dict(result.kwargs) for result in results if result.task.name == name]
