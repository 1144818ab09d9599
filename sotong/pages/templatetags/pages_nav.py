from __future__ import annotations

from typing import Any

from django import template
from django.core.cache import cache
from django.utils import translation
from wagtail.models import Locale, Page

from sotong.organisation.models import District
from sotong.organisation.selectors import current_district

register = template.Library()


NAV_VERSION_KEY = "pages:nav:version"
# Menus are cached per site and language; a page published, unpublished, moved or deleted in this
# process (or any process sharing the cache: Redis) clears them at once (sotong.pages.signals). The TTL
# bounds how long a change made by another process of the embedded shape (scheduled publishing in the
# worker) takes to show.
NAV_SECONDS = 60


def nav_version() -> int:
    return int(cache.get_or_set(NAV_VERSION_KEY, 1, timeout=None) or 1)


def nav_changed() -> None:
    try:
        cache.incr(NAV_VERSION_KEY)
    except ValueError:
        cache.set(NAV_VERSION_KEY, 2, timeout=None)


def _menu(request: Any) -> list[dict[str, Any]]:
    """The home page's live children in menus, in the active language: (pk, title, url) each."""
    try:
        locale = Locale.get_active()
    except Locale.DoesNotExist:
        return []
    home = Page.objects.filter(depth=2, locale=locale, live=True).first()
    if home is None:
        return []
    return [
        {"pk": child.pk, "title": child.title, "url": child.get_url(request)}
        for child in home.get_children().live().in_menu().specific()
    ]


@register.simple_tag(takes_context=True)
def main_nav_links(context: dict[str, Any]) -> list[dict[str, Any]]:
    """The home page's live children in menus, in the active language; the current one marked."""
    request = context.get("request")
    if request is None:
        return []
    # Keyed by host (the site is found by host and port; ALLOWED_HOSTS has checked it), not by
    # Site.find_for_request, which would cost the query the cache is there to save.
    key = f"pages:nav:{nav_version()}:{request.get_host()}:{translation.get_language()}"
    menu = cache.get(key)
    if menu is None:
        menu = _menu(request)
        cache.set(key, menu, NAV_SECONDS)
    current: Page | None = context.get("page")
    return [
        {
            **item,
            "current": bool(
                current and (current.pk == item["pk"] or request.path.startswith(item["url"] or "//"))
            ),
        }
        for item in menu
    ]


@register.simple_tag
def district_info() -> District | None:
    return current_district()
