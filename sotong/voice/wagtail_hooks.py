from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from sotong.organisation.selectors import departments_for


@hooks.register("register_admin_urls")
def register_voice_admin_urls() -> list[Any]:
    return [path("voice/", include("sotong.voice.admin.urls", namespace="voice_admin"))]


class InboxMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return bool(request.user.is_authenticated and departments_for(request.user).exists())


@hooks.register("register_admin_menu_item")
def register_inbox_menu_item() -> MenuItem:
    return InboxMenuItem(_("민원함"), reverse("voice_admin:inbox"), icon_name="mail", order=100)
