"""Restreaming to YouTube, Facebook and other RTMP(S) ingests (decision 0078): what a destination's URL must be,
how many and which, the control page that adds, switches and deletes them (audited, the stream key never shown
back), what the ingest's reports may change, and one destination's retry loop with a real ffmpeg against a
closed port. The whole ingest with a real receiver is ``tests/processes/test_tv_restream.py``."""

from __future__ import annotations

import asyncio
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.core.exceptions import ValidationError
from django.test import Client

from sotong.core.models import AuditEvent
from sotong.tv.choices import BroadcastState
from sotong.tv.ingest import restream as ingest
from sotong.tv.ingest.packager import ffmpeg_binary
from sotong.tv.models import RestreamTarget
from sotong.tv.services import restream
from sotong.tv.services.restream import Wanted

pytestmark = pytest.mark.django_db

State = RestreamTarget.State
# Literal public addresses: the checks resolve names, and these tests must not depend on DNS.
YOUTUBE = "rtmp://142.250.1.10/live2/abcd-efgh-ijkl-mnop-qrst"
FACEBOOK = "rtmps://157.240.1.20:443/rtmp/FB-1093847561234567-0-AbyZ9x7Qa"


@pytest.fixture
def live(make_broadcast: Any) -> Any:
    return make_broadcast(starts_in=-10, minutes=60, state=BroadcastState.LIVE)


def add(broadcast: Any, url: str = YOUTUBE, *, label: str = "YouTube", platform: str = "youtube") -> Any:
    return restream.restream_add(broadcast=broadcast, label=label, platform=platform, url=url, by=None)


def refusal(url: str) -> str:
    with pytest.raises(ValidationError) as error:
        restream.restream_clean_url(url)
    return " ".join(error.value.messages)


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("https://a.rtmp.youtube.com/live2/abcd-efgh", "rtmp:// 또는 rtmps://"),
        ("a.rtmp.youtube.com/live2/abcd-efgh", "rtmp:// 또는 rtmps://"),
        ("srt://142.250.1.10:9000/live2/abcd", "rtmp:// 또는 rtmps://"),
        ("rtmp://142.250.1.10/live2", "스트림 키까지"),
        ("rtmp://142.250.1.10/live2/", "스트림 키까지"),
        ("rtmp://142.250.1.10/live2/abcd efgh", "공백"),
        ("rtmp://142.250.1.10/live2/abcd\x00efgh", "공백"),
        ("rtmp://142.250.1.10/live2/" + "k" * 1000, "너무 깁니다"),
        ("rtmp://142.250.1.10:99999/live2/abcd", "포트"),
        ("rtmp:///live2/abcd", "서버 이름"),
    ],
)
def test_a_destination_must_be_an_rtmp_url_with_its_stream_key(url: str, says: str) -> None:
    assert says in refusal(url)


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "localhost", "studio.localhost", "10.0.0.5", "192.168.1.10", "172.16.0.1", "[::1]",
     "169.254.169.254", "0.0.0.0", "100.64.0.1", "[::ffff:127.0.0.1]", "127.1", "2130706433"],  # noqa: S104
)  # fmt: skip
def test_it_refuses_this_server_and_the_internal_network(host: str) -> None:
    assert "내부망" in refusal(f"rtmp://{host}:1935/live2/abcd-efgh-ijkl")


def test_loopback_is_allowed_when_the_setting_says_so(settings: Any) -> None:
    settings.TV_RESTREAM_ALLOW_LOOPBACK = True
    url = "rtmp://127.0.0.1:1936/live2/abcd-efgh-ijkl"
    assert restream.restream_clean_url(url) == url


def test_a_public_address_is_accepted_with_scheme_and_host_in_lower_case_and_the_key_as_typed() -> None:
    assert restream.restream_clean_url("  RTMPS://157.240.1.20:443/rtmp/FB-AbYz  ") == (
        "rtmps://157.240.1.20:443/rtmp/FB-AbYz"
    )


def test_the_hint_shows_where_it_goes_and_only_the_end_of_the_key() -> None:
    assert restream.url_hint(FACEBOOK) == "rtmps://157.240.1.20:443/rtmp/…9x7Qa"[:-5] + "x7Qa"
    assert "FB-1093847561234567" not in restream.url_hint(FACEBOOK)
    # A short key is not shortened: it is hidden whole.
    assert restream.url_hint("rtmp://142.250.1.10/live2/short-key") == "rtmp://142.250.1.10/live2/…"
    # What follows the key (Facebook's old keys carried a token there) is never shown.
    hint = restream.url_hint("rtmps://157.240.1.20:443/rtmp/1234567890123?s_bl=1&a=SeCrEtToKeN")
    assert hint == "rtmps://157.240.1.20:443/rtmp/…0123" and "SeCrEt" not in hint


def test_a_broadcast_takes_five_destinations_each_once(live: Any) -> None:
    first = add(live)
    assert first.url == YOUTUBE and first.enabled and first.state == State.IDLE
    with pytest.raises(ValidationError, match="같은 주소가 이미 있습니다"):
        add(live, YOUTUBE.replace("rtmp://", "RTMP://"), label="YouTube 2")
    for n in range(2, 6):
        add(live, f"{YOUTUBE}-{n}", label=f"YouTube {n}")
    with pytest.raises(ValidationError, match="5곳까지"):
        add(live, FACEBOOK, label="Facebook", platform="facebook")
    assert live.restream_targets.count() == 5


def test_the_label_and_platform_are_checked_and_an_ended_broadcast_takes_none(
    live: Any, make_broadcast: Any
) -> None:
    with pytest.raises(ValidationError, match="40자"):
        add(live, label="  ")
    with pytest.raises(ValidationError, match="플랫폼"):
        add(live, platform="twitch")
    ended = make_broadcast(starts_in=-120, minutes=60, state=BroadcastState.ENDED)
    with pytest.raises(ValidationError, match="끝났거나 취소된"):
        add(ended)
    assert not RestreamTarget.objects.exists()


def test_the_url_is_stored_encrypted_and_found_by_its_digest(live: Any) -> None:
    from django.db import connection

    target = add(live)
    with connection.cursor() as cursor:
        cursor.execute("SELECT url, url_digest FROM tv_restreamtarget WHERE id = %s", [target.pk])
        stored, digest = cursor.fetchone()
    assert "abcd-efgh" not in stored and "abcd-efgh" not in digest
    assert RestreamTarget.objects.get(pk=target.pk).url == YOUTUBE


# --- what the ingest's reports may change -----------------------------------------------------------


def reload(target: Any) -> Any:
    return RestreamTarget.objects.get(pk=target.pk)


def test_the_last_error_stays_while_reconnecting_and_going_live_clears_it(live: Any) -> None:
    target = add(live)
    restream.restream_report(target_id=target.pk, state=State.CONNECTING, attempt=True)
    restream.restream_report(
        target_id=target.pk, state=State.RETRYING, error="상대 서버가 연결을 거부했습니다."
    )
    restream.restream_report(target_id=target.pk, state=State.CONNECTING, attempt=True)
    row = reload(target)
    assert (row.state, row.attempts, row.last_error) == (
        State.CONNECTING,
        2,
        "상대 서버가 연결을 거부했습니다.",
    )

    restream.restream_report(target_id=target.pk, state=State.LIVE)
    row = reload(target)
    assert row.state == State.LIVE and row.last_error == "" and row.started_at is not None


def test_a_producers_off_wins_over_the_ingests_report(live: Any, studio: Any) -> None:
    target = add(live)
    restream.restream_report(target_id=target.pk, state=State.LIVE)
    assert restream.restream_set_enabled(target=target, enabled=False, by=studio)
    # The ingest had not yet noticed: its reports until it lets the destination go change nothing ...
    restream.restream_report(target_id=target.pk, state=State.RETRYING, error="연결이 끊겼습니다.")
    restream.restream_report(target_id=target.pk, state=State.CONNECTING, attempt=True)
    assert reload(target).state == State.STOPPED
    # ... and its last word (the broadcast ended: 'idle') leaves an 'off' destination 꺼짐.
    restream.restream_report(target_id=target.pk, state=State.IDLE, final=True)
    row = reload(target)
    assert (row.state, row.enabled, row.attempts) == (State.STOPPED, False, 0)
    assert restream.restream_wanted(broadcast_id=live.pk) == []


def test_turning_on_twice_records_once_and_keeps_the_running_state(live: Any, studio: Any) -> None:
    target = add(live)
    restream.restream_report(target_id=target.pk, state=State.LIVE)
    assert not restream.restream_set_enabled(target=reload(target), enabled=True, by=studio)
    assert reload(target).state == State.LIVE
    assert not AuditEvent.objects.filter(action="tv.restream.enable").exists()


def test_a_restarted_ingest_sets_what_it_left_running_idle(live: Any, studio: Any) -> None:
    running, failed, off = add(live), add(live, FACEBOOK, label="Facebook"), add(live, f"{YOUTUBE}-2")
    restream.restream_report(target_id=running.pk, state=State.LIVE)
    restream.restream_report(target_id=failed.pk, state=State.FAILED, error="연결이 끊겼습니다.")
    restream.restream_set_enabled(target=off, enabled=False, by=studio)
    assert restream.restream_reset() == 2
    assert [reload(t).state for t in (running, failed, off)] == [State.IDLE, State.IDLE, State.STOPPED]
    assert reload(failed).last_error == "연결이 끊겼습니다."
    assert [w.pk for w in restream.restream_wanted(broadcast_id=live.pk)] == [running.pk, failed.pk]


# --- the control page -------------------------------------------------------------------------------


def control(client: Client, broadcast: Any) -> str:
    return client.get(f"/admin/tv/broadcasts/{broadcast.pk}/").content.decode()


def test_the_studio_adds_switches_and_deletes_destinations_audited_without_the_key_shown(
    live: Any, studio: Any
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(studio)
    page = control(client, live)
    base = f"/admin/tv/broadcasts/{live.pk}/restream"
    assert f'action="{base}/add/"' in page and "<legend>송출 대상 추가</legend>" in page
    token = client.cookies["csrftoken"].value
    form = {"label": "구청 YouTube", "platform": "youtube", "url": YOUTUBE}
    assert client.post(f"{base}/add/", form).status_code == 403  # no CSRF token

    response = client.post(f"{base}/add/", {**form, "csrfmiddlewaretoken": token}, follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == f"/admin/tv/broadcasts/{live.pk}/#restream"
    assert "‘구청 YouTube’ 송출 대상을 추가했습니다." in page
    assert "rtmp://142.250.1.10/live2/…qrst" in page and "abcd-efgh" not in page
    target = RestreamTarget.objects.get(broadcast=live)
    assert (target.label, target.platform, target.url, target.enabled) == (
        "구청 YouTube",
        "youtube",
        YOUTUBE,
        True,
    )

    client.post(f"{base}/{target.pk}/enabled/", {"enabled": "0", "csrfmiddlewaretoken": token})
    assert (reload(target).enabled, reload(target).state) == (False, State.STOPPED)
    assert ">꺼짐<" in control(client, live).replace('<td class="restream-state">', ">")
    client.post(f"{base}/{target.pk}/enabled/", {"enabled": "1", "csrfmiddlewaretoken": token})
    assert (reload(target).enabled, reload(target).state) == (True, State.IDLE)

    response = client.post(f"{base}/{target.pk}/delete/", {"csrfmiddlewaretoken": token}, follow=True)
    assert "‘구청 YouTube’ 송출 대상을 지웠습니다." in response.content.decode()
    assert not RestreamTarget.objects.exists()

    events = AuditEvent.objects.filter(action__startswith="tv.restream.").order_by("pk")
    assert [(e.action, e.actor_id) for e in events] == [
        ("tv.restream.add", studio.pk),
        ("tv.restream.disable", studio.pk),
        ("tv.restream.enable", studio.pk),
        ("tv.restream.delete", studio.pk),
    ]
    assert all(e.detail["url"] == "rtmp://142.250.1.10/live2/…qrst" for e in events)
    assert not any("abcd-efgh" in str(e.detail) for e in events)


def test_a_refused_destination_is_explained_in_korean_and_nothing_is_added(live: Any, studio: Any) -> None:
    client = Client()
    client.force_login(studio)
    for url, says in [
        ("https://a.rtmp.youtube.com/live2/abcd", "송출 주소는 rtmp:// 또는 rtmps:// 로 시작해야 합니다."),
        ("rtmp://142.250.1.10/live2", "스트림 키까지 붙인 전체 주소를 넣어 주세요"),
        ("rtmp://192.168.0.20/live/abcd-efgh", "이 서버 자신이나 내부망 주소로는 보낼 수 없습니다."),
    ]:
        response = client.post(
            f"/admin/tv/broadcasts/{live.pk}/restream/add/",
            {"label": "YouTube", "platform": "youtube", "url": url},
            follow=True,
        )
        page = response.content.decode()
        assert says in page
        # The refused URL is not put back on the page either.
        assert url not in page
    assert not RestreamTarget.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="tv.restream.").exists()


def test_the_page_shows_each_destinations_state_attempts_and_last_error(live: Any, studio: Any) -> None:
    youtube, facebook = add(live), add(live, FACEBOOK, label="Facebook", platform="facebook")
    restream.restream_report(target_id=youtube.pk, state=State.CONNECTING, attempt=True)
    restream.restream_report(target_id=youtube.pk, state=State.LIVE)
    for _ in range(3):
        restream.restream_report(target_id=facebook.pk, state=State.CONNECTING, attempt=True)
        restream.restream_report(
            target_id=facebook.pk, state=State.RETRYING, error="상대 서버가 연결을 거부했습니다."
        )
    client = Client()
    client.force_login(studio)
    page = control(client, live)
    assert "<caption>송출 대상" in page and '<th scope="row">Facebook</th>' in page
    assert f'data-restream="{youtube.pk}" data-state="live"' in page
    assert f'data-restream="{facebook.pk}" data-state="retrying"' in page
    assert "송출 중" in page and "다시 시도 대기" in page and "상대 서버가 연결을 거부했습니다." in page
    assert "<td>3</td>" in page and "…x7Qa" in page and "FB-1093847561234567" not in page


def test_staff_without_the_tv_permission_cannot_add_switch_or_delete(live: Any, junho: Any) -> None:
    target = add(live)
    client = Client()
    client.force_login(junho)
    base = f"/admin/tv/broadcasts/{live.pk}/restream"
    responses = [
        client.post(f"{base}/add/", {"label": "X", "platform": "other", "url": FACEBOOK}),
        client.post(f"{base}/{target.pk}/enabled/", {"enabled": "0"}),
        client.post(f"{base}/{target.pk}/delete/"),
    ]
    assert all(r.status_code in (302, 403) for r in responses)  # Wagtail sends staff without it away
    assert [(t.pk, t.enabled) for t in RestreamTarget.objects.all()] == [(target.pk, True)]
    assert list(AuditEvent.objects.filter(action__startswith="tv.restream.").values_list("action")) == [
        ("tv.restream.add",)  # the one made above, by no one
    ]


def test_the_actions_are_post_only_and_a_destination_of_another_broadcast_is_not_found(
    live: Any, studio: Any, make_broadcast: Any
) -> None:
    other = make_broadcast(title="다른 방송")
    target = add(other)
    client = Client()
    client.force_login(studio)
    assert client.get(f"/admin/tv/broadcasts/{live.pk}/restream/add/").status_code == 405
    assert client.post(f"/admin/tv/broadcasts/{live.pk}/restream/{target.pk}/delete/").status_code == 404
    assert RestreamTarget.objects.filter(pk=target.pk).exists()


# --- one destination's retry loop, with a real ffmpeg -----------------------------------------------


def live_hls(folder: Path) -> None:
    """A second of H.264 and AAC as HLS where the ingest's packager would write the top rendition."""
    playlist = ingest.source_playlist(folder)
    playlist.parent.mkdir(parents=True)
    subprocess.run(
        [ffmpeg_binary(), "-hide_banner", "-loglevel", "error",
         "-f", "lavfi", "-i", "testsrc=size=64x48:rate=10", "-f", "lavfi", "-i", "sine=frequency=440",
         "-t", "1", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac",
         "-f", "hls", "-hls_time", "1", str(playlist)],
        check=True,
        timeout=60,
    )  # fmt: skip


def test_a_refused_destination_is_retried_with_backoff_and_marked_failed_when_it_keeps_failing(
    live: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    import socket

    settings.TV_RESTREAM_ALLOW_LOOPBACK = True
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    target = RestreamTarget.objects.create(
        broadcast=live, label="YouTube", url=f"rtmp://127.0.0.1:{closed}/live2/abcd-efgh-ijkl", url_digest="x"
    )
    live_hls(tmp_path)
    monkeypatch.setattr(ingest, "BACKOFF_SECONDS", (0.05, 0.05, 0.05))
    seen: list[tuple[str, int, str]] = []

    async def go() -> None:
        destination = ingest.Destination(Wanted(target.pk, target.url), tmp_path)
        destination.start()
        deadline = time.monotonic() + 30
        try:
            while time.monotonic() < deadline:
                row = await sync_to_async(reload)(target)
                seen.append((row.state, row.attempts, row.last_error))
                if row.state == State.FAILED:
                    return
                await asyncio.sleep(0.01)
        finally:
            await destination.stop(State.IDLE)

    async_to_sync(go)()

    states = [state for state, _, _ in seen]
    assert states[-1] == State.FAILED and State.LIVE not in states
    assert seen[-1][1] == 3 and "거부" in seen[-1][2]
    # Once the first attempt failed, its reason is on the row whatever the state, reconnecting included.
    first_failure = next(i for i, (state, _, _) in enumerate(seen) if state == State.RETRYING)
    assert all(error for _, _, error in seen[first_failure:])
    row = reload(target)
    assert row.state == State.IDLE and "거부" in row.last_error  # let go: idle, the reason kept


def test_a_name_that_resolves_inside_at_connection_time_is_not_sent_to(
    live: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DNS rebinding: the name was public when added; when the ingest connects it points at this server. No
    ffmpeg is started, the row says why in Korean, and it is tried again later like any failure."""
    import socket

    answers = {"live.example-cdn.net": "142.250.1.10"}

    def resolve(host: str, *args: Any, **kwargs: Any) -> list[Any]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answers[host], 0))]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    target = add(live, "rtmp://live.example-cdn.net/live2/abcd-efgh-ijkl-mnop")
    answers["live.example-cdn.net"] = "127.0.0.1"  # rebound after the check at adding
    live_hls(tmp_path)
    monkeypatch.setattr(ingest, "BACKOFF_SECONDS", (0.05, 0.05))
    started: list[Any] = []
    monkeypatch.setattr(ingest.asyncio, "create_subprocess_exec", lambda *a, **k: started.append(a))

    async def go() -> None:
        destination = ingest.Destination(Wanted(target.pk, target.url), tmp_path)
        destination.start()
        deadline = time.monotonic() + 10
        try:
            while time.monotonic() < deadline:
                if (await sync_to_async(reload)(target)).state == State.FAILED:
                    return
                await asyncio.sleep(0.01)
        finally:
            await destination.stop(State.IDLE)

    async_to_sync(go)()

    row = reload(target)
    assert started == []
    assert row.attempts == 2 and "내부망" in row.last_error
