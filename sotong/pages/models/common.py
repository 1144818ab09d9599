"""What stories and news share: the index pages' common part, the district as publisher, feed links, pagination
numbers, images for schema.org."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.paginator import Page as PaginatorPage
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext
from wagtail.contrib.routable_page.models import path


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


class SectionIndexMixin:
    """The index page of a section (행복공감, 구정소식): what it is found by, where its items are, its RSS and Atom
    feeds and its schema.org CollectionPage. Put before ``RoutablePageMixin``; the page defines ``feed_items``."""

    title: str
    intro: Any
    locale: Any

    @property
    def search_text(self) -> str:
        from sotong.pages.search.text import expand

        return expand(self.title, str(self.intro))

    def source_index(self) -> Any:
        """Where the items are: this page's own, or (a translation without items yet) the Korean section's."""
        page: Any = self
        if self.locale.language_code != settings.LANGUAGE_CODE and not page.get_children().exists():
            source = page.get_translation_or_none(self.locale.get_default())
            if source is not None:
                return source.specific
        return self

    @path("feed/rss/", name="feed_rss")
    def feed_rss(self, request: HttpRequest) -> HttpResponse:
        from sotong.pages.feeds import section_feed

        return section_feed(self, request, atom=False)

    @path("feed/atom/", name="feed_atom")
    def feed_atom(self, request: HttpRequest) -> HttpResponse:
        from sotong.pages.feeds import section_feed

        return section_feed(self, request, atom=True)

    def schema_org(self, request: HttpRequest) -> dict[str, Any]:
        page: Any = self
        return {
            "@context": "https://schema.org",
            "@type": "CollectionPage",
            "name": self.title,
            "url": page.get_full_url(request),
            "publisher": district_publisher(request),
        }
