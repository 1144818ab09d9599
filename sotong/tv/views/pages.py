"""Residents' 소통TV pages: the schedule, a broadcast's page and the schedule as an iCalendar feed."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from sotong.core.i18n import localised
from sotong.tv.choices import BroadcastState
from sotong.tv.selectors import calendar_broadcasts, public_broadcasts, schedule
from sotong.tv.services.ingest import stream_name


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "tv/index.html", {"schedule": schedule()})


@require_GET
def broadcast(request: HttpRequest, pk: int) -> HttpResponse:
    found = public_broadcasts().filter(pk=pk).first()
    if found is None:
        raise Http404
    return render(
        request,
        "tv/broadcast.html",
        {
            "broadcast": found,
            "is_live": found.state == BroadcastState.LIVE,
            "stream_name": stream_name(found),
            "up_next": schedule().upcoming[:3],
            "recording_ready": False,  # the recordings part sets this from its selector
        },
    )


@require_GET
def calendar(request: HttpRequest) -> HttpResponse:
    """The schedule as iCalendar (RFC 5545): residents subscribe in their calendar app."""
    from icalendar import Calendar, Event

    site = settings.SITE_URL.rstrip("/")
    host = site.split("://", 1)[-1].split("/", 1)[0] or "localhost"
    feed = Calendar()
    feed.add("prodid", "-//Sotong//소통TV//KO")
    feed.add("version", "2.0")
    feed.add("x-wr-calname", f"{settings.SOTONG_DISTRICT_NAME} 소통TV")
    feed.add("x-wr-timezone", settings.TIME_ZONE)
    for item in calendar_broadcasts():
        event = Event()
        event.add("uid", f"tv-broadcast-{item.pk}@{host}")
        event.add("summary", f"{localised(item.show, 'title')}: {localised(item, 'title')}")
        event.add("dtstart", item.starts_at)
        event.add("dtend", item.ends_at)
        event.add("dtstamp", item.updated_at)
        event.add("url", site + reverse("tv:broadcast", kwargs={"pk": item.pk}))
        description = localised(item, "description")
        if description:
            event.add("description", description)
        if item.state == BroadcastState.CANCELLED:
            event.add("status", "CANCELLED")
        feed.add_component(event)
    response = HttpResponse(feed.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="sotong-tv.ics"'
    return response
