"""The home page refreshes its blocks without a reload: a broadcast or an alert changing tells the public home
websocket group, and the blocks' HTML can be fetched alone."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from sotong.core.events import events_collected
from sotong.pages.live import HOME_GROUP, HomeConsumer
from tests.clock import MONDAY_MORNING

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(MONDAY_MORNING)]


def test_the_blocks_alone_are_served_for_the_script_to_swap_in(site_pages: Any) -> None:
    response = Client().get("/live/blocks/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    html = response.text
    assert 'id="home-tv-title"' in html and "예정된 방송이 없습니다." in html
    assert "<html" not in html


def test_the_home_page_carries_the_live_script_and_a_status_for_screen_readers(site_pages: Any) -> None:
    page = Client().get("/").text
    assert 'data-live-url="/live/blocks/"' in page and 'data-live-socket="/ws/home/"' in page
    assert 'id="home-live-status" role="status"' in page
    assert "pages/home-live" in page


def test_a_broadcast_going_live_tells_every_open_home_page(
    site_pages: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from sotong.tv.models import Broadcast, Show

    show = Show.objects.create(slug="talk", title_ko="구청장과의 대화")
    with events_collected() as sent, django_capture_on_commit_callbacks(execute=True):
        broadcast = Broadcast.objects.create(
            show=show,
            title_ko="주민과의 대화",
            starts_at=timezone.now(),
            ends_at=timezone.now() + timedelta(hours=1),
        )
    assert (HOME_GROUP, {"type": "home.changed", "what": "broadcast"}) in sent
    assert broadcast.pk


def test_the_home_socket_passes_events_on_to_the_browser() -> None:
    from channels.layers import get_channel_layer

    async def scenario() -> dict[str, Any]:
        from asgiref.testing import ApplicationCommunicator

        app = HomeConsumer.as_asgi()
        communicator = ApplicationCommunicator(
            app, {"type": "websocket", "path": "/ws/home/", "headers": [], "subprotocols": []}
        )
        await communicator.send_input({"type": "websocket.connect"})
        accepted = await communicator.receive_output(timeout=3)
        assert accepted["type"] == "websocket.accept"
        await get_channel_layer().group_send(
            HOME_GROUP, {"type": "event.message", "event": {"type": "home.changed", "what": "alert"}}
        )
        message = await communicator.receive_output(timeout=3)
        await communicator.send_input({"type": "websocket.disconnect", "code": 1000})
        await communicator.wait(timeout=3)
        return json.loads(message["text"])  # type: ignore[no-any-return]

    assert asyncio.run(scenario()) == {"type": "home.changed", "what": "alert"}
