"""소통TV's live video (one address whatever the language; fetched by the player, not read by people)."""

from __future__ import annotations

from django.urls import URLPattern, path

from sotong.tv.views import hls

app_name = "tv_media"

urlpatterns: list[URLPattern] = [
    path("<str:stream>/<path:path>", hls.hls_file, name="hls"),
]
