"""JSON APIs of the safety module at /api/safety/ (one address whatever the language)."""

from __future__ import annotations

from sotong.safety import views_api, views_push

app_name = "safety_api"

urlpatterns: list = [*views_api.urlpatterns, *views_push.urlpatterns]
