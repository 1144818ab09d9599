"""The broadcast's YouTube live chat and Facebook live video on its control page (decision 0075): connect one
(its id; connecting again starts a failed or stopped one afresh) or disconnect it; each source's state and YouTube's quota for the day show in
``tv/admin/_sources.html``. Who may: the roles holding ``tv.change_broadcast``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import include, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail import hooks

from sotong.tv.admin.broadcasts import producer
from sotong.tv.models import Broadcast, ExternalChat
from sotong.tv.services import external


@require_POST
def connect(request: HttpRequest, pk: int) -> HttpResponse:
    user = producer(request)
    broadcast = get_object_or_404(Broadcast, pk=pk)
    try:
        chat = external.external_connect(
            broadcast=broadcast,
            platform=request.POST.get("platform", ""),
            target_id=request.POST.get("target_id", ""),
            by=user,
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("%(platform)s 댓글을 채팅으로 가져옵니다. 방송이 생방송일 때 읽습니다.")
            % {"platform": chat.get_platform_display()},
        )
    return redirect("tv_admin:control", pk=pk)


@require_POST
def disconnect(request: HttpRequest, pk: int, chat_pk: int) -> HttpResponse:
    user = producer(request)
    chat = get_object_or_404(ExternalChat, pk=chat_pk, broadcast_id=pk)
    external.external_disconnect(chat=chat, by=user)
    messages.success(
        request, _("%(platform)s 댓글을 더 가져오지 않습니다.") % {"platform": chat.get_platform_display()}
    )
    return redirect("tv_admin:control", pk=pk)


app_name = "tv_sources"
urlpatterns = [
    path("connect/", connect, name="connect"),
    path("<int:chat_pk>/disconnect/", disconnect, name="disconnect"),
]


@hooks.register("register_admin_urls")
def register_tv_sources_urls() -> list[Any]:
    return [path("tv/broadcasts/<int:pk>/sources/", include((urlpatterns, app_name), namespace=app_name))]
