"""구청장 소개, messages, the public schedule (month view, list, iCalendar) and 구청장에게 바란다."""

from __future__ import annotations

import calendar as month_calendar
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sotong.core.i18n import localised
from sotong.core.ratelimit import Limit, allow
from sotong.core.workdays import SEOUL
from sotong.petitions import selectors
from sotong.petitions.forms import LetterForm
from sotong.petitions.models import MayorMessage
from sotong.petitions.services import Refused
from sotong.petitions.services.letters import letter_send

LETTER_LIMIT = Limit("petitions-letter", 3, 3600)
LETTER_KEY = "petitions.letter"


def about(request: HttpRequest) -> HttpResponse:
    return render(
        request, "petitions/about.html", {"mayor": selectors.mayor(), "recent": selectors.messages()[:3]}
    )


def message_list(request: HttpRequest) -> HttpResponse:
    return render(request, "petitions/message_list.html", {"items": selectors.messages()[:50]})


def message_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(MayorMessage, pk=pk, published_at__lte=timezone.now())
    return render(request, "petitions/message_detail.html", {"item": item})


def _month(value: str) -> date:
    today = timezone.localdate()
    try:
        year, month = (int(part) for part in value.split("-", 1))
        return date(year, month, 1)
    except (ValueError, TypeError):
        return today.replace(day=1)


def schedule(request: HttpRequest) -> HttpResponse:
    first = _month(request.GET.get("month", ""))
    last_day = month_calendar.monthrange(first.year, first.month)[1]
    start = datetime.combine(first, time(0), tzinfo=SEOUL)
    end = start + timedelta(days=last_day)
    events = list(selectors.schedule_between(start=start, end=end))
    by_day: dict[date, list[object]] = {}
    for event in events:
        by_day.setdefault(timezone.localtime(event.starts_at).date(), []).append(event)
    weeks = [
        [(day, by_day.get(day, [])) if day.month == first.month else (None, []) for day in week]
        for week in month_calendar.Calendar(firstweekday=6).monthdatescalendar(first.year, first.month)
    ]
    previous = (first - timedelta(days=1)).replace(day=1)
    following = first + timedelta(days=last_day)
    return render(
        request,
        "petitions/schedule.html",
        {
            "month": first,
            "weeks": weeks,
            "events": events,
            "previous": previous.strftime("%Y-%m"),
            "following": following.strftime("%Y-%m"),
            "weekdays": [_("일"), _("월"), _("화"), _("수"), _("목"), _("금"), _("토")],
        },
    )


def schedule_ics(request: HttpRequest) -> HttpResponse:
    """The mayor's public schedule as iCalendar (RFC 5545)."""
    from icalendar import Calendar, Event

    site = settings.SITE_URL.rstrip("/")
    host = site.split("://", 1)[-1].split("/", 1)[0] or "localhost"
    feed = Calendar()
    feed.add("prodid", "-//Sotong//열린구청장실//KO")
    feed.add("version", "2.0")
    feed.add("calscale", "GREGORIAN")
    feed.add("x-wr-calname", f"{settings.SOTONG_DISTRICT_NAME} 구청장 일정")
    feed.add("x-wr-timezone", settings.TIME_ZONE)
    for item in selectors.calendar_events():
        event = Event()
        event.add("uid", f"mayor-{item.uid}@{host}")
        event.add("summary", localised(item, "title"))
        event.add("dtstart", item.starts_at)
        event.add("dtend", item.ends_at)
        event.add("dtstamp", item.updated_at)
        if item.place:
            event.add("location", item.place)
        event.add(
            "url",
            site
            + reverse("petitions:schedule")
            + "?month="
            + timezone.localtime(item.starts_at).strftime("%Y-%m"),
        )
        feed.add_component(event)
    response = HttpResponse(feed.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="mayor-schedule.ics"'
    return response


@require_http_methods(["GET", "POST"])
def letter(request: HttpRequest) -> HttpResponse:
    form = LetterForm(request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "petitions/letter.html", {"form": form}, status=400)
        if not allow(request, LETTER_LIMIT):
            form.add_error(None, _("편지를 너무 자주 보내셨습니다. 한 시간 뒤에 다시 시도해 주세요."))
            return render(request, "petitions/letter.html", {"form": form}, status=429)
        data = form.cleaned_data
        try:
            number = letter_send(
                title=data["title"],
                body=data["body"],
                name=data["name"],
                phone=data["phone"],
                email=data["email"],
            )
        except Refused as refused:
            form.add_error(None, refused.message)
            return render(request, "petitions/letter.html", {"form": form}, status=503)
        request.session[LETTER_KEY] = number
        return redirect("petitions:letter_sent")
    return render(request, "petitions/letter.html", {"form": form})


def letter_sent(request: HttpRequest) -> HttpResponse:
    number = request.session.get(LETTER_KEY)
    if not number:
        raise Http404
    return render(request, "petitions/letter_sent.html", {"number": number})


def statistics(request: HttpRequest) -> HttpResponse:
    return render(request, "petitions/statistics.html", selectors.statistics_table())
