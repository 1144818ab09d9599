"""The live HLS the embedded ingest writes (TV_HLS_DIR), served to players: the master playlist, each
rendition's playlist and its segments, and nothing else. In the scaled shape nginx or a CDN serves the
same folder layout instead (docs/operations.md)."""

from __future__ import annotations

import re

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

STREAM = re.compile(r"b[0-9]{1,12}")
FILE = re.compile(r"index\.m3u8|[0-9]{2,4}p/stream\.m3u8|[0-9]{2,4}p/seg_[0-9]{6}\.ts")


@require_GET
def hls_file(request: HttpRequest, stream: str, path: str) -> FileResponse:
    if not STREAM.fullmatch(stream) or not FILE.fullmatch(path):
        raise Http404
    file = settings.TV_HLS_DIR / stream / path
    if not file.is_file():
        raise Http404
    playlist = path.endswith(".m3u8")
    response = FileResponse(
        file.open("rb"), content_type="application/vnd.apple.mpegurl" if playlist else "video/mp2t"
    )
    # A live playlist changes every second; a segment never changes once written.
    response["Cache-Control"] = "no-cache" if playlist else "public, max-age=3600, immutable"
    return response
