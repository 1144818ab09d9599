from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.sidebar import LinkMenuItem as LinkMenuItemComponent
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import EditView, SnippetViewSet, SnippetViewSetGroup

from sotong.core.models import Notification
from sotong.organisation import admin_views, notifications_views
from sotong.organisation.models import (
    Bureau,
    Closure,
    Department,
    Dong,
    DutyShift,
    Membership,
    OfficerAssignment,
)
from sotong.organisation.notifications_views import staff_id
from sotong.organisation.permissions import DepartmentPermissionPolicy
from sotong.organisation.selectors import (
    can_edit_department,
    departments_for,
    editable_departments,
    home_departments,
)

register_permission_policy(Department, DepartmentPermissionPolicy(Department))


@hooks.register("register_admin_urls")
def register_admin_urls() -> list[Any]:
    return [
        path("my-department/", admin_views.my_department, name="organisation_admin_my_department"),
        path("departments/", admin_views.DepartmentListView.as_view(), name="organisation_admin_departments"),
        path(
            "departments/<slug:code>/",
            admin_views.DepartmentView.as_view(),
            name="organisation_admin_department",
        ),
        path(
            "notifications/", notifications_views.notification_list, name="organisation_admin_notifications"
        ),
        path(
            "notifications/<int:pk>/open/",
            notifications_views.notification_open,
            name="organisation_admin_notification_open",
        ),
        path(
            "notifications/read-all/",
            notifications_views.notification_read_all,
            name="organisation_admin_notifications_read_all",
        ),
    ]


class NotificationsMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return bool(request.user.is_authenticated)

    def render_component(self, request: HttpRequest) -> Any:
        unread = Notification.objects.filter(user_id=staff_id(request), read_at__isnull=True).count()
        label = f"{self.label} ({unread})" if unread else self.label
        return LinkMenuItemComponent(
            self.name, label, self.url, icon_name=self.icon_name, classname=self.classname
        )


@hooks.register("register_admin_menu_item")
def register_notifications_menu_item() -> MenuItem:
    return NotificationsMenuItem(
        _("알림"), reverse("organisation_admin_notifications"), icon_name="warning", order=110
    )


@hooks.register("insert_global_admin_js")
def staff_live_js() -> str:
    return format_html(
        '<script src="{}" data-css="{}" defer></script>',
        static("organisation/js/staff-live.js"),
        static("organisation/js/staff-live.css"),
    )


class StaffMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return bool(request.user.is_authenticated and departments_for(request.user).exists())


@hooks.register("register_admin_menu_item")
def register_my_department_menu_item() -> MenuItem:
    return StaffMenuItem(
        _("내 부서"), reverse("organisation_admin_my_department"), icon_name="group", order=150
    )


class MyDepartmentPanel(Component):
    name = "my_department"
    template_name = "organisation/admin/my_department_panel.html"
    order = 50

    def __init__(self, request: HttpRequest) -> None:
        self.request = request

    def get_context_data(self, parent_context: Any = None) -> dict[str, Any]:
        departments = list(home_departments(self.request.user))
        return {
            "departments": departments,
            "spans": not departments and departments_for(self.request.user).exists(),
        }


@hooks.register("construct_homepage_panels")
def add_my_department_panel(request: HttpRequest, panels: list[Any]) -> None:
    panels.append(MyDepartmentPanel(request))


class DepartmentEditView(EditView):
    def get_object(self, queryset: Any = None) -> Any:
        department = super().get_object(queryset)
        if not can_edit_department(self.request.user, department):
            raise PermissionDenied
        return department


class DepartmentViewSet(SnippetViewSet):
    model = Department
    icon = "group"
    menu_label = _("부서 안내")
    menu_order = 160
    add_to_admin_menu = True
    edit_view_class = DepartmentEditView
    list_display = ["name_ko", "bureau", "code"]
    list_filter = ["bureau"]
    search_fields = ["name_ko", "name_en", "handles_ko"]
    copy_view_enabled = False
    panels = [
        MultiFieldPanel(
            [
                FieldPanel("name_ko"),
                FieldRowPanel([FieldPanel("name_en"), FieldPanel("name_zh")]),
                FieldPanel("bureau"),
            ],
            heading=_("부서명"),
        ),
        MultiFieldPanel(
            [FieldPanel("handles_ko"), FieldPanel("handles_en"), FieldPanel("handles_zh")],
            heading=_("담당 업무"),
        ),
        FieldRowPanel([FieldPanel("phone"), FieldPanel("email")], heading=_("연락처")),
        InlinePanel("duty_hours", heading=_("근무 시간"), label=_("요일"), max_num=7),
        FieldPanel("is_active"),
    ]

    def get_queryset(self, request: HttpRequest) -> Any:
        return editable_departments(request.user).select_related("bureau")


class BureauViewSet(SnippetViewSet):
    model = Bureau
    icon = "folder-open-1"
    menu_label = _("국·실")
    list_display = ["name_ko", "name_en", "sort_order"]


class DongViewSet(SnippetViewSet):
    model = Dong
    icon = "site"
    menu_label = _("행정동")
    list_display = ["name_ko", "name_en", "lat", "lon"]


class ClosureViewSet(SnippetViewSet):
    model = Closure
    icon = "date"
    menu_label = _("휴무일")
    list_display = ["date", "reason"]


class MembershipViewSet(SnippetViewSet):
    model = Membership
    icon = "user"
    menu_label = _("소속·역할")
    list_display = ["user", "role", "department"]
    list_filter = ["role", "department"]
    search_fields = ["user__username", "user__display_name"]


class OfficerAssignmentViewSet(SnippetViewSet):
    model = OfficerAssignment
    icon = "user"
    menu_label = _("SNS 소통 주무관")
    list_display = ["department", "position", "user", "public_title"]
    list_filter = ["position", "department"]


class DutyShiftViewSet(SnippetViewSet):
    model = DutyShift
    icon = "time"
    menu_label = _("당직 근무")
    list_display = ["user", "starts_at", "ends_at", "note"]


class OrganisationGroup(SnippetViewSetGroup):
    menu_label = _("조직 관리")
    menu_icon = "cogs"
    menu_order = 170
    items = (
        BureauViewSet,
        DongViewSet,
        ClosureViewSet,
        MembershipViewSet,
        OfficerAssignmentViewSet,
        DutyShiftViewSet,
    )


register_snippet(DepartmentViewSet)
register_snippet(OrganisationGroup)


# Wagtail's "What's new in Wagtail" and "Editor Guide" are English pages about Wagtail's page editor,
# not the district's work: the back office's help menu keeps only the keyboard shortcuts (decision 0069).
WAGTAIL_HELP_ITEMS_DROPPED = ("editor-guide", "whats-new-in-wagtail-")


@hooks.register("construct_help_menu")
def drop_wagtail_guides(request: HttpRequest, menu_items: list[Any]) -> None:
    menu_items[:] = [item for item in menu_items if not item.name.startswith(WAGTAIL_HELP_ITEMS_DROPPED)]
