"""구정소식: the district's news by category."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.paginator import Paginator
from django.db import models
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from sotong.pages.cache import CachedServeMixin
from sotong.pages.models.blocks import body_text, news_body_blocks
from sotong.pages.models.common import (
    SectionIndexMixin,
    district_publisher,
    feed_links,
    page_range,
    schema_image,
)

CATEGORIES = [
    ("notice", _("공지")),
    ("press", _("보도자료")),
    ("event", _("행사")),
    ("safety", _("안전")),
    ("welfare", _("복지")),
]
NEWS_PER_PAGE = 10


class NewsIndexPage(CachedServeMixin, SectionIndexMixin, RoutablePageMixin, Page):
    intro = RichTextField(_("소개"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["pages.HomePage"]
    subpage_types = ["pages.NewsPage"]
    max_count_per_parent = 1
    search_fields = [*Page.search_fields, index.SearchField("search_text")]

    class Meta:
        verbose_name = _("구정소식 목록")

    def news(self) -> QuerySet[NewsPage]:
        return (
            NewsPage.objects.live()
            .public()
            .child_of(self.source_index())
            .select_related("image")
            .prefetch_related(Prefetch("image__renditions"))
            .order_by("-date", "-first_published_at")
        )

    @path("")
    def index(self, request: HttpRequest) -> HttpResponse:
        news = self.news()
        category = request.GET.get("category", "")
        if category in dict(CATEGORIES):
            news = news.filter(category=category)
        else:
            category = ""
        page = Paginator(news, NEWS_PER_PAGE).get_page(request.GET.get("page"))
        source = self.source_index()
        return self.render(
            request,
            context_overrides={
                "news_items": page,
                "page_numbers": page_range(page),
                "categories": CATEGORIES,
                "selected_category": category,
                "translated_from": source if source.pk != self.pk else None,
                "feed_links": feed_links(self),
            },
        )

    def feed_items(self) -> list[Page]:
        return list(self.news()[:20])


class NewsPage(CachedServeMixin, Page):
    date: models.DateField[Any, Any] = models.DateField(_("날짜"), default=datetime.date.today)
    category: models.CharField[Any, Any] = models.CharField(_("분류"), max_length=20, choices=CATEGORIES)
    summary: models.TextField[Any, Any] = models.TextField(_("요약"), max_length=400)
    body = StreamField(news_body_blocks(), blank=True, verbose_name=_("본문"))
    image: models.ForeignKey[Any, Any] = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("사진"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    image_alt: models.CharField[Any, Any] = models.CharField(
        _("사진 대체 텍스트"), max_length=250, blank=True, help_text=_("사진이 있으면 꼭 적어 주세요.")
    )
    is_sample: models.BooleanField[Any, Any] = models.BooleanField(_("예시 콘텐츠"), default=False)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel([FieldPanel("date"), FieldPanel("category")], heading=_("분류")),
        FieldPanel("summary"),
        FieldPanel("body"),
        MultiFieldPanel([FieldPanel("image"), FieldPanel("image_alt")], heading=_("사진")),
        FieldPanel("is_sample"),
    ]
    parent_page_types = ["pages.NewsIndexPage"]
    subpage_types: list[str] = []
    search_fields = [*Page.search_fields, index.SearchField("search_text"), index.FilterField("category")]

    class Meta:
        verbose_name = _("구정소식")
        verbose_name_plural = _("구정소식")

    def clean(self) -> None:
        super().clean()
        from django.core.exceptions import ValidationError

        if self.image_id and not self.image_alt.strip():
            raise ValidationError({"image_alt": _("사진의 대체 텍스트를 적어 주세요.")})

    @property
    def search_text(self) -> str:
        from sotong.pages.search.text import expand

        return expand(self.title, self.summary, self.get_category_display(), body_text(self.body))

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        index_page = self.get_parent().specific
        context["index_page"] = index_page
        context["feed_links"] = feed_links(index_page)
        return context

    def og_image(self) -> Any:
        return self.image

    def schema_org(self, request: HttpRequest) -> dict[str, Any]:
        data: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": self.title,
            "description": self.summary,
            "datePublished": self.date.isoformat(),
            "author": district_publisher(request),
            "publisher": district_publisher(request),
            "url": self.get_full_url(request),
            "inLanguage": self.locale.language_code,
        }
        image = schema_image(self.image, request)
        if image:
            data["image"] = [image]
        return data
