"""구청장 소개, messages and schedule as Wagtail snippets, edited by the mayor's office."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from sotong.petitions.models import MayorMessage, MayorProfile, ScheduleEvent


def _trilingual(field: str, heading: object) -> MultiFieldPanel:
    return MultiFieldPanel(
        [FieldPanel(f"{field}_ko"), FieldRowPanel([FieldPanel(f"{field}_en"), FieldPanel(f"{field}_zh")])],
        heading=heading,
    )


class MayorProfileViewSet(SnippetViewSet):
    model = MayorProfile
    icon = "user"
    menu_label = gettext_lazy("구청장 소개")
    menu_order = 162
    add_to_admin_menu = True
    copy_view_enabled = False
    panels = [_trilingual("name", gettext_lazy("이름")), _trilingual("intro", gettext_lazy("소개"))]


class MayorMessageViewSet(SnippetViewSet):
    model = MayorMessage
    icon = "doc-full"
    menu_label = gettext_lazy("구청장 메시지")
    menu_order = 163
    add_to_admin_menu = True
    list_display = ["title_ko", "published_at"]
    panels = [
        _trilingual("title", gettext_lazy("제목")),
        _trilingual("body", gettext_lazy("내용")),
        FieldPanel("published_at"),
    ]


class ScheduleEventViewSet(SnippetViewSet):
    model = ScheduleEvent
    icon = "date"
    menu_label = gettext_lazy("구청장 일정")
    menu_order = 164
    add_to_admin_menu = True
    list_display = ["title_ko", "starts_at", "place", "is_public"]
    ordering = ["-starts_at"]
    panels = [
        _trilingual("title", gettext_lazy("일정")),
        FieldPanel("place"),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
        FieldPanel("is_public"),
    ]


register_snippet(MayorProfileViewSet)
register_snippet(MayorMessageViewSet)
register_snippet(ScheduleEventViewSet)
