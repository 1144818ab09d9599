from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from sotong.organisation.selectors import case_departments_for
from sotong.voice.models import DeadlineRule, ReplyTemplate, ServiceCategory


@hooks.register("register_admin_urls")
def register_voice_admin_urls() -> list[Any]:
    return [path("voice/", include("sotong.voice.admin.urls", namespace="voice_admin"))]


class InboxMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return bool(request.user.is_authenticated and case_departments_for(request.user).exists())


@hooks.register("register_admin_menu_item")
def register_inbox_menu_item() -> MenuItem:
    return InboxMenuItem(_("민원함"), reverse("voice_admin:inbox"), icon_name="mail", order=100)


class ServiceCategoryViewSet(SnippetViewSet):
    model = ServiceCategory
    icon = "tag"
    menu_label = _("민원 분야")
    list_display = ["name_ko", "code", "department", "kind", "is_active"]
    list_filter = ["department", "is_active"]
    copy_view_enabled = False


class DeadlineRuleViewSet(SnippetViewSet):
    model = DeadlineRule
    icon = "time"
    menu_label = _("처리 기한 규칙")
    list_display = ["kind", "amount", "unit", "legal_basis"]
    copy_view_enabled = False


class ReplyTemplateViewSet(SnippetViewSet):
    model = ReplyTemplate
    icon = "doc-full"
    menu_label = _("답변 서식")
    list_display = ["title", "department"]
    list_filter = ["department"]
    search_fields = ["title", "body"]


class VoiceSettingsGroup(SnippetViewSetGroup):
    menu_label = _("민원 설정")
    menu_icon = "cog"
    menu_order = 180
    items = (ServiceCategoryViewSet, DeadlineRuleViewSet, ReplyTemplateViewSet)


register_snippet(VoiceSettingsGroup)


# The dashboard (decision 0069): each role's cases, the comms team's triage queue first.
@hooks.register("construct_homepage_panels")
def add_case_work_panels(request: HttpRequest, panels: list[Any]) -> None:
    from sotong.voice.admin import dashboard

    panels.extend(dashboard.panels_for(request.user))


class TriageMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        from sotong.organisation.selectors import spans_case_handling

        return spans_case_handling(request.user)


@hooks.register("register_admin_menu_item")
def register_triage_menu_item() -> MenuItem:
    """The triage queue one click away for the comms team (the inbox opens on their home department)."""
    return TriageMenuItem(
        _("분류 대기"), f"{reverse('voice_admin:inbox')}?department=triage", icon_name="tasks", order=101
    )
