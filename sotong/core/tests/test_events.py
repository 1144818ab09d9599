"""Events sent from a websocket consumer's database work (``call_then_send``): kept while the work runs in the
database thread, then sent from the event loop in the order they were made; nothing when the work fails."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from sotong.core.events import call_then_send, events_collected, send_event, send_event_on_commit

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def web(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOTONG_PROCESS", "web")  # the in-memory layer is this process's own


def work(*, fail: bool = False) -> str:
    with transaction.atomic():
        send_event_on_commit("tv.chat.1", {"type": "chat", "n": 1})
        send_event_on_commit("tv.moderators.1", {"type": "chat.moderation", "n": 1})
        send_event_on_commit("tv.chat.1", {"type": "chat", "n": 2})
        if fail:
            raise ValueError("refused")
    return "stored"


def test_the_events_are_sent_after_the_work_in_the_order_made(web: None) -> None:
    layer = get_channel_layer()

    async def scenario() -> tuple[str, list[Any], list[Any]]:
        viewers = await layer.new_channel()
        moderators = await layer.new_channel()
        await layer.group_add("tv.chat.1", viewers)
        await layer.group_add("tv.moderators.1", moderators)
        result = await call_then_send(work)
        seen = [(await layer.receive(viewers))["event"] for _ in range(2)]
        desk = [(await layer.receive(moderators))["event"]]
        return result, seen, desk

    result, seen, desk = async_to_sync(scenario)()
    assert result == "stored"
    assert seen == [{"type": "chat", "n": 1}, {"type": "chat", "n": 2}]
    assert desk == [{"type": "chat.moderation", "n": 1}]


def test_work_that_fails_sends_nothing(web: None) -> None:
    layer = get_channel_layer()

    async def scenario() -> bool:
        viewers = await layer.new_channel()
        await layer.group_add("tv.chat.1", viewers)
        with pytest.raises(ValueError, match="refused"):
            await call_then_send(work, fail=True)
        send_event("tv.chat.1", {"type": "after"})  # the next event is the first the group gets
        return (await layer.receive(viewers))["event"] == {"type": "after"}

    assert async_to_sync(scenario)()


def test_within_the_collector_nothing_is_sent_and_outside_it_sending_resumes() -> None:
    with events_collected() as kept:
        send_event("g", {"n": 1})
        with events_collected() as inner:
            send_event("g", {"n": 2})
        send_event("g", {"n": 3})
    assert kept == [("g", {"n": 1}), ("g", {"n": 3})] and inner == [("g", {"n": 2})]
