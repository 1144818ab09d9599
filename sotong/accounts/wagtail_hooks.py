from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from sotong.accounts import admin_views


@hooks.register("register_admin_urls")
def register_admin_urls() -> list[Any]:
    return [path("sign-in-locks/", admin_views.sign_in_locks, name="accounts_admin_sign_in_locks")]


class UnlockMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return admin_views.can_unlock(request)


@hooks.register("register_settings_menu_item")
def register_sign_in_locks_menu_item() -> MenuItem:
    return UnlockMenuItem(
        _("로그인 잠금 해제"), reverse("accounts_admin_sign_in_locks"), icon_name="lock", order=610
    )
