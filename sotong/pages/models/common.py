"""What stories and news share: the district as publisher, feed links, pagination numbers, images for schema.org."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page as PaginatorPage
from django.http import HttpRequest
from django.utils.translation import gettext


def district_publisher(request: HttpRequest | None) -> dict[str, Any]:
    base = f"{request.scheme}://{request.get_host()}/" if request is not None else "/"
    return {"@type": "GovernmentOrganization", "name": gettext("영등포구"), "url": base}


def schema_image(image: Any, request: HttpRequest | None) -> str | None:
    if image is None:
        return None
    rendition = image.get_rendition("fill-1200x675")
    url = str(rendition.url)
    if url.startswith("/") and request is not None:
        url = f"{request.scheme}://{request.get_host()}{url}"
    return url


def feed_links(index_page: Any) -> list[dict[str, str]]:
    """<link rel="alternate"> entries of a section's RSS and Atom feeds."""
    base = str(index_page.url)
    return [
        {"type": "application/rss+xml", "href": base + "feed/rss/", "title": f"{index_page.title} (RSS)"},
        {"type": "application/atom+xml", "href": base + "feed/atom/", "title": f"{index_page.title} (Atom)"},
    ]


def page_range(page: PaginatorPage) -> list[int | None]:
    """Page numbers around the current one, None where numbers are left out."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))  # type: ignore[arg-type]
