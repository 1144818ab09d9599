"""A broadcast's video on demand (TV_VOD_DIR, decision 0076): its HLS playlist and segments, and, from the
database as they are now, its chapters and captions (WebVTT) and its chat replay (JSON). One address whatever
the language, like the live HLS."""

from __future__ import annotations

import re

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from sotong.tv.selectors import Vod, public_broadcasts, vod_caption_lines, vod_chat_replay, vod_for
from sotong.tv.vod import Cue, caption_cues, chapter_cues, vod_folder, webvtt

FILE = re.compile(r"index\.m3u8|seg_[0-9]{5,6}\.ts")
# Chapters, captions and the chat may still be corrected after the broadcast (a line hidden, a caption fixed).
DATA_CACHE = "public, max-age=60"


@require_GET
def vod_file(request: HttpRequest, pk: int, path: str) -> FileResponse:
    if not FILE.fullmatch(path):
        raise Http404
    file = vod_folder(pk) / path
    if not file.is_file():
        raise Http404
    playlist = path.endswith(".m3u8")
    response = FileResponse(
        file.open("rb"), content_type="application/vnd.apple.mpegurl" if playlist else "video/mp2t"
    )
    # A rebuilt VOD replaces its files: the playlist is checked again after a while, segments kept a day.
    response["Cache-Control"] = "public, max-age=300" if playlist else "public, max-age=86400"
    return response


def _vod(pk: int) -> Vod:
    broadcast = public_broadcasts().filter(pk=pk).first()
    vod = vod_for(broadcast=broadcast) if broadcast is not None else None
    if vod is None:
        raise Http404
    return vod


def _vtt(cues: list[Cue]) -> HttpResponse:
    response = HttpResponse(webvtt(cues), content_type="text/vtt; charset=utf-8")
    response["Cache-Control"] = DATA_CACHE
    return response


@require_GET
def chapters(request: HttpRequest, pk: int) -> HttpResponse:
    vod = _vod(pk)
    titles = [
        (chapter.offset, f"질문: {chapter.title}" if chapter.kind == "question" else chapter.title)
        for chapter in vod.chapters
    ]
    return _vtt(chapter_cues(titles, duration=vod.timeline.duration))


@require_GET
def captions(request: HttpRequest, pk: int) -> HttpResponse:
    vod = _vod(pk)
    lines = vod_caption_lines(broadcast=vod.recording.broadcast, timeline=vod.timeline)
    return _vtt(caption_cues(lines, duration=vod.timeline.duration))


@require_GET
def chat(request: HttpRequest, pk: int) -> JsonResponse:
    vod = _vod(pk)
    response = JsonResponse(
        {"lines": vod_chat_replay(broadcast=vod.recording.broadcast, timeline=vod.timeline)},
        json_dumps_params={"ensure_ascii": False},
    )
    response["Cache-Control"] = DATA_CACHE
    return response
