"""행복공감: a monthly story series about people and places of the district."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from sotong.core.crypto import EncryptedTextField
from sotong.core.storage import private_storage
from sotong.pages.cache import CachedServeMixin
from sotong.pages.models.blocks import body_text, story_body_blocks
from sotong.pages.models.common import (
    SectionIndexMixin,
    district_publisher,
    feed_links,
    page_range,
    schema_image,
)

TOPICS = [
    ("neighbours", _("이웃")),
    ("local-business", _("골목상권")),
    ("culture", _("문화·예술")),
    ("environment", _("환경")),
    ("safety", _("안전")),
    ("welfare", _("복지")),
]
STORIES_PER_PAGE = 9


class StoryPageForm(WagtailAdminPageForm):
    """A story may be saved as a draft without its hero; it is published (or sent to review) only with one,
    and only with a text alternative for it."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if getattr(self, "is_deferred_validation", False):
            return cleaned
        if not cleaned.get("hero_image"):
            self.add_error("hero_image", _("대표 사진 없이는 게시할 수 없습니다. 대표 사진을 고르세요."))
        if not (cleaned.get("hero_alt") or "").strip():
            self.add_error(
                "hero_alt",
                _(
                    "대표 사진의 대체 텍스트 없이는 게시할 수 없습니다. 사진에 무엇이 보이는지 한두 문장으로 "
                    "적어 주세요. (초안 저장은 됩니다.)"
                ),
            )
        return cleaned


class StoryIndexPage(CachedServeMixin, SectionIndexMixin, RoutablePageMixin, Page):
    """The 행복공감 series: stories by month, topic and dong, an archive by month, feeds and resident submissions."""

    intro = RichTextField(_("소개"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["pages.HomePage"]
    subpage_types = ["pages.StoryPage"]
    max_count_per_parent = 1
    search_fields = [*Page.search_fields, index.SearchField("search_text")]

    class Meta:
        verbose_name = _("행복공감 목록")

    def stories(self) -> QuerySet[StoryPage]:
        return (
            StoryPage.objects.live()
            .public()
            .child_of(self.source_index())
            .select_related("dong", "hero_image")
            .prefetch_related(Prefetch("hero_image__renditions"))
            .order_by("-month", "-first_published_at")
        )

    def filtered(
        self, request: HttpRequest, *, year: int | None = None, month: int | None = None
    ) -> dict[str, Any]:
        stories = self.stories()
        topic = request.GET.get("topic", "")
        dong = request.GET.get("dong", "")
        month_param = request.GET.get("month", "")
        if month_param and year is None:
            year_text, _sep, month_text = month_param.partition("-")
            if year_text.isdigit() and month_text.isdigit() and 1 <= int(month_text) <= 12:
                year, month = int(year_text), int(month_text)
        if year is not None and month is not None:
            stories = stories.filter(month__year=year, month__month=month)
        if topic in dict(TOPICS):
            stories = stories.filter(topic=topic)
        else:
            topic = ""
        if dong:
            stories = stories.filter(dong__code=dong)
        paginator = Paginator(stories, STORIES_PER_PAGE)
        page = paginator.get_page(request.GET.get("page"))
        from sotong.organisation.models import Dong

        months = list(
            StoryPage.objects.live().child_of(self.source_index()).dates("month", "month", order="DESC")
        )
        return {
            "stories": page,
            "page_numbers": page_range(page),
            "topics": TOPICS,
            "dongs": list(
                Dong.objects.only("code", "name_ko", "name_en", "name_zh").order_by("sort_order", "name_ko")
            ),
            "months": months,
            "selected": {
                "topic": topic,
                "dong": dong,
                "month": f"{year:04d}-{month:02d}" if year and month else "",
            },
            "archive_month": datetime.date(year, month, 1) if year and month else None,
            "translated_from": self.source_index() if self.source_index().pk != self.pk else None,
            "feed_links": feed_links(self),
        }

    @path("")
    def index(self, request: HttpRequest) -> HttpResponse:
        return self.render(request, context_overrides=self.filtered(request))

    @path("<int:year>/<int:month>/", name="month")
    def archive(self, request: HttpRequest, year: int, month: int) -> HttpResponse:
        if not 1 <= month <= 12 or not 2000 <= year <= 2100:
            raise Http404
        return self.render(request, context_overrides=self.filtered(request, year=year, month=month))

    @path("submit/", name="submit")
    def submit(self, request: HttpRequest) -> HttpResponse:
        from sotong.pages.submissions import submit_view

        return submit_view(self, request)

    @path("submit/thanks/", name="submit_thanks")
    def submit_thanks(self, request: HttpRequest) -> HttpResponse:
        context = self.get_context(request)
        return TemplateResponse(request, "pages/story_submit_thanks.html", context)

    def feed_items(self) -> list[Page]:
        return list(self.stories()[:20])

    def archive_url(self, date: datetime.date) -> str:
        return str(self.url) + self.reverse_subpage("month", args=[date.year, date.month])


class StoryPage(CachedServeMixin, Page):
    month: models.DateField[Any, Any] = models.DateField(
        _("호(월)"), help_text=_("이 이야기가 실리는 달. 날짜는 그달의 아무 날이나 됩니다.")
    )
    topic: models.CharField[Any, Any] = models.CharField(_("주제"), max_length=20, choices=TOPICS)
    dong: models.ForeignKey[Any, Any] = models.ForeignKey(
        "organisation.Dong",
        verbose_name=_("행정동"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    summary: models.TextField[Any, Any] = models.TextField(_("요약"), max_length=400)
    hero_image: models.ForeignKey[Any, Any] = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("대표 사진"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    hero_alt: models.CharField[Any, Any] = models.CharField(
        _("대표 사진 대체 텍스트"),
        max_length=250,
        blank=True,
        help_text=_("게시하려면 꼭 필요합니다. 사진에 무엇이 보이는지 한두 문장으로 적어 주세요."),
    )
    body = StreamField(story_body_blocks(), blank=True, verbose_name=_("본문"))
    credit: models.CharField[Any, Any] = models.CharField(
        _("글·사진"), max_length=80, blank=True, help_text=_("비워 두면 '익명'으로 표시됩니다.")
    )
    is_sample: models.BooleanField[Any, Any] = models.BooleanField(_("예시 콘텐츠"), default=False)

    base_form_class = StoryPageForm
    content_panels = [
        *Page.content_panels,
        MultiFieldPanel([FieldPanel("month"), FieldPanel("topic"), FieldPanel("dong")], heading=_("분류")),
        FieldPanel("summary"),
        MultiFieldPanel([FieldPanel("hero_image"), FieldPanel("hero_alt")], heading=_("대표 사진")),
        FieldPanel("body"),
        FieldPanel("credit"),
        FieldPanel("is_sample"),
    ]
    parent_page_types = ["pages.StoryIndexPage"]
    subpage_types: list[str] = []
    search_fields = [
        *Page.search_fields,
        index.SearchField("search_text"),
        index.FilterField("topic"),
        index.FilterField("month"),
    ]

    class Meta:
        verbose_name = _("행복공감 이야기")
        verbose_name_plural = _("행복공감 이야기")

    @property
    def search_text(self) -> str:
        from sotong.pages.search.text import expand

        return expand(
            self.title,
            self.summary,
            self.get_topic_display(),
            self.dong.name_ko if self.dong else "",
            body_text(self.body),
        )

    @property
    def credit_line(self) -> str:
        return self.credit or str(_("익명"))

    def related(self, limit: int = 3) -> list[StoryPage]:
        query = Q(topic=self.topic)
        if self.dong_id:
            query |= Q(dong_id=self.dong_id)
        return list(
            StoryPage.objects.live()
            .public()
            .sibling_of(self, inclusive=False)
            .filter(query)
            .select_related("hero_image", "dong")
            .prefetch_related(Prefetch("hero_image__renditions"))
            .order_by("-month")[:limit]
        )

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        index_page = self.get_parent().specific
        context["index_page"] = index_page
        context["related_stories"] = self.related()
        context["feed_links"] = feed_links(index_page)
        context["tile_url"] = getattr(settings, "MAP_TILE_URL", "")
        return context

    def og_image(self) -> Any:
        return self.hero_image

    def schema_org(self, request: HttpRequest) -> dict[str, Any]:
        data: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": self.title,
            "description": self.summary,
            "datePublished": (
                self.first_published_at or self.latest_revision_created_at or timezone.now()
            ).isoformat(),
            "author": district_publisher(request)
            if not self.credit
            else {"@type": "Person", "name": self.credit},
            "publisher": district_publisher(request),
            "url": self.get_full_url(request),
            "inLanguage": self.locale.language_code,
        }
        if self.dong:
            data["contentLocation"] = {"@type": "Place", "name": self.dong.name_ko}
        image = schema_image(self.hero_image, request)
        if image:
            data["image"] = [image]
        return data


class StorySubmissionStatus(models.TextChoices):
    NEW = "new", _("검토 대기")
    APPROVED = "approved", _("채택")
    REJECTED = "rejected", _("반려")


class StorySubmission(models.Model):
    """A story or photo a resident sent; moderated in the back office. Contact details are encrypted."""

    locale_code = models.CharField(max_length=10, default="ko")
    title = models.CharField(_("제목"), max_length=120)
    text = models.TextField(_("이야기"), max_length=5000)
    dong = models.ForeignKey(
        "organisation.Dong", verbose_name=_("행정동"), on_delete=models.SET_NULL, null=True, blank=True
    )
    # Residents' photos stay private until an editor approves them (then the story's hero is a Wagtail image).
    photo = models.ImageField(
        _("사진"), upload_to="story-submissions/%Y/%m/", storage=private_storage, blank=True
    )
    photo_alt = models.CharField(_("사진 설명"), max_length=250, blank=True)
    credit_name = models.CharField(_("실을 이름"), max_length=40, blank=True)
    anonymous = models.BooleanField(_("익명으로 싣기"), default=False)
    contact = EncryptedTextField(_("연락처"), blank=True)
    consent_at = models.DateTimeField(_("개인정보 수집·이용 동의 시각"))
    status = models.CharField(
        _("상태"), max_length=10, choices=StorySubmissionStatus.choices, default=StorySubmissionStatus.NEW
    )
    reject_reason = models.CharField(_("반려 사유"), max_length=300, blank=True)
    story = models.ForeignKey(
        StoryPage,
        verbose_name=_("만든 이야기 초안"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("받은 시각"), auto_now_add=True)
    decided_at = models.DateTimeField(_("처리 시각"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("주민 이야기 제보")
        verbose_name_plural = _("주민 이야기 제보")

    def __str__(self) -> str:
        return self.title

    @property
    def credit_line(self) -> str:
        return str(_("익명")) if self.anonymous or not self.credit_name else self.credit_name
