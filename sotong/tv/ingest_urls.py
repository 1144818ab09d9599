"""The ingest front's callbacks (one address whatever the language; called by nginx, not browsers)."""

from __future__ import annotations

from django.urls import URLPattern, path

from sotong.tv.views import ingest

app_name = "tv_ingest"

urlpatterns: list[URLPattern] = [
    path("nginx/on-publish", ingest.on_publish, name="on_publish"),
    path("nginx/on-publish-done", ingest.on_publish_done, name="on_publish_done"),
    path("nginx/on-record-done", ingest.on_record_done, name="on_record_done"),
]
