"""Residents' 소통TV pages: the schedule, a broadcast's page and the schedule as an iCalendar feed."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from sotong.core.i18n import localised
from sotong.tv.choices import BroadcastState
from sotong.tv.selectors import calendar_broadcasts, on_air, public_broadcasts, recent_chat, schedule, vod_for
from sotong.tv.services.chat import DEVICE_COOKIE
from sotong.tv.services.ingest import stream_name


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "tv/index.html", {"schedule": schedule()})


@require_GET
def broadcast(request: HttpRequest, pk: int) -> HttpResponse:
    found = public_broadcasts().filter(pk=pk).first()
    if found is None:
        raise Http404
    vod = vod_for(broadcast=found) if found.state == BroadcastState.ENDED else None
    chat_open = found.state in (BroadcastState.LIVE, BroadcastState.SCHEDULED) and found.chat_mode != "closed"
    response = render(
        request,
        "tv/broadcast.html",
        {
            "chat_open": chat_open,
            "chat_recent": recent_chat(found) if chat_open else [],
            "broadcast": found,
            "is_live": found.state == BroadcastState.LIVE,
            "stream_name": stream_name(found),
            "up_next": schedule().upcoming[:3],
            "can_remind": found.state == BroadcastState.SCHEDULED and found.starts_at > timezone.now(),
            "recording_ready": vod is not None,
            "vod": vod,
        },
    )
    if chat_open and DEVICE_COOKIE not in request.COOKIES:
        # The viewer's device, for slow mode, 공감 and bans in the chat (no account needed).
        response.set_cookie(
            DEVICE_COOKIE,
            secrets.token_urlsafe(24),
            max_age=365 * 24 * 3600,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


@require_GET
def overlay(request: HttpRequest, pk: int) -> HttpResponse:
    """The on-air overlay the studio adds to OBS as a browser source: transparent, it shows the line the
    producer put on air (with its source) and nothing else."""
    found = public_broadcasts().filter(pk=pk).first()
    if found is None:
        raise Http404
    return render(request, "tv/overlay.html", {"broadcast": found, "on_air": on_air(found)})


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
