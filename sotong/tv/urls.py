"""Resident pages of 소통TV (Korean at /tv/, English under /en/tv/, ...)."""

from __future__ import annotations

from django.urls import URLPattern, path

from sotong.connectors.webpush.views import vapid_public_key
from sotong.tv.views import captions, pages, reminders

app_name = "tv"

urlpatterns: list[URLPattern] = [
    path("", pages.index, name="index"),
    path("schedule.ics", pages.calendar, name="calendar"),
    path("<int:pk>/", pages.broadcast, name="broadcast"),
    path("<int:pk>/overlay/", pages.overlay, name="overlay"),
    path("<int:pk>/captions.json", captions.captions_json, name="captions_json"),
    path("<int:pk>/captions.vtt", captions.captions_vtt, name="captions_vtt"),
    path("<int:pk>/remind/push", reminders.remind_push, name="remind_push"),
    path("<int:pk>/remind/email", reminders.remind_email, name="remind_email"),
    path("remind/confirm/<str:token>/", reminders.remind_confirm, name="remind_confirm"),
    path("remind/cancel/<uuid:token>/", reminders.remind_cancel, name="remind_cancel"),
    path("push/vapid-public-key", vapid_public_key, name="vapid_key"),
    path("sw.js", reminders.service_worker, name="service_worker"),
]
