"""Resident pages of the safety module (Korean at /safety/, English under /en/safety/, ...)."""

from __future__ import annotations

from sotong.safety import views_alerts, views_pages, views_sync

app_name = "safety"

urlpatterns: list = [*views_pages.urlpatterns, *views_alerts.urlpatterns, *views_sync.urlpatterns]
