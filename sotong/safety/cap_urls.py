"""The district's CAP 1.2 feed at /cap/ (Atom index and one document per alert)."""

from __future__ import annotations

from django.urls import URLPattern, path

from sotong.safety.views import cap

app_name = "safety_cap"

urlpatterns: list[URLPattern] = [
    path("", cap.cap_feed, name="feed"),
    path("<int:pk>.xml", cap.cap_document, name="document"),
]
