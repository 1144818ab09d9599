"""Reads of alerts: what residents see (the banner, the alert pages), the CAP feed, the back office."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.utils import timezone

from sotong.safety.models import Alert

LOCAL = "local"
BANNER_CACHE_KEY = "safety:alerts:banner"
BANNER_CACHE_SECONDS = 60
# How long a cancellation stays in the CAP feed and an ended alert on the residents' list.
CANCELLED_IN_FEED = timedelta(hours=24)
RECENT_ON_LIST = timedelta(days=30)
PUBLIC_STATES = (
    Alert.State.PUBLISHED,
    Alert.State.CANCELLED,
    Alert.State.SUPERSEDED,
    Alert.State.EXPIRED,
)


def for_district() -> Q:
    """Alerts that concern the district: our own, or outside alerts whose area covers our dongs."""
    return Q(origin=LOCAL) | Q(pk__in=Alert.dongs.through.objects.values("alert_id"))


def active_alerts(*, now: datetime | None = None) -> QuerySet[Alert]:
    now = now or timezone.now()
    return (
        Alert.objects.filter(for_district())
        .filter(state=Alert.State.PUBLISHED, status="Actual", msg_type__in=("Alert", "Update"))
        .filter(Q(expires__isnull=True) | Q(expires__gt=now))
        .filter(Q(effective__isnull=True) | Q(effective__lte=now))
        .order_by("-sent")
    )


def banner_alerts() -> list[dict[str, Any]]:
    """The active alerts for the banner, as plain values: cached, cleared on every publication or
    cancellation (`invalidate_banner`), and never kept past the first alert's expiry."""
    cached = cache.get(BANNER_CACHE_KEY)
    if cached is not None:
        return list(cached)
    now = timezone.now()
    rows: list[dict[str, Any]] = list(
        active_alerts(now=now).values(  # type: ignore[arg-type]
            "pk",
            "headline_ko",
            "headline_en",
            "headline_zh",
            "severity",
            "hazard",
            "sent",
            "published_at",
            "expires",
        )[:5]
    )
    timeout = BANNER_CACHE_SECONDS
    for row in rows:
        if row["expires"] is not None:
            timeout = max(1, min(timeout, int((row["expires"] - now).total_seconds()) + 1))
    cache.set(BANNER_CACHE_KEY, rows, timeout=timeout)
    return rows


def invalidate_banner() -> None:
    cache.delete(BANNER_CACHE_KEY)


def _with_relations(alerts: QuerySet[Alert]) -> QuerySet[Alert]:
    return alerts.prefetch_related("dongs", "shelters")


def public_alert(*, pk: int) -> Alert | None:
    return (
        _with_relations(Alert.objects.filter(for_district(), state__in=PUBLIC_STATES, pk=pk))
        .select_related("supersedes")
        .first()
    )


def public_alert_list(*, now: datetime | None = None) -> tuple[list[Alert], list[Alert]]:
    """(active, recent): what is in force now, and what ended or was replaced in the last 30 days."""
    now = now or timezone.now()
    active = list(_with_relations(active_alerts(now=now)))
    recent = list(
        _with_relations(
            Alert.objects.filter(for_district(), state__in=PUBLIC_STATES, sent__gte=now - RECENT_ON_LIST)
            .exclude(pk__in=[a.pk for a in active])
            .exclude(msg_type="Cancel")
            .order_by("-sent")
        )[:50]
    )
    return active, recent


def feed_alerts(*, now: datetime | None = None) -> QuerySet[Alert]:
    """The district's own alerts in its CAP feed: published and not expired, plus cancellations of
    the last 24 hours (so that systems that took an alert learn that it ended)."""
    now = now or timezone.now()
    in_force = (
        Q(state=Alert.State.PUBLISHED)
        & (Q(expires__isnull=True) | Q(expires__gt=now))
        & ~Q(msg_type="Cancel")
    )
    cancelled = Q(state=Alert.State.PUBLISHED, msg_type="Cancel", sent__gte=now - CANCELLED_IN_FEED)
    return Alert.objects.filter(origin=LOCAL).filter(in_force | cancelled).order_by("-sent")


def published_local(*, pk: int) -> Alert | None:
    """One of our alerts as a CAP document: anything that was published (drafts never are)."""
    return _with_relations(Alert.objects.filter(origin=LOCAL, state__in=PUBLIC_STATES, pk=pk)).first()


def alerts_for_staff() -> QuerySet[Alert]:
    return (
        Alert.objects.filter(origin=LOCAL).select_related("created_by", "approved_by").order_by("-created_at")
    )


def awaiting_approval() -> QuerySet[Alert]:
    return alerts_for_staff().filter(state=Alert.State.PENDING)


def imported_alerts() -> QuerySet[Alert]:
    return Alert.objects.exclude(origin=LOCAL).order_by("-sent")
