from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from sotong.pages import admin_views


@hooks.register("register_admin_urls")
def register_admin_urls() -> list[Any]:
    return [
        path("story-submissions/", admin_views.submission_list, name="pages_admin_submissions"),
        path("story-submissions/<int:pk>/", admin_views.submission_detail, name="pages_admin_submission"),
        path(
            "story-submissions/<int:pk>/photo/",
            admin_views.submission_photo,
            name="pages_admin_submission_photo",
        ),
        path(
            "story-submissions/<int:pk>/approve/",
            admin_views.submission_approve,
            name="pages_admin_submission_approve",
        ),
        path(
            "story-submissions/<int:pk>/reject/",
            admin_views.submission_reject,
            name="pages_admin_submission_reject",
        ),
    ]


class SubmissionsMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm("pages.view_storysubmission"))


@hooks.register("register_admin_menu_item")
def register_submissions_menu_item() -> MenuItem:
    return SubmissionsMenuItem(
        _("주민 이야기 제보"), reverse("pages_admin_submissions"), icon_name="mail", order=320
    )
