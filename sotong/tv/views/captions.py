"""A broadcast's live captions for players: the recent lines as JSON (the player's fallback when its websocket
is not there, and what it loads first) and every line so far as WebVTT, timed from when it went live."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from sotong.tv.choices import BroadcastState
from sotong.tv.models import Broadcast, CaptionCue
from sotong.tv.selectors import public_broadcasts
from sotong.tv.services.captions import cue_event

# A player that opens the page late sees the last few lines, not the whole broadcast.
FIRST_LOAD = 20
MAX_BATCH = 100
# How long a line stays on screen when no next line replaces it (the player uses the same).
SHOWN_FOR = timedelta(seconds=6)


def _broadcast(pk: int) -> Broadcast:
    found = public_broadcasts().filter(pk=pk).first()
    if found is None or found.state == BroadcastState.CANCELLED:
        raise Http404
    return found


@require_GET
def captions_json(request: HttpRequest, pk: int) -> JsonResponse:
    broadcast = _broadcast(pk)
    cues = CaptionCue.objects.filter(broadcast=broadcast).only("pk", "at", "text")
    after = request.GET.get("after", "")
    if after.isdigit():
        batch = list(cues.filter(pk__gt=int(after)).order_by("pk")[:MAX_BATCH])
    else:
        batch = list(cues.order_by("-pk")[:FIRST_LOAD])[::-1]
    response = JsonResponse(
        {"live": broadcast.state == BroadcastState.LIVE, "cues": [cue_event(cue) for cue in batch]}
    )
    response["Cache-Control"] = "no-cache"
    return response


def _timestamp(offset: timedelta) -> str:
    millis = max(0, round(offset.total_seconds() * 1000))
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def _escape(text: str) -> str:
    # WebVTT cue text: & and < start markup, and "-->" must not appear (its > escaped, it cannot).
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def webvtt(cues: Iterable[tuple[datetime, str]], *, origin: datetime) -> str:
    """WebVTT of (moment, text) lines in order, each shown until the next or for SHOWN_FOR."""
    rows = list(cues)
    blocks = ["WEBVTT"]
    for index, (at, text) in enumerate(rows):
        end = at + SHOWN_FOR
        if index + 1 < len(rows):
            end = min(end, rows[index + 1][0])
        blocks.append(f"{_timestamp(at - origin)} --> {_timestamp(max(end, at) - origin)}\n{_escape(text)}")
    return "\n\n".join(blocks) + "\n"


@require_GET
def captions_vtt(request: HttpRequest, pk: int) -> HttpResponse:
    broadcast = _broadcast(pk)
    body = "WEBVTT\n"
    if broadcast.went_live_at is not None:
        rows = CaptionCue.objects.filter(broadcast=broadcast).order_by("at", "pk").values_list("at", "text")
        body = webvtt(rows, origin=broadcast.went_live_at)
    response = HttpResponse(body, content_type="text/vtt; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response
