from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from sotong.organisation.selectors import department_detail, directory, directory_search
from sotong.pages.cache import CachedServeMixin
from sotong.pages.models.common import district_publisher, feed_links


class LinkBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("제목"), max_length=60)
    text = blocks.CharBlock(label=_("설명"), max_length=160, required=False)
    page = blocks.PageChooserBlock(label=_("페이지"), required=False)
    url = blocks.URLBlock(label=_("외부 주소"), required=False)

    class Meta:
        icon = "link"
        template = "pages/blocks/link.html"


class HomePage(CachedServeMixin, RoutablePageMixin, Page):
    """The district's home page, one per language."""

    intro = RichTextField(_("소개"), blank=True, features=["bold", "italic", "link"])
    body = StreamField(
        [
            (
                "heading",
                blocks.CharBlock(
                    label=_("소제목"), form_classname="title", template="pages/blocks/heading.html"
                ),
            ),
            (
                "paragraph",
                blocks.RichTextBlock(label=_("문단"), features=["bold", "italic", "link", "ol", "ul"]),
            ),
            ("links", blocks.ListBlock(LinkBlock(), label=_("바로가기"), template="pages/blocks/links.html")),
        ],
        blank=True,
        verbose_name=_("본문"),
    )

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["pages.DirectoryPage", "pages.StoryIndexPage", "pages.NewsIndexPage"]

    class Meta:
        verbose_name = _("홈")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from sotong.pages.models.news import NewsIndexPage
        from sotong.pages.models.stories import StoryIndexPage

        context = super().get_context(request, *args, **kwargs)
        sections = {type(p): p for p in self.get_children().live().specific()}
        context["directory_page"] = sections.get(DirectoryPage)
        story_index = sections.get(StoryIndexPage)
        news_index = sections.get(NewsIndexPage)
        context["story_index"] = story_index
        context["news_index"] = news_index
        context["featured_story"] = story_index.stories().first() if story_index else None
        context["latest_news"] = list(news_index.news()[:5]) if news_index else []
        if story_index is not None:
            context["feed_links"] = feed_links(story_index)
        language = self.locale.language_code
        context["language_prefix"] = "" if language == settings.LANGUAGE_CODE else f"/{language}"
        return context

    @path("live/blocks/", name="live_blocks")
    def live_blocks(self, request: HttpRequest) -> HttpResponse:
        """The domains' blocks alone: what home-live.js swaps in when an alert or a broadcast changes."""
        response = TemplateResponse(
            request, "pages/includes/home_blocks.html", {"page": self, "request": request}
        )
        response["Cache-Control"] = "no-store"
        return response

    def schema_org(self, request: HttpRequest) -> dict[str, Any]:
        publisher = district_publisher(request)
        return {"@context": "https://schema.org", **publisher, "url": self.get_full_url(request)}


class DirectoryPage(RoutablePageMixin, Page):
    """Who answers for what: every department, what it handles and its SNS officer."""

    intro = RichTextField(_("소개"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["pages.HomePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("부서 안내")

    @path("")
    def index(self, request: HttpRequest) -> HttpResponse:
        """Every department by bureau; with ``q``, the departments that handle it, most relevant first."""
        query = request.GET.get("q", "").strip()[:60]
        if query:
            results = directory_search(query=query)
            context = {"results": results, "result_count": len(results)}
        else:
            bureaus = list(directory())
            context = {
                "bureaus": bureaus,
                "result_count": sum(len(b.listed_departments) for b in bureaus),  # type: ignore[attr-defined,misc]
            }
        return self.render(request, context_overrides={**context, "query": query})

    @path("<slug:code>/")
    def department(self, request: HttpRequest, code: str) -> HttpResponse:
        department = department_detail(code=code)
        if department is None:
            raise Http404
        context = self.get_context(request)
        context.update(
            department=department,
            duty_summary=duty_summary(department),
            # The resident form, naming this department (see voice.forms.CaseForm).
            send_url=f"{reverse('voice:submit')}?{urlencode({'department': department.code})}",
        )
        return TemplateResponse(request, "pages/department_page.html", context)


def duty_summary(department: Any) -> list[tuple[str, str]]:
    """Group weekdays with the same hours: [("월–금", "09:00–18:00")]."""
    names = [
        gettext("월"),
        gettext("화"),
        gettext("수"),
        gettext("목"),
        gettext("금"),
        gettext("토"),
        gettext("일"),
    ]
    rows = sorted(department.duty_hours.all(), key=lambda h: h.weekday)
    groups: list[tuple[list[int], str]] = []
    for hours in rows:
        span = f"{hours.opens:%H:%M}–{hours.closes:%H:%M}"
        if groups and groups[-1][1] == span and groups[-1][0][-1] == hours.weekday - 1:
            groups[-1][0].append(hours.weekday)
        else:
            groups.append(([hours.weekday], span))
    return [
        (names[days[0]] if len(days) == 1 else f"{names[days[0]]}–{names[days[-1]]}", span)
        for days, span in groups
    ]
