"""Back-office pages for a department: who works there, its SNS officers, its hours, its directory entry."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from sotong.organisation.models import Department, Membership
from sotong.organisation.selectors import (
    can_access_department,
    can_edit_department,
    departments_for,
    home_departments,
)


def my_department(request: HttpRequest) -> HttpResponse:
    """Take staff to their own department; those who span departments get the list."""
    home = home_departments(request.user).first()
    if home is not None:
        return redirect("organisation_admin_department", code=home.code)
    return redirect("organisation_admin_departments")


class DepartmentListView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "organisation/admin/department_list.html"
    page_title = _("부서")
    header_icon = "group"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["departments"] = (
            departments_for(self.request.user)
            .select_related("bureau")
            .order_by("bureau__sort_order", "sort_order")
        )
        return context


class DepartmentView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "organisation/admin/department.html"
    header_icon = "group"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        department = Department.objects.select_related("bureau").filter(code=kwargs["code"]).first()
        if department is None:
            raise Http404
        # Officers see their own department only (역할에 따라 전 부서).
        if not can_access_department(request.user, department):
            raise PermissionDenied
        self.department = department
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self) -> str:
        return self.department.name_ko

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [
            *self.breadcrumbs_items,
            {"url": reverse("organisation_admin_departments"), "label": _("부서")},
            {"url": "", "label": self.department.name_ko},
        ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        department = self.department
        context.update(
            department=department,
            officers=department.officer_assignments.select_related("user").order_by("-position"),
            members=Membership.objects.filter(department=department)
            .select_related("user")
            .order_by("role", "user__username"),
            duty_hours=department.duty_hours.all(),
            can_edit=can_edit_department(self.request.user, department),
            edit_url=reverse("wagtailsnippets_organisation_department:edit", args=[department.pk]),
        )
        return context
