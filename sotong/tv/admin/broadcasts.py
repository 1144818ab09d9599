"""Back-office screens of 소통TV: shows and broadcasts (Wagtail snippets), and each broadcast's control
page — the stream key (shown once when issued, then only its last four characters), the encoder's
recent attempts, and ending or cancelling the broadcast. Who may: the roles holding
``tv.change_broadcast`` (방송 제작, administrators)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import include, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.admin.widgets import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from sotong.accounts.models import staff_member
from sotong.tv.choices import BroadcastState
from sotong.tv.models import Broadcast, Show
from sotong.tv.services import broadcasts as broadcast_services
from sotong.tv.services import keys as key_services

PERMISSION = "tv.change_broadcast"


def _trilingual(field: str, heading: Any) -> MultiFieldPanel:
    return MultiFieldPanel(
        [FieldPanel(f"{field}_ko"), FieldRowPanel([FieldPanel(f"{field}_en"), FieldPanel(f"{field}_zh")])],
        heading=heading,
    )


class ShowViewSet(SnippetViewSet):
    model = Show
    icon = "media"
    menu_label = gettext_lazy("소통TV 프로그램")
    menu_order = 190
    add_to_admin_menu = True
    copy_view_enabled = False
    list_display = ["title_ko", "slug", "sort_order"]
    panels = [
        FieldPanel("slug"),
        _trilingual("title", gettext_lazy("이름")),
        _trilingual("description", gettext_lazy("소개")),
        FieldPanel("sort_order"),
    ]


class BroadcastViewSet(SnippetViewSet):
    model = Broadcast
    icon = "media"
    menu_label = gettext_lazy("소통TV 방송")
    menu_order = 191
    add_to_admin_menu = True
    copy_view_enabled = False
    list_display = ["title_ko", "show", "starts_at", "state"]
    list_filter = ["state", "show"]
    ordering = ["-starts_at"]
    panels = [
        FieldPanel("show"),
        _trilingual("title", gettext_lazy("제목")),
        _trilingual("description", gettext_lazy("소개")),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
    ]


register_snippet(ShowViewSet)
register_snippet(BroadcastViewSet)


def producer(request: HttpRequest) -> Any:
    """The signed-in staff member if they may run broadcasts (``tv.change_broadcast``); otherwise 403."""
    user = staff_member(request)
    if not user.has_perm(PERMISSION):
        raise PermissionDenied
    return user


def index(request: HttpRequest) -> HttpResponse:
    """The broadcasts a producer runs: live now, coming up, and the last ones, each to its control page."""
    producer(request)
    rows = Broadcast.objects.select_related("show")
    return TemplateResponse(
        request,
        "tv/admin/index.html",
        {
            "page_title": _("방송 진행"),
            "header_icon": "media",
            "live": list(rows.filter(state=BroadcastState.LIVE).order_by("starts_at")),
            "upcoming": list(rows.filter(state=BroadcastState.SCHEDULED).order_by("starts_at")[:30]),
            "recent": list(
                rows.filter(state__in=[BroadcastState.ENDED, BroadcastState.CANCELLED]).order_by(
                    "-starts_at"
                )[:10]
            ),
        },
    )


def control(request: HttpRequest, pk: int, *, new_key: str = "") -> HttpResponse:
    producer(request)
    broadcast = get_object_or_404(Broadcast.objects.select_related("show", "stream_key_issued_by"), pk=pk)
    return TemplateResponse(
        request,
        "tv/admin/control.html",
        {
            "page_title": _("방송 진행: %(title)s") % {"title": broadcast.title_ko},
            "header_icon": "media",
            "broadcast": broadcast,
            "new_key": new_key,
            "rtmp_url": settings.TV_RTMP_URL,
            "attempts": list(broadcast.ingest_attempts.all()[:20]),
            "public_url": reverse("tv:broadcast", kwargs={"pk": broadcast.pk}),
        },
    )


@require_POST
def act(request: HttpRequest, pk: int) -> HttpResponse:
    user = producer(request)
    broadcast = get_object_or_404(Broadcast, pk=pk)
    action = request.POST.get("action", "")
    try:
        if action == "issue_key":
            raw = key_services.stream_key_issue(broadcast, by=user)
            # Shown on this response only: it is not stored, and reloading the page will not show it.
            response = control(request, pk, new_key=raw)
            response["Cache-Control"] = "no-store"
            return response
        if action == "revoke_key":
            key_services.stream_key_revoke(broadcast, by=user)
            messages.success(request, _("송출 키를 폐기했습니다. 이 키로는 더 송출할 수 없습니다."))
        elif action == "end":
            broadcast_services.broadcast_end(broadcast, by=user)
            messages.success(request, _("방송을 끝냈습니다."))
        elif action == "cancel":
            broadcast_services.broadcast_cancel(broadcast, by=user)
            messages.success(request, _("방송을 취소했습니다."))
        else:
            messages.error(request, _("알 수 없는 요청입니다."))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("tv_admin:control", pk=pk)


app_name = "tv_admin"
urlpatterns = [
    path("", index, name="index"),
    path("<int:pk>/", control, name="control"),
    path("<int:pk>/act/", act, name="act"),
]


@hooks.register("register_admin_urls")
def register_tv_admin_urls() -> list[Any]:
    return [path("tv/broadcasts/", include((urlpatterns, app_name), namespace=app_name))]


@hooks.register("register_snippet_listing_buttons")
def control_button(snippet: Any, user: Any, next_url: str | None = None) -> Any:
    if isinstance(snippet, Broadcast) and user.has_perm(PERMISSION):
        yield Button(
            _("방송 진행·송출 키"),
            reverse("tv_admin:control", kwargs={"pk": snippet.pk}),
            icon_name="media",
            priority=5,
        )


class RunMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm(PERMISSION))


@hooks.register("register_admin_menu_item")
def register_run_menu_item() -> MenuItem:
    return RunMenuItem(gettext_lazy("방송 진행"), reverse("tv_admin:index"), icon_name="media", order=189)
