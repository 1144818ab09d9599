"""What the public sees: published answers, statistics counts, the hazards residents reported (for the safety map), and the examples routing learns from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from sotong.voice.choices import OPEN_STATUSES, Status
from sotong.voice.models import Case


def published_answers() -> QuerySet[Case]:
    """Answered cases whose residents allowed publication."""
    return (
        Case.objects.filter(
            consent_publish=True, status__in=[Status.ANSWERED, Status.CLOSED], primary__isnull=True
        )
        .select_related("department", "dong", "category")
        .order_by("-answered_at")
    )


def confirmed_routing_examples() -> list[tuple[str, str, str, str, bool]]:
    """(number, text, department code, kind, urgent) of cases whose department an officer confirmed by
    answering them, including every transfer's final department."""
    rows = Case.objects.filter(
        status__in=[Status.ANSWERED, Status.CLOSED], department__isnull=False
    ).values_list("number", "text", "department__code", "kind", "urgent")
    return [(n, t, d, k, bool(u)) for n, t, d, k, u in rows]


def counts_by_department() -> dict[int, dict[str, int]]:
    rows = (
        Case.objects.exclude(department=None)
        .values("department_id")
        .annotate(
            total=Count("pk"),
            open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
            overdue=Count("pk", filter=Q(status__in=OPEN_STATUSES, deadline__lt=timezone.now())),
        )
    )
    return {row["department_id"]: row for row in rows}


# Categories whose reports are hazards on the safety map (재난안전생활지도), by ServiceCategory code.
HAZARD_CATEGORIES = (
    "road_damage",
    "snow_ice",
    "drains_flooding",
    "building_safety",
    "streetlight",
    "trees_parks",
)


@dataclass(frozen=True)
class ReportedHazard:
    """A hazard residents reported, as the public map may show it: no text, no person, place rounded
    to about 100 m."""

    category: str
    category_name: str
    status: str
    status_label: str
    reported_on: Any
    lat: float
    lon: float


def reported_hazards() -> list[ReportedHazard]:
    """Open or answered reports of hazard-like categories whose residents allowed publication and
    gave a place (one query)."""
    cases = (
        Case.objects.filter(
            consent_publish=True,
            status__in=[*OPEN_STATUSES, Status.ANSWERED],
            primary__isnull=True,
            category__code__in=HAZARD_CATEGORIES,
            lat__isnull=False,
            lon__isnull=False,
        )
        .select_related("category")
        .only(
            "status",
            "received_at",
            "lat",
            "lon",
            "category__code",
            "category__name_ko",
            "category__name_en",
            "category__name_zh",
        )
        .order_by("-received_at")
    )
    return [
        ReportedHazard(
            category=case.category.code,
            category_name=case.category.name,
            status=case.status,
            status_label=str(case.get_status_display()),
            reported_on=timezone.localdate(case.received_at),
            lat=round(float(case.lat), 3),
            lon=round(float(case.lon), 3),
        )
        for case in cases
        if case.category is not None and case.lat is not None and case.lon is not None
    ]
