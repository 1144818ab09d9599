"""Staff notifications in the back office: the list, and marking them read."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sotong.core.notifications import notification_read, notifications_for, notifications_read_all


def notification_list(request: HttpRequest) -> HttpResponse:
    notifications = notifications_for(user_id=staff_id(request))
    page = Paginator(notifications, 50).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "organisation/admin/notifications.html",
        {"page_title": _("알림"), "header_icon": "warning", "page_obj": page},
    )


@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    notification = notification_read(user_id=staff_id(request), pk=pk)
    if notification is None:
        return redirect("organisation_admin_notifications")
    target = notification.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("organisation_admin_notifications")


@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    notifications_read_all(user_id=staff_id(request))
    return redirect("organisation_admin_notifications")


def staff_id(request: HttpRequest) -> int:
    return int(request.user.pk or 0)
