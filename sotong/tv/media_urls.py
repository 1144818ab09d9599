"""소통TV's live video and its videos on demand (one address whatever the language; fetched by the player, not
read by people)."""

from __future__ import annotations

from django.urls import URLPattern, path

from sotong.tv.views import hls, vod

app_name = "tv_media"

urlpatterns: list[URLPattern] = [
    path("vod/b<int:pk>/chapters.vtt", vod.chapters, name="vod_chapters"),
    path("vod/b<int:pk>/captions.vtt", vod.captions, name="vod_captions"),
    path("vod/b<int:pk>/chat.json", vod.chat, name="vod_chat"),
    path("vod/b<int:pk>/<path:path>", vod.vod_file, name="vod"),
    path("<str:stream>/<path:path>", hls.hls_file, name="hls"),
]
