"""Recordings become videos on demand: parts kept while live, a build after the end (ready or failed, once),
chapters from the producer's markers and the desk's answered questions, the live captions as WebVTT and the
chat replay, all placed on the VOD's own clock; the broadcast page plays it; the back office lists it."""

from __future__ import annotations

import json
import subprocess
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from sotong.tv.choices import BroadcastState, ChatState, DeskState, RecordingState
from sotong.tv.ingest.packager import ffmpeg_binary, hls_command
from sotong.tv.models import CaptionCue, ChatMessage, Marker, Recording
from sotong.tv.services.broadcasts import broadcast_end
from sotong.tv.services.recordings import recording_folder, recording_part_begin, recordings_sweep, vod_build
from sotong.tv.vod import Cue, Part, Timeline, caption_cues, chapter_cues, vod_folder, webvtt

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def folders(settings: Any, tmp_path: Path) -> Path:
    settings.TV_RECORDINGS_DIR = tmp_path / "recordings"
    settings.TV_VOD_DIR = tmp_path / "vod"
    settings.TV_RENDITIONS = "120:150"
    return tmp_path


def seconds(value: float) -> timedelta:
    return timedelta(seconds=value)


def test_the_timeline_skips_the_gap_of_a_dropped_encoder(now: datetime) -> None:
    timeline = Timeline((Part(now, 60.0), Part(now + seconds(100), 30.0)))
    assert timeline.duration == 90.0
    assert timeline.offset(now - seconds(5)) == 0.0  # before the first frame: the start
    assert timeline.offset(now + seconds(12.5)) == 12.5
    assert timeline.offset(now + seconds(80)) == 60.0  # off air: where the video picks up again
    assert timeline.offset(now + seconds(110)) == 70.0
    assert timeline.offset(now + seconds(131)) is None  # after the recording: nowhere
    assert Timeline.from_json(timeline.to_json()) == timeline


def test_webvtt_is_timed_and_escaped() -> None:
    text = webvtt([Cue(3723.5, 3725.25, "<b>비 & 눈</b> --> 조심\n\n둘째 줄")])
    assert (
        text
        == "WEBVTT\n\n1\n01:02:03.500 --> 01:02:05.250\n&lt;b&gt;비 &amp; 눈&lt;/b&gt; --&gt; 조심\n둘째 줄\n"
    )


def test_chapters_run_until_the_next_and_captions_at_most_six_seconds() -> None:
    chapters = chapter_cues([(30.0, "2부"), (0.0, "1부"), (30.0, "질문")], duration=90.0)
    assert [(c.start, c.end, c.text) for c in chapters] == [
        (0.0, 30.0, "1부"),
        (30.0, 30.001, "2부"),
        (30.001, 90.0, "질문"),
    ]
    captions = caption_cues([(10.0, "안녕하세요"), (12.0, "구청장입니다"), (40.0, "끝")], duration=42.0)
    assert [(c.start, c.end) for c in captions] == [(10.0, 12.0), (12.0, 18.0), (40.0, 42.0)]


def test_the_packager_records_the_source_untouched_and_keeps_live_disk_use_bounded(tmp_path: Path) -> None:
    command = hls_command(tmp_path / "b1", ffmpeg="ffmpeg", record_to=tmp_path / "part-001.ts")
    flags = command[command.index("-hls_flags") + 1]
    assert "delete_segments" in flags.split("+")
    assert command[-9:-1] == ["-map", "0:v:0", "-map", "0:a:0?", "-c", "copy", "-f", "mpegts"]
    assert command[-1] == str(tmp_path / "part-001.ts")
    assert "mpegts" not in hls_command(tmp_path / "b1", ffmpeg="ffmpeg")


def record(path: Path, *, length: float, container: str = "mpegts") -> Path:
    """A part as the ingest writes it: H.264 and AAC in MPEG-TS (or FLV, as nginx's `record` writes)."""
    subprocess.run(
        [ffmpeg_binary(), "-hide_banner", "-loglevel", "error", "-y",
         "-f", "lavfi", "-i", "testsrc=size=160x120:rate=25", "-f", "lavfi", "-i", "sine=frequency=440",
         "-t", str(length), "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-c:a", "aac", "-f", container,
         str(path)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return path


def test_each_connection_adds_a_part_and_the_end_builds_the_vod(
    make_broadcast: Any,
    studio: Any,
    now: datetime,
    time_machine: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    broadcast = make_broadcast(starts_in=-5, state=BroadcastState.LIVE, went_live_at=now)
    first = recording_part_begin(broadcast=broadcast)
    record(first, length=3)
    time_machine.move_to(now + seconds(5), tick=False)
    second = recording_part_begin(broadcast=broadcast)  # the encoder reconnected
    record(second, length=2)
    time_machine.move_to(now + seconds(10), tick=False)
    assert (first.name, second.name) == ("part-001.ts", "part-002.ts")
    assert datetime.fromisoformat(json.loads(first.with_suffix(".json").read_text())["started_at"]) == now
    recording = Recording.objects.get(broadcast=broadcast)
    assert recording.state == RecordingState.RECORDING

    with django_capture_on_commit_callbacks(execute=False):
        broadcast_end(broadcast, by=studio)
    recording.refresh_from_db()
    assert recording.state == RecordingState.PROCESSING

    vod_build(recording=recording)
    recording.refresh_from_db()
    assert recording.state == RecordingState.READY, recording.error
    assert 4.5 < recording.duration_seconds < 5.5 and recording.size_bytes > 10_000
    playlist = (vod_folder(broadcast.pk) / "index.m3u8").read_text()
    assert "#EXT-X-PLAYLIST-TYPE:VOD" in playlist and "#EXT-X-ENDLIST" in playlist
    assert not recording_folder(broadcast.pk).exists()  # the VOD holds the same video

    vod_build(recording=recording)  # a second build (the sweep's) leaves it be
    assert Recording.objects.get(pk=recording.pk).ready_at == recording.ready_at


def test_what_the_encoder_sent_after_the_end_is_left_out(
    make_broadcast: Any, studio: Any, now: datetime
) -> None:
    broadcast = make_broadcast(starts_in=-5, state=BroadcastState.LIVE, went_live_at=now)
    record(recording_part_begin(broadcast=broadcast), length=4)
    broadcast_end(broadcast, by=studio)
    type(broadcast).objects.filter(pk=broadcast.pk).update(ended_at=now + seconds(2))  # 종료 two seconds in
    recording = vod_build(recording=Recording.objects.get(broadcast=broadcast))
    assert recording.state == RecordingState.READY, recording.error
    assert 1.5 < recording.duration_seconds < 2.5


def test_a_recording_without_video_fails_with_the_reason(make_broadcast: Any, studio: Any) -> None:
    broadcast = make_broadcast(starts_in=-5, state=BroadcastState.LIVE)
    recording_part_begin(broadcast=broadcast)  # connected, then nothing arrived
    broadcast_end(broadcast, by=studio)
    recording = vod_build(recording=Recording.objects.get(broadcast=broadcast))
    assert recording.state == RecordingState.FAILED and recording.error == "녹화된 영상이 없습니다."


def test_the_sweep_builds_what_an_ended_broadcast_left_waiting(make_broadcast: Any) -> None:
    broadcast = make_broadcast(starts_in=-90, state=BroadcastState.ENDED)
    waiting = Recording.objects.create(broadcast=broadcast)  # the end came before the ingest's row
    assert recordings_sweep() == 1
    waiting.refresh_from_db()
    assert waiting.state == RecordingState.PROCESSING


@pytest.fixture
def ready_vod(make_broadcast: Any, now: datetime) -> Any:
    """An ended broadcast whose VOD is ready: on air from 14:00:00 for 60 s, then again from 14:02:00 for 30 s."""
    start = now + timedelta(minutes=10)
    broadcast = make_broadcast(state=BroadcastState.ENDED, went_live_at=start, ended_at=start + seconds(150))
    Recording.objects.create(broadcast=broadcast, state=RecordingState.READY, duration_seconds=90)
    folder = vod_folder(broadcast.pk)
    folder.mkdir(parents=True)
    (folder / "timeline.json").write_text(
        Timeline((Part(start, 60), Part(start + seconds(120), 30))).to_json()
    )
    (folder / "index.m3u8").write_text("#EXTM3U\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXT-X-ENDLIST\n")
    Marker.objects.create(broadcast=broadcast, at=start + seconds(20), title="2부: 질의응답")
    Marker.objects.create(broadcast=broadcast, at=start + seconds(400), title="방송 후")  # after the end
    chat = {"broadcast": broadcast, "author": "민지", "source": "site"}
    ChatMessage.objects.create(
        **chat, body="보도블록은 언제 고치나요?", posted_at=start + seconds(10), is_question=True,
        desk_state=DeskState.ANSWERED, desk_changed_at=start + seconds(130),
    )  # fmt: skip
    ChatMessage.objects.create(
        **chat,
        body="아직 대기 중",
        posted_at=start + seconds(11),
        is_question=True,
        desk_state=DeskState.QUEUED,
    )
    ChatMessage.objects.create(**chat, body="안녕하세요", posted_at=start - seconds(30))
    ChatMessage.objects.create(
        **chat, body="광고 링크", posted_at=start + seconds(15), state=ChatState.HIDDEN
    )
    CaptionCue.objects.create(broadcast=broadcast, at=start + seconds(5), text="안녕하십니까")
    CaptionCue.objects.create(broadcast=broadcast, at=start + seconds(125), text="질문에 답하겠습니다")
    return broadcast


def test_chapters_come_from_markers_and_answered_questions(ready_vod: Any) -> None:
    response = Client().get(f"/tv/hls/vod/b{ready_vod.pk}/chapters.vtt")
    assert response["Content-Type"] == "text/vtt; charset=utf-8"
    assert response.content.decode() == (
        "WEBVTT\n\n"
        "1\n00:00:20.000 --> 00:01:10.000\n2부: 질의응답\n\n"
        "2\n00:01:10.000 --> 00:01:30.000\n질문: 보도블록은 언제 고치나요?\n"
    )


def test_the_live_captions_become_the_vods_track(ready_vod: Any) -> None:
    text = Client().get(f"/tv/hls/vod/b{ready_vod.pk}/captions.vtt").content.decode()
    assert text == (
        "WEBVTT\n\n1\n00:00:05.000 --> 00:00:11.000\n안녕하십니까\n\n"
        "2\n00:01:05.000 --> 00:01:11.000\n질문에 답하겠습니다\n"
    )


def test_the_chat_replay_has_the_lines_viewers_saw_at_their_moment(ready_vod: Any) -> None:
    lines = Client().get(f"/tv/hls/vod/b{ready_vod.pk}/chat.json").json()["lines"]
    assert [(line["t"], line["body"]) for line in lines] == [
        (0.0, "안녕하세요"),
        (10.0, "보도블록은 언제 고치나요?"),
        (11.0, "아직 대기 중"),
    ]
    assert lines[0] == {"t": 0.0, "author": "민지", "body": "안녕하세요", "source": "site"}


def test_the_broadcast_page_plays_the_vod_with_chapter_buttons(ready_vod: Any) -> None:
    html = Client().get(f"/tv/{ready_vod.pk}/").content.decode()
    assert f'data-src="/tv/hls/vod/b{ready_vod.pk}/index.m3u8"' in html
    assert (
        f'<track kind="captions" srclang="ko" label="한국어 자막" src="/tv/hls/vod/b{ready_vod.pk}/captions.vtt">'
        in html
    )
    assert 'data-seek="20.000"><time class="tv-chapter__time">0:20</time>' in html
    assert 'id="tv-replay" class="tv-replay" aria-live="off"' in html
    assert "tv/vod.js" in html


def test_nothing_is_served_before_the_vod_is_ready(ready_vod: Any) -> None:
    Recording.objects.filter(broadcast=ready_vod).update(state=RecordingState.PROCESSING)
    client = Client()
    assert "tv-vod-video" not in client.get(f"/tv/{ready_vod.pk}/").content.decode()
    assert client.get(f"/tv/hls/vod/b{ready_vod.pk}/chapters.vtt").status_code == 404
    assert client.get(f"/tv/hls/vod/b{ready_vod.pk}/chat.json").status_code == 404
    assert client.get(f"/tv/hls/vod/b{ready_vod.pk}/../timeline.json").status_code == 404
    assert client.get(f"/tv/hls/vod/b{ready_vod.pk}/timeline.json").status_code == 404


def test_the_playlist_is_served_from_the_vod_folder(ready_vod: Any) -> None:
    response = Client().get(f"/tv/hls/vod/b{ready_vod.pk}/index.m3u8")
    assert response.status_code == 200 and response["Content-Type"] == "application/vnd.apple.mpegurl"
    assert b"".join(response.streaming_content).startswith(b"#EXTM3U")  # type: ignore[attr-defined]


def test_the_back_office_shows_the_recording_and_lists_it_read_only(ready_vod: Any, studio: Any) -> None:
    client = Client()
    client.force_login(studio)
    control = client.get(f"/admin/tv/broadcasts/{ready_vod.pk}/").content.decode()
    assert "다시보기 공개" in control and "주민 화면에서 다시보기" in control
    listing = client.get("/admin/snippets/tv/recording/")
    assert listing.status_code == 200 and ready_vod.title_ko in listing.content.decode()
    recording = Recording.objects.get(broadcast=ready_vod)
    assert client.get(f"/admin/snippets/tv/recording/inspect/{recording.pk}/").status_code == 200
    assert client.get(f"/admin/snippets/tv/recording/edit/{recording.pk}/").status_code == 302
    assert client.get("/admin/snippets/tv/recording/add/").status_code == 302
