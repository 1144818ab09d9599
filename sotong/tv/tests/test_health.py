"""Stream health (decision 0079): what the program shows as the encoder stalls, drops and comes back, how the
slate's timestamps run on, and what a signal loss leaves for the producer (record, audit, e-mail, desk)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from sotong.tv.choices import BroadcastState
from sotong.tv.ingest.packager import Geometry, hls_command, hls_end, hls_open, record_command
from sotong.tv.ingest.program import Timeline, geometry_from_metadata
from sotong.tv.ingest.slate import AUDIO, FLV_HEADER, VIDEO, flv_tag, flv_tags, slate_build
from sotong.tv.ingest.watch import Change, Shown, SignalWatch
from sotong.tv.models import SignalLoss

pytestmark = pytest.mark.django_db


def watch() -> SignalWatch:
    return SignalWatch(stall_seconds=3, grace_seconds=120)


# The state machine ------------------------------------------------------------------------------------------


def test_no_picture_for_the_stall_seconds_puts_the_slate_on_and_a_key_frame_takes_it_off() -> None:
    w = watch()
    w.attached(100.0)
    assert w.picture(100.5, keyframe=True) is None
    assert w.tick(103.4) is None  # 2.9 s without a picture: still live
    assert w.tick(103.5) is Change.LOST
    assert w.shown is Shown.SLATE
    assert w.tick(300.0) is None  # connected but silent: the slate stays, no grace runs out
    assert w.picture(300.1, keyframe=False) is None  # the picture returns only on a key frame
    assert w.shown is Shown.SLATE
    assert w.picture(300.2, keyframe=True) is Change.BACK
    assert w.shown is Shown.LIVE


def test_a_dropped_encoder_has_the_grace_period_to_come_back() -> None:
    w = watch()
    w.attached(0.0)
    w.picture(1.0, keyframe=True)
    assert w.detached(10.0, deliberate=False) is Change.LOST
    assert w.tick(129.9) is None
    w.attached(129.9)  # reconnected with the same key just in time
    assert w.tick(200.0) is Change.LOST or w.shown is Shown.SLATE  # connected, no frame yet: still the slate
    assert w.picture(200.1, keyframe=True) is Change.BACK


def test_past_the_grace_period_the_slate_stops() -> None:
    w = watch()
    w.attached(0.0)
    w.detached(5.0, deliberate=False)
    assert w.tick(124.9) is None
    assert w.tick(125.0) is Change.GAVE_UP
    assert w.shown is Shown.OFF
    assert w.picture(126.0, keyframe=True) is None  # nothing is fed once off
    assert [change for _, change in w.history] == [Change.LOST, Change.GAVE_UP]


def test_an_encoder_stopped_on_purpose_ends_the_signal_without_a_slate() -> None:
    w = watch()
    w.attached(0.0)
    w.picture(0.5, keyframe=True)
    assert w.detached(60.0, deliberate=True) is Change.ENDED
    assert w.shown is Shown.OFF


def test_a_restarted_ingest_starts_on_the_slate_and_waits_the_grace_period() -> None:
    w = watch()
    assert w.resumed(50.0) is Change.LOST
    assert w.shown is Shown.SLATE and not w.connected
    assert w.tick(169.0) is None
    assert w.tick(170.0) is Change.GAVE_UP


def test_the_broadcast_ended_on_the_slate_stops_it() -> None:
    w = watch()
    w.resumed(0.0)
    assert w.end(1.0) is Change.GAVE_UP
    assert w.end(2.0) is None


# Feeding ffmpeg ------------------------------------------------------------------------------------------------


def test_each_source_starts_at_the_wall_clock_and_time_never_goes_back() -> None:
    line = Timeline(started=1000.0)
    line.cut(1000.0)
    assert [line.stamp(VIDEO, ts) for ts in (5000, 5040, 5080)] == [0, 40, 80]
    assert line.stamp(AUDIO, 4990) == 0  # a little before the first video frame: clamped, not negative
    line.cut(1003.5, first=0)  # the slate, 3.5 s later on the wall clock
    assert line.header() == 3500
    assert line.stamp(VIDEO, 0) == 3500 and line.stamp(VIDEO, 40) == 3540
    line.cut(1003.51)  # the encoder back a moment later, its own clock far on
    assert line.stamp(VIDEO, 90_000) == 3541  # after what was written, not at the wall clock behind it
    assert line.stamp(VIDEO, 90_000) == 3542  # the same timestamp twice still moves on


def test_flv_tags_read_back_what_was_written() -> None:
    data = FLV_HEADER + flv_tag(VIDEO, 0x1234567, b"\x17\x00abc") + flv_tag(AUDIO, 40, b"\xaf\x01zz")
    video, audio = flv_tags(data)
    assert (video.kind, video.timestamp, video.payload) == (VIDEO, 0x1234567, b"\x17\x00abc")
    assert video.is_keyframe and video.is_header
    assert (audio.kind, audio.timestamp, audio.is_header) == (AUDIO, 40, False)


def test_the_slate_is_built_once_and_loops_from_a_key_frame(tmp_path: Path) -> None:
    lines = ("잠시 후 방송이 이어집니다", "영등포구")
    slate = slate_build(tmp_path, width=320, height=180, fps=10, lines=lines)
    assert {tag.kind for tag in slate.headers} == {VIDEO, AUDIO}
    assert slate.frames[0].is_keyframe and slate.frames[0].timestamp == 0
    assert 1900 <= slate.length_ms <= 2200
    assert {tag.kind for tag in slate.frames} == {VIDEO, AUDIO}  # with (silent) sound
    again = slate_build(tmp_path, width=320, height=180, fps=10, lines=lines)
    assert again == slate and len(list(tmp_path.glob("slate-*.flv"))) == 1


def test_the_encoders_metadata_gives_the_programs_picture() -> None:
    meta = [{"duration": 0.0}, {"width": 320.0}, {"height": 240.0}, {"framerate": 25.0}]
    assert geometry_from_metadata(meta) == Geometry(320, 240, 25)
    assert geometry_from_metadata({"width": 1920, "height": 1080, "framerate": 29.97}) == Geometry(
        1920, 1080, 30
    )
    assert geometry_from_metadata([{"width": 0}]) is None
    assert Geometry(320, 240).width_for(120) == 160 and Geometry().width_for(360) == 640


def test_one_ffmpeg_makes_one_constant_output_and_leaves_the_playlists_open(
    tmp_path: Path, settings: Any
) -> None:
    settings.TV_RENDITIONS = "240:400,120:150"
    command = hls_command(tmp_path / "b1", ffmpeg="ffmpeg", geometry=Geometry(320, 240, 25))
    graph = command[command.index("-filter_complex") + 1]
    assert "fps=25" in graph and "pad=320:240" in graph and "aresample=44100:async=1" in graph
    flags = command[command.index("-hls_flags") + 1].split("+")
    assert "omit_endlist" in flags and "delete_segments" in flags and "append_list" not in flags
    continuing = hls_command(tmp_path / "b1", ffmpeg="ffmpeg", continuing=True)
    assert {"append_list", "discont_start"} <= set(continuing[continuing.index("-hls_flags") + 1].split("+"))
    assert record_command(tmp_path / "part-001.ts", ffmpeg="ffmpeg")[-3:] == [
        "-f",
        "mpegts",
        str(tmp_path / "part-001.ts"),
    ]


def test_open_playlists_are_resumed_and_the_end_closes_them(tmp_path: Path, settings: Any) -> None:
    settings.TV_RENDITIONS = "120:150"
    (tmp_path / "120p").mkdir()
    playlist = tmp_path / "120p" / "stream.m3u8"
    assert not hls_open(tmp_path)
    playlist.write_text("#EXTM3U\n#EXTINF:1.0,\nseg_000007.ts\n")
    assert hls_open(tmp_path)
    hls_end(tmp_path)
    hls_end(tmp_path)
    assert playlist.read_text().count("#EXT-X-ENDLIST") == 1
    assert not hls_open(tmp_path)


# What the producer gets --------------------------------------------------------------------------------------


@pytest.fixture
def live(make_broadcast: Any, studio: Any, now: datetime) -> Any:
    from sotong.tv.services.keys import stream_key_issue

    broadcast = make_broadcast(starts_in=-5, state=BroadcastState.LIVE, went_live_at=now)
    stream_key_issue(broadcast, by=studio)
    studio.email = "studio@example.kr"
    studio.save(update_fields=["email"])
    return broadcast


def test_a_loss_is_recorded_audited_and_mailed_to_the_producers_once(
    live: Any, studio: Any, now: datetime, django_capture_on_commit_callbacks: Any
) -> None:
    from sotong.connectors.models import Delivery
    from sotong.core.models import AuditEvent, Notification
    from sotong.tv.services.health import signal_lost, signal_status

    with django_capture_on_commit_callbacks(execute=False):
        loss = signal_lost(broadcast_id=live.pk, cause=SignalLoss.Cause.DROPPED)
        assert signal_lost(broadcast_id=live.pk, cause=SignalLoss.Cause.STALL) == loss  # one open loss
    assert loss is not None and loss.started_at == now and loss.is_open
    assert signal_status(loss) == "신호 끊김 — 슬레이트 송출 중 (13:50:00부터)"
    assert AuditEvent.objects.filter(action="tv.signal_lost", target_id=str(live.pk)).count() == 1
    mail = Delivery.objects.get(channel="email")
    assert (
        mail.recipient == "studio@example.kr"
        and mail.subject == "[소통TV] 신호 끊김: 건강강좌: 겨울철 혈압 관리"
    )
    assert "13:50:00" in mail.payload["text"] and "120초" in mail.payload["text"]
    assert Notification.objects.filter(user=studio, level="warning").count() == 1


def test_the_signal_back_closes_the_loss_and_says_how_long_it_was(
    live: Any, now: datetime, time_machine: Any
) -> None:
    from sotong.core.models import AuditEvent
    from sotong.tv.services.health import signal_back, signal_loss_open, signal_lost, signal_status

    loss = signal_lost(broadcast_id=live.pk, cause=SignalLoss.Cause.STALL)
    time_machine.move_to(now + timedelta(seconds=42), tick=False)
    back = signal_back(broadcast_id=live.pk)
    assert back is not None and back.pk == loss.pk  # type: ignore[union-attr]
    assert back.recovered_at == now + timedelta(seconds=42)
    assert signal_loss_open(broadcast_id=live.pk) is None and signal_status(back) == ""
    assert AuditEvent.objects.get(action="tv.signal_back").detail["seconds"] == 42
    assert signal_back(broadcast_id=live.pk) is None  # nothing open any more


def test_the_grace_period_runs_out_on_the_fixed_clock(live: Any, now: datetime, time_machine: Any) -> None:
    from sotong.tv.services.health import signal_given_up, signal_grace_expired, signal_lost

    assert not signal_grace_expired(broadcast_id=live.pk)
    signal_lost(broadcast_id=live.pk, cause=SignalLoss.Cause.DROPPED)
    time_machine.move_to(now + timedelta(seconds=119), tick=False)
    assert not signal_grace_expired(broadcast_id=live.pk)
    time_machine.move_to(now + timedelta(seconds=120), tick=False)
    assert signal_grace_expired(broadcast_id=live.pk)
    loss = signal_given_up(broadcast_id=live.pk)
    assert loss is not None and loss.gave_up_at == now + timedelta(seconds=120)
    live.refresh_from_db()
    assert live.state == BroadcastState.LIVE  # the broadcast itself waits for the producer, as before


def test_nothing_is_recorded_for_a_broadcast_that_is_not_live(make_broadcast: Any) -> None:
    from sotong.tv.services.health import signal_lost

    ended = make_broadcast(starts_in=-60, state=BroadcastState.ENDED)
    assert signal_lost(broadcast_id=ended.pk, cause=SignalLoss.Cause.STALL) is None
    assert not SignalLoss.objects.exists()


def test_the_control_page_and_the_desk_show_the_slate_on_air(live: Any, studio: Any) -> None:
    from sotong.tv.services.health import signal_lost
    from sotong.tv.tests.test_admin import signed_in

    signal_lost(broadcast_id=live.pk, cause=SignalLoss.Cause.DROPPED)
    client = signed_in(studio)
    for url in (f"/admin/tv/broadcasts/{live.pk}/", f"/admin/tv/broadcasts/{live.pk}/desk/?fragment=1"):
        html = client.get(url).content.decode()
        assert "신호 끊김 — 슬레이트 송출 중 (13:50:00부터)" in html, url


def test_a_restarted_ingest_releases_its_encoders_but_the_broadcast_stays_live(
    live: Any, studio: Any
) -> None:
    from sotong.tv.services.ingest import live_broadcast_ids, publish_start, publishers_gone
    from sotong.tv.services.keys import stream_key_issue

    key = stream_key_issue(live, by=studio)
    assert publish_start(key, ingest="embedded").accepted
    assert publishers_gone(ingest="embedded") == 1
    assert live_broadcast_ids() == [live.pk]  # what `sotong tv` puts back on air, on the slate
    assert publish_start(key, ingest="embedded").accepted  # the encoder's reconnect


# The scaled shape: nginx's callbacks, no slate -----------------------------------------------------------------


def nginx_callback(call: str, name: str, settings: Any) -> Any:
    from django.test import Client

    from sotong.tv.tests.test_ingest_callbacks import nginx_form

    settings.TV_INGEST_SECRET = "tv-ingest-secret-0123456789abcdef-0123"
    path = "on-publish" if call == "publish" else "on-publish-done"
    return Client().post(
        f"/tv-ingest/nginx/{path}?secret={settings.TV_INGEST_SECRET}", nginx_form(call, name)
    )


def test_an_encoder_dropped_at_nginx_alerts_the_producer_and_tells_viewers_without_a_slate(
    live: Any,
    studio: Any,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from sotong.connectors.models import Delivery
    from sotong.core import events
    from sotong.tv.services.chat import viewers_group
    from sotong.tv.services.health import signal_status
    from sotong.tv.services.keys import stream_key_issue

    sent: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(events, "send_event", lambda group, event: sent.append((group, event)))
    key = stream_key_issue(live, by=studio)
    with django_capture_on_commit_callbacks(execute=True):
        assert nginx_callback("publish", key, settings).status_code == 302
        assert not SignalLoss.objects.exists()  # a first connection is no recovery
        assert nginx_callback("publish_done", f"b{live.pk}", settings).status_code == 200

    loss = SignalLoss.objects.get()
    assert loss.is_open and not loss.slate and loss.cause == SignalLoss.Cause.DROPPED
    assert signal_status(loss) == "신호 끊김 — 인코더 재연결을 기다리는 중 (13:50:00부터)"
    mail = Delivery.objects.get(channel="email")
    assert mail.recipient == "studio@example.kr"
    assert (
        "플레이어에는 신호가 끊겼다는 안내" in mail.payload["text"] and "슬레이트" not in mail.payload["text"]
    )
    to_viewers = [event for group, event in sent if group == viewers_group(live.pk)]
    assert to_viewers == [{"type": "signal", "state": "lost", "slate": False}]

    sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert nginx_callback("publish", key, settings).status_code == 302  # the encoder is back
    loss.refresh_from_db()
    assert loss.recovered_at is not None
    assert [event for group, event in sent if group == viewers_group(live.pk)] == [
        {"type": "signal", "state": "back", "slate": False}
    ]


def test_the_scheduler_closes_an_nginx_loss_after_the_grace_period_and_ending_closes_one_at_once(
    live: Any, studio: Any, now: datetime, time_machine: Any, make_broadcast: Any
) -> None:
    from sotong.core.models import AuditEvent
    from sotong.tv.services.broadcasts import broadcast_end
    from sotong.tv.services.health import give_up_waiting_signals, signal_loss_open, signal_lost

    signal_lost(broadcast_id=live.pk, cause=SignalLoss.Cause.DROPPED, slate=False)
    other = make_broadcast(starts_in=-5, state=BroadcastState.LIVE, title="구정뉴스")
    signal_lost(broadcast_id=other.pk, cause=SignalLoss.Cause.STALL)  # `sotong tv`'s own: not the scheduler's
    time_machine.move_to(now + timedelta(seconds=119), tick=False)
    assert give_up_waiting_signals() == 0
    time_machine.move_to(now + timedelta(seconds=120), tick=False)
    assert give_up_waiting_signals() == 1
    assert (
        signal_loss_open(broadcast_id=live.pk) is None and signal_loss_open(broadcast_id=other.pk) is not None
    )
    audit = AuditEvent.objects.get(action="tv.signal_given_up", target_id=str(live.pk))
    assert audit.detail["seconds"] == 120
    live.refresh_from_db()
    assert live.state == BroadcastState.LIVE  # waiting for the producer, as with a slate

    broadcast_end(other, by=studio)  # ended while without its signal: the loss closes with it
    assert signal_loss_open(broadcast_id=other.pk) is None
