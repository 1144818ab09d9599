"""The studio's back office: a broadcast's control page issues its stream key once, ends or cancels it;
staff without the 소통TV role are refused."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from sotong.core.crypto import digest
from sotong.tv.choices import BroadcastState
from sotong.tv.services.ingest import publish_start

pytestmark = pytest.mark.django_db


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_studio_issues_a_key_that_is_shown_once(make_broadcast: Any, studio: Any) -> None:
    broadcast = make_broadcast()
    client = signed_in(studio)
    page = client.get(f"/admin/tv/broadcasts/{broadcast.pk}/").content.decode()
    assert "아직 송출 키가 없습니다." in page

    response = client.post(f"/admin/tv/broadcasts/{broadcast.pk}/act/", {"action": "issue_key"})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    html = response.content.decode()
    raw = re.search(r'<code id="stream-key">([^<]+)</code>', html).group(1)  # type: ignore[union-attr]
    assert "rtmp://127.0.0.1:1935/live" in html
    broadcast.refresh_from_db()
    assert broadcast.stream_key_digest == digest(raw)

    again = client.get(f"/admin/tv/broadcasts/{broadcast.pk}/").content.decode()
    assert raw not in again and f"…{raw[-4:]}로 끝나는 키를 쓰는 중입니다" in again
    assert publish_start(raw).accepted


def test_the_studio_ends_a_live_broadcast_and_cancels_a_planned_one(make_broadcast: Any, studio: Any) -> None:
    client = signed_in(studio)
    live = make_broadcast(starts_in=-5, state=BroadcastState.LIVE)
    planned = make_broadcast(starts_in=60 * 24)

    client.post(f"/admin/tv/broadcasts/{live.pk}/act/", {"action": "end"})
    client.post(f"/admin/tv/broadcasts/{planned.pk}/act/", {"action": "cancel"})
    live.refresh_from_db()
    planned.refresh_from_db()
    assert live.state == BroadcastState.ENDED and planned.state == BroadcastState.CANCELLED

    response = client.post(f"/admin/tv/broadcasts/{planned.pk}/act/", {"action": "end"}, follow=True)
    assert "생방송 중인 방송만 끝낼 수 있습니다." in response.content.decode()
    planned.refresh_from_db()
    assert planned.state == BroadcastState.CANCELLED


def test_staff_without_the_role_cannot_see_or_issue_keys(make_broadcast: Any, junho: Any) -> None:
    broadcast = make_broadcast()
    client = signed_in(junho)
    # The back office answers a refusal by sending the officer to their dashboard with a message.
    for response in (
        client.get(f"/admin/tv/broadcasts/{broadcast.pk}/"),
        client.post(f"/admin/tv/broadcasts/{broadcast.pk}/act/", {"action": "issue_key"}),
    ):
        assert response.status_code == 302 and response["Location"] == "/admin/"
    broadcast.refresh_from_db()
    assert not broadcast.stream_key_digest
    assert Client().get(f"/admin/tv/broadcasts/{broadcast.pk}/").status_code == 302  # to the sign-in


def test_the_broadcast_list_links_each_to_its_control_page(make_broadcast: Any, studio: Any) -> None:
    broadcast = make_broadcast()
    html = signed_in(studio).get("/admin/snippets/tv/broadcast/").content.decode()
    assert f"/admin/tv/broadcasts/{broadcast.pk}/" in html


def test_the_studio_finds_each_broadcast_to_run_from_the_menu(
    make_broadcast: Any, studio: Any, junho: Any
) -> None:
    live = make_broadcast(title="지금 하는 강좌", starts_in=-5, state=BroadcastState.LIVE)
    planned = make_broadcast(title="다음 주 강좌", starts_in=60 * 24 * 7)
    client = signed_in(studio)
    html = client.get("/admin/tv/broadcasts/").content.decode()
    assert (
        html.index("지금 생방송")
        < html.index("지금 하는 강좌")
        < html.index("방송 예정")
        < html.index("다음 주 강좌")
    )
    assert f"/admin/tv/broadcasts/{live.pk}/" in html and f"/admin/tv/broadcasts/{planned.pk}/" in html
    # The sidebar is drawn from JSON in the page: the menu item's address is there.
    assert '"/admin/tv/broadcasts/"' in client.get("/admin/").content.decode()
    assert '"/admin/tv/broadcasts/"' not in signed_in(junho).get("/admin/").content.decode()
