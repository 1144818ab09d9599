from __future__ import annotations

from typing import Any

from django import template
from wagtail.models import Locale, Page

from sotong.organisation.models import District
from sotong.organisation.selectors import current_district

register = template.Library()


@register.simple_tag(takes_context=True)
def main_nav_links(context: dict[str, Any]) -> list[dict[str, Any]]:
    """The home page's live children in menus, in the active language."""
    request = context.get("request")
    if request is None:
        return []
    try:
        locale = Locale.get_active()
    except Locale.DoesNotExist:
        return []
    current: Page | None = context.get("page")
    home = Page.objects.filter(depth=2, locale=locale, live=True).first()
    if home is None:
        return []
    links = []
    for child in home.get_children().live().in_menu().specific():
        url = child.get_url(request)
        links.append(
            {
                "title": child.title,
                "url": url,
                "current": bool(current and (current.pk == child.pk or request.path.startswith(url or "//"))),
            }
        )
    return links


@register.simple_tag
def district_info() -> District | None:
    return current_district()
