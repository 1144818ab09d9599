"""The alert banner on every resident page: cheap (one cache read, and only when a page renders it)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from sotong.core.i18n import language_suffix

# An alert is announced (role="alert") only while it is new; afterwards it is a labelled region.
NEW_FOR = timedelta(minutes=15)
SEEN_COOKIE = "sotong_alerts_seen"


def _banner(request: HttpRequest) -> list[dict[str, Any]]:
    from sotong.safety.selectors.alerts import banner_alerts

    suffix = language_suffix()
    seen = set(request.COOKIES.get(SEEN_COOKIE, "").split("."))
    now = timezone.now()
    items = []
    for row in banner_alerts():
        published = row["published_at"] or row["sent"]
        items.append(
            {
                "pk": row["pk"],
                "headline": row[f"headline_{suffix}"] or row["headline_ko"],
                "severity": row["severity"],
                "hazard": row["hazard"],
                "expires": row["expires"],
                "is_new": str(row["pk"]) not in seen and published is not None and now - published < NEW_FOR,
            }
        )
    return items


def alert_banner(request: HttpRequest) -> dict[str, Any]:
    if request.path.startswith(("/admin/", "/cap/", "/api/")):
        return {}
    return {"safety_banner": SimpleLazyObject(lambda: _banner(request))}
