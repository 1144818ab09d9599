"""What safety puts on the resident site (sotong.core.blocks): the alert banner under every page's header
(cheap: one cache read, and only when a page renders it), the CAP feed's link in every page's head, and
the home page's 내손안의 안전 block."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from sotong.core.blocks import Block
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


def banner_context(request: HttpRequest) -> dict[str, Any] | None:
    items = _banner(request)
    return {"safety_banner": items} if items else None


def home_context(request: HttpRequest) -> dict[str, Any] | None:
    return {"safety_alerts": _banner(request)}


HEAD = Block(
    key="safety.cap_link", region="head", template="safety/includes/cap_link.html", context=lambda r: {}
)
BANNER = Block(
    key="safety.banner", region="banner", template="safety/includes/alert_banner.html", context=banner_context
)
HOME = Block(
    key="safety.home", region="home", template="safety/includes/home.html", context=home_context, order=10
)
