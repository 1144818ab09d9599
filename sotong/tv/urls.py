"""Resident pages of 소통TV (Korean at /tv/, English under /en/tv/, ...)."""

from __future__ import annotations

from django.urls import URLPattern, path

from sotong.tv.views import pages

app_name = "tv"

urlpatterns: list[URLPattern] = [
    path("", pages.index, name="index"),
    path("schedule.ics", pages.calendar, name="calendar"),
    path("<int:pk>/", pages.broadcast, name="broadcast"),
]
