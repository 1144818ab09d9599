"""nginx-rtmp's on_publish / on_publish_done as the notify module sends them: a form POST with the
stream name (our key) in ``name``; 2xx lets the stream in, 4xx drops it, 3xx renames it to Location."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from sotong.tv.choices import BroadcastState
from sotong.tv.services.keys import stream_key_issue

pytestmark = pytest.mark.django_db

SECRET = "tv-ingest-secret-0123456789abcdef-0123"


@pytest.fixture
def ingest(settings: Any) -> None:
    settings.TV_INGEST_SECRET = SECRET


def nginx_form(call: str, name: str) -> dict[str, str]:
    """The fields ngx_rtmp_notify_module posts for publish and publish_done."""
    return {
        "app": "live",
        "flashver": "FMLE/3.0 (compatible; FMSc/1.0)",
        "swfurl": "",
        "tcurl": "rtmp://127.0.0.1:1935/live",
        "pageurl": "",
        "addr": "198.51.100.7",
        "clientid": "12",
        "call": call,
        "name": name,
        "type": "live",
    }


def on_publish(client: Client, name: str, secret: str = SECRET) -> Any:
    return client.post(f"/tv-ingest/nginx/on-publish?secret={secret}", nginx_form("publish", name))


def test_the_right_key_is_relayed_under_its_public_name(
    ingest: None, make_broadcast: Any, studio: Any
) -> None:
    broadcast = make_broadcast()
    raw = stream_key_issue(broadcast, by=studio)

    response = on_publish(Client(enforce_csrf_checks=True), raw)

    # Relayed to nginx's HLS application under the public name: the key names no file.
    assert response.status_code == 302
    assert response["Location"] == f"rtmp://127.0.0.1:1935/hls/b{broadcast.pk}"
    broadcast.refresh_from_db()
    assert broadcast.state == BroadcastState.LIVE and broadcast.publishing
    assert broadcast.ingest_attempts.get().remote_addr == "198.51.100.7"

    done = Client().post(
        f"/tv-ingest/nginx/on-publish-done?secret={SECRET}", nginx_form("publish_done", f"b{broadcast.pk}")
    )
    assert done.status_code == 200
    broadcast.refresh_from_db()
    assert not broadcast.publishing and broadcast.state == BroadcastState.LIVE


def test_a_wrong_key_is_dropped_before_any_video(ingest: None, make_broadcast: Any, studio: Any) -> None:
    broadcast = make_broadcast()
    stream_key_issue(broadcast, by=studio)

    response = on_publish(Client(), "sotong-tv-not-the-key")

    assert response.status_code == 403
    assert response.content == b"unknown_key\n"
    broadcast.refresh_from_db()
    assert broadcast.state == BroadcastState.SCHEDULED


def test_the_callbacks_need_the_secret_and_the_documented_form(
    ingest: None, make_broadcast: Any, studio: Any
) -> None:
    raw = stream_key_issue(make_broadcast(), by=studio)
    client = Client()
    assert on_publish(client, raw, secret="wrong").status_code == 403
    assert client.post("/tv-ingest/nginx/on-publish", nginx_form("publish", raw)).status_code == 403
    assert client.get(f"/tv-ingest/nginx/on-publish?secret={SECRET}").status_code == 405
    assert (
        client.post(f"/tv-ingest/nginx/on-publish?secret={SECRET}", nginx_form("play", raw)).status_code
        == 400
    )
    odd = {**nginx_form("publish", raw), "addr": "not an address"}
    assert client.post(f"/tv-ingest/nginx/on-publish?secret={SECRET}", odd).status_code == 302


def test_without_a_secret_configured_the_callbacks_do_not_exist(
    settings: Any, make_broadcast: Any, studio: Any
) -> None:
    settings.TV_INGEST_SECRET = ""
    raw = stream_key_issue(make_broadcast(), by=studio)
    assert on_publish(Client(), raw, secret="").status_code == 404
