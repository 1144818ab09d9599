"""/tv/hls/ serves what the ingest wrote — the master playlist, rendition playlists and segments — with the
right types and caching, and nothing else from the disk."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db  # the 404 page is the site's


@pytest.fixture
def hls(settings: Any, tmp_path: Path) -> Path:
    settings.TV_HLS_DIR = tmp_path / "hls"
    stream = settings.TV_HLS_DIR / "b7"
    (stream / "720p").mkdir(parents=True)
    (stream / "index.m3u8").write_text("#EXTM3U\n720p/stream.m3u8\n")
    (stream / "720p" / "stream.m3u8").write_text("#EXTM3U\nseg_000001.ts\n")
    (stream / "720p" / "seg_000001.ts").write_bytes(b"\x47" * 188)
    (tmp_path / "secret.txt").write_text("not for the web")
    (stream / "notes.txt").write_text("not a playlist")
    return stream


def test_playlists_and_segments_are_served_with_their_types(hls: Path) -> None:
    client = Client()
    master = client.get("/tv/hls/b7/index.m3u8")
    assert master.status_code == 200
    assert master["Content-Type"] == "application/vnd.apple.mpegurl"
    assert master["Cache-Control"] == "no-cache"
    assert b"".join(master.streaming_content) == b"#EXTM3U\n720p/stream.m3u8\n"
    segment = client.get("/tv/hls/b7/720p/seg_000001.ts")
    assert segment["Content-Type"] == "video/mp2t"
    assert "immutable" in segment["Cache-Control"]


@pytest.mark.parametrize(
    "path",
    [
        "/tv/hls/b7/notes.txt",
        "/tv/hls/b7/../secret.txt",
        "/tv/hls/b7/%2e%2e/secret.txt",
        "/tv/hls/..%2fsecret.txt/index.m3u8",
        "/tv/hls/b8/index.m3u8",
        "/tv/hls/x7/index.m3u8",
        "/tv/hls/b7/720p/seg_1.ts",
    ],
)
def test_nothing_else_is_served(hls: Path, path: str) -> None:
    assert Client().get(path).status_code == 404
