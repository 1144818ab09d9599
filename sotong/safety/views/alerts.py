"""Residents' alert pages: what is in force now and each alert's instructions and shelters."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from sotong.safety.choices import SHELTER_HAZARDS
from sotong.safety.models import ActionGuide, Alert
from sotong.safety.selectors.alerts import LOCAL, PUBLIC_STATES, public_alert, public_alert_list


@require_GET
def alert_list(request: HttpRequest) -> HttpResponse:
    active, recent = public_alert_list()
    return render(request, "safety/alerts/list.html", {"active": active, "recent": recent})


@require_GET
def alert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    alert = public_alert(pk=pk)
    if alert is None:
        raise Http404
    newer = alert.superseded_by.filter(state__in=PUBLIC_STATES).order_by("-sent").first()
    return render(
        request,
        "safety/alerts/detail.html",
        {
            "alert": alert,
            "active": alert.is_active(timezone.now()),
            "newer": newer,
            "dongs": list(alert.dongs.all()),
            "shelters": list(alert.shelters.all()),
            "shelter_hazard": alert.hazard if alert.hazard in SHELTER_HAZARDS else "",
            "is_local": alert.origin == LOCAL,
            "has_guide": bool(alert.hazard) and ActionGuide.objects.filter(hazard=alert.hazard).exists(),
            "states": Alert.State,
        },
    )
