"""RSS and Atom feeds of a section (행복공감 stories, 구정소식 news), with Django's syndication framework."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.utils import feedgenerator, timezone


class SectionFeed(Feed):
    def __init__(self, index_page: Any, *, atom: bool) -> None:
        super().__init__()
        self.index_page = index_page
        self.feed_type = feedgenerator.Atom1Feed if atom else feedgenerator.Rss201rev2Feed

    def title(self) -> str:
        return f"{self.index_page.title} | 영등포구 소통"

    def link(self) -> str:
        return str(self.index_page.url)

    def description(self) -> str:
        from django.utils.html import strip_tags

        return strip_tags(str(self.index_page.intro)) or str(self.index_page.title)

    def subtitle(self) -> str:
        return self.description()

    def feed_url(self) -> str:
        return self._feed_url

    def items(self) -> list[Any]:
        return list(self.index_page.feed_items())

    def item_title(self, item: Any) -> str:
        return str(item.title)

    def item_description(self, item: Any) -> str:
        return str(item.summary)

    def item_link(self, item: Any) -> str:
        return str(item.url)

    def item_guid(self, item: Any) -> str:
        return f"urn:sotong:page:{item.translation_key}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: Any) -> datetime.datetime:
        if item.first_published_at:
            return item.first_published_at
        return timezone.now()

    def item_updateddate(self, item: Any) -> datetime.datetime:
        return item.last_published_at or self.item_pubdate(item)

    def item_categories(self, item: Any) -> list[str]:
        display = getattr(item, "get_topic_display", None) or getattr(item, "get_category_display", None)
        return [str(display())] if display else []

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        suffix = "feed/atom/" if self.feed_type is feedgenerator.Atom1Feed else "feed/rss/"
        self._feed_url = str(self.index_page.url) + suffix
        return super().__call__(request, *args, **kwargs)


def section_feed(index_page: Any, request: HttpRequest, *, atom: bool) -> HttpResponse:
    return SectionFeed(index_page, atom=atom)(request)
