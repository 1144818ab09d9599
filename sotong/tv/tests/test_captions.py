"""Live captions and chapter markers: the service refuses what cannot be shown (in Korean, storing nothing),
the caption desk is the studio's alone, and players read the lines as JSON and as WebVTT."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from sotong.core.models import AuditEvent
from sotong.tv.choices import BroadcastState
from sotong.tv.models import CaptionCue, Marker
from sotong.tv.services.captions import caption_send, marker_add
from sotong.tv.services.chat import viewers_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_air(make_broadcast: Any, now: Any) -> Any:
    return make_broadcast(starts_in=-5, state=BroadcastState.LIVE, went_live_at=now - timedelta(minutes=5))


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def desk(broadcast: Any, rest: str = "") -> str:
    return f"/admin/tv/broadcasts/{broadcast.pk}/captions/{rest}"


def test_a_line_is_trimmed_stored_with_its_moment_and_sent_to_viewers(
    on_air: Any, studio: Any, now: Any, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    sent: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr("sotong.core.events.send_event", lambda group, event: sent.append((group, event)))
    with django_capture_on_commit_callbacks(execute=True):
        cue = caption_send(
            on_air, text="  안녕하십니까,   구청장입니다.\n\n  오늘은 예산 이야기입니다. ", by=studio
        )
    assert cue.text == "안녕하십니까, 구청장입니다.\n오늘은 예산 이야기입니다."
    assert cue.at == now and cue.by == studio
    assert sent == [
        (
            viewers_group(on_air.pk),
            {"type": "caption", "id": cue.pk, "at": "2026-03-10T04:50:00.000+00:00", "text": cue.text},
        )
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("   \n  ", "보낼 자막을 입력해 주세요."),
        ("가" * 301, "자막은 한 번에 300자까지 보낼 수 있습니다. 나누어 보내 주세요."),
        ("소리\x07없는 글자", "보이지 않는 제어 문자는 자막에 쓸 수 없습니다. 글자만 입력해 주세요."),
        ("방향\u202e바꾸기", "보이지 않는 제어 문자는 자막에 쓸 수 없습니다. 글자만 입력해 주세요."),
    ],
)
def test_a_line_that_cannot_be_shown_is_refused_in_korean_and_not_stored(
    on_air: Any, studio: Any, text: str, message: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        caption_send(on_air, text=text, by=studio)
    assert refused.value.messages == [message]
    assert not CaptionCue.objects.exists()


def test_three_hundred_characters_are_taken(on_air: Any, studio: Any) -> None:
    assert len(caption_send(on_air, text="가" * 300, by=studio).text) == 300


def test_captions_and_markers_are_taken_only_while_live(make_broadcast: Any, studio: Any) -> None:
    for state in (BroadcastState.SCHEDULED, BroadcastState.ENDED):
        broadcast = make_broadcast(state=state)
        with pytest.raises(ValidationError) as refused:
            caption_send(broadcast, text="자막", by=studio)
        assert refused.value.messages == ["생방송 중에만 자막과 장 나누기를 보낼 수 있습니다."]
        with pytest.raises(ValidationError) as refused:
            marker_add(broadcast, title="2부", by=studio)
        assert refused.value.messages == ["생방송 중에만 자막과 장 나누기를 보낼 수 있습니다."]
    assert not CaptionCue.objects.exists() and not Marker.objects.exists()


def test_the_trail_records_who_began_captioning_not_every_line(on_air: Any, studio: Any) -> None:
    for text in ("첫 줄", "둘째 줄", "셋째 줄"):
        caption_send(on_air, text=text, by=studio)
    events = AuditEvent.objects.filter(action="tv.captions_started")
    assert list(events.values_list("actor", "target_id")) == [(studio.pk, str(on_air.pk))]


def test_a_marker_starts_a_chapter_now(on_air: Any, studio: Any, now: Any) -> None:
    marker = marker_add(on_air, title="  2부:   질의응답 ", by=studio)
    assert (marker.title, marker.at, marker.by) == ("2부: 질의응답", now, studio)
    assert AuditEvent.objects.filter(action="tv.marker_added", detail__title="2부: 질의응답").exists()
    for title, message in (
        ("  ", "장 제목을 입력해 주세요."),
        ("가" * 121, "장 제목은 120자까지 쓸 수 있습니다."),
        ("탭\x00", "보이지 않는 제어 문자는 장 제목에 쓸 수 없습니다."),
    ):
        with pytest.raises(ValidationError) as refused:
            marker_add(on_air, title=title, by=studio)
        assert refused.value.messages == [message]
    assert Marker.objects.count() == 1


def test_the_desk_sends_a_line_as_json(on_air: Any, studio: Any) -> None:
    client = signed_in(studio)
    page = client.get(desk(on_air)).content.decode()
    assert 'id="tv-caption-text"' in page and "장 나누기" in page

    answer = client.post(desk(on_air, "send/"), {"text": "반갑습니다"}, content_type="application/json")
    assert answer.status_code == 201
    cue = CaptionCue.objects.get()
    assert answer.json()["cue"] == {
        "type": "caption",
        "id": cue.pk,
        "at": cue.at.isoformat(timespec="milliseconds"),
        "text": "반갑습니다",
    }

    refused = client.post(desk(on_air, "send/"), {"text": "가" * 301}, content_type="application/json")
    assert refused.status_code == 400
    assert refused.json() == {"error": "자막은 한 번에 300자까지 보낼 수 있습니다. 나누어 보내 주세요."}
    assert CaptionCue.objects.count() == 1
    assert "반갑습니다" in client.get(desk(on_air)).content.decode()


def test_the_desk_works_as_a_plain_form_too(on_air: Any, studio: Any) -> None:
    client = signed_in(studio)
    response = client.post(desk(on_air, "send/"), {"text": "스크립트 없이"})
    assert response.status_code == 302 and response["Location"] == desk(on_air)
    assert CaptionCue.objects.get().text == "스크립트 없이"


def test_the_desk_adds_a_marker(on_air: Any, studio: Any) -> None:
    client = signed_in(studio)
    response = client.post(desk(on_air, "marker/"), {"title": "2부: 질의응답"}, follow=True)
    html = response.content.decode()
    assert "“2부: 질의응답” 장을 지금부터 시작했습니다." in html
    assert Marker.objects.get().title == "2부: 질의응답"
    assert (
        "장 제목을 입력해 주세요."
        in client.post(desk(on_air, "marker/"), {"title": ""}, follow=True).content.decode()
    )


def test_the_control_page_links_to_the_desk(on_air: Any, studio: Any) -> None:
    html = signed_in(studio).get(f"/admin/tv/broadcasts/{on_air.pk}/").content.decode()
    assert f'href="{desk(on_air)}"' in html and f'href="{desk(on_air)}#marker-heading"' in html


def test_the_desk_is_the_studios_alone(on_air: Any, junho: Any) -> None:
    client = signed_in(junho)
    for response in (
        client.get(desk(on_air)),
        client.post(desk(on_air, "send/"), {"text": "끼어들기"}, content_type="application/json"),
        client.post(desk(on_air, "marker/"), {"title": "끼어들기"}),
    ):
        assert response.status_code == 302 and response["Location"] == "/admin/"
    anonymous = Client()
    for response in (
        anonymous.get(desk(on_air)),
        anonymous.post(desk(on_air, "send/"), {"text": "끼어들기"}, content_type="application/json"),
    ):
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not CaptionCue.objects.exists() and not Marker.objects.exists()


def test_the_desk_needs_the_csrf_token(on_air: Any, studio: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(studio)
    page = client.get(desk(on_air))
    body = json.dumps({"text": "토큰 없이"})
    assert client.post(desk(on_air, "send/"), body, content_type="application/json").status_code == 403
    assert client.post(desk(on_air, "marker/"), {"title": "토큰 없이"}).status_code == 403
    assert not CaptionCue.objects.exists() and not Marker.objects.exists()

    token = page.context["csrf_token"]
    answer = client.post(
        desk(on_air, "send/"), body, content_type="application/json", headers={"X-CSRFToken": str(token)}
    )
    assert answer.status_code == 201


def test_players_read_the_recent_lines_then_the_new_ones(on_air: Any, studio: Any, time_machine: Any) -> None:
    cues = []
    for n in range(25):
        cues.append(caption_send(on_air, text=f"{n}번째 줄", by=studio))
        time_machine.shift(timedelta(seconds=2))
    first = Client().get(f"/tv/{on_air.pk}/captions.json")
    assert first["Content-Type"] == "application/json" and first["Cache-Control"] == "no-cache"
    data = first.json()
    assert data["live"] is True
    assert [cue["text"] for cue in data["cues"]] == [f"{n}번째 줄" for n in range(5, 25)]

    after = Client().get(f"/tv/{on_air.pk}/captions.json?after={cues[22].pk}").json()
    assert [cue["id"] for cue in after["cues"]] == [cues[23].pk, cues[24].pk]
    assert after["cues"][0] == {
        "type": "caption",
        "id": cues[23].pk,
        "at": "2026-03-10T04:50:46.000+00:00",
        "text": "23번째 줄",
    }
    # Any language's address reads the same (Korean) lines.
    assert (
        Client().get(f"/en/tv/{on_air.pk}/captions.json?after={cues[23].pk}").json()["cues"][0]["id"]
        == cues[24].pk
    )


def test_the_webvtt_times_lines_from_when_the_broadcast_went_live(
    on_air: Any, studio: Any, time_machine: Any
) -> None:
    caption_send(on_air, text="안녕하십니까", by=studio)
    time_machine.shift(timedelta(seconds=2.5))
    caption_send(on_air, text="<b>예산</b> & 결산 --> 다음", by=studio)
    time_machine.shift(timedelta(hours=1, seconds=30))
    caption_send(on_air, text="마치겠습니다", by=studio)
    response = Client().get(f"/tv/{on_air.pk}/captions.vtt")
    assert response["Content-Type"] == "text/vtt; charset=utf-8"
    assert response.content.decode() == (
        "WEBVTT\n\n"
        "00:05:00.000 --> 00:05:02.500\n안녕하십니까\n\n"
        "00:05:02.500 --> 00:05:08.500\n&lt;b&gt;예산&lt;/b&gt; &amp; 결산 --&gt; 다음\n\n"
        "01:05:32.500 --> 01:05:38.500\n마치겠습니다\n"
    )


def test_a_broadcast_not_yet_live_has_no_lines(make_broadcast: Any) -> None:
    planned = make_broadcast()
    assert Client().get(f"/tv/{planned.pk}/captions.vtt").content == b"WEBVTT\n"
    assert Client().get(f"/tv/{planned.pk}/captions.json").json() == {"live": False, "cues": []}
    cancelled = make_broadcast(state=BroadcastState.CANCELLED)
    assert Client().get(f"/tv/{cancelled.pk}/captions.json").status_code == 404
    assert Client().get("/tv/999999/captions.vtt").status_code == 404


def test_the_player_page_has_the_caption_region_and_its_switch(on_air: Any) -> None:
    html = Client().get(f"/tv/{on_air.pk}/").content.decode()
    assert 'id="tv-captions-toggle"' in html and 'aria-pressed="true"' in html
    assert f'data-feed="/tv/{on_air.pk}/captions.json"' in html
    assert f'href="/tv/{on_air.pk}/captions.vtt"' in html
