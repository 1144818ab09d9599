"""The broadcast's restream destinations on its control page (decision 0078): add one (a name, the platform and
the full RTMP(S) URL with the platform's stream key, which is never shown back), turn it on or off, delete it;
each one's state shows in ``tv/admin/_restream.html``. Who may: the roles holding ``tv.change_broadcast``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import include, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail import hooks

from sotong.tv.admin.broadcasts import producer
from sotong.tv.models import Broadcast, RestreamTarget
from sotong.tv.services import restream


def _back(pk: int) -> HttpResponse:
    return HttpResponseRedirect(reverse("tv_admin:control", kwargs={"pk": pk}) + "#restream")


@require_POST
def add(request: HttpRequest, pk: int) -> HttpResponse:
    user = producer(request)
    broadcast = get_object_or_404(Broadcast, pk=pk)
    try:
        target = restream.restream_add(
            broadcast=broadcast,
            label=request.POST.get("label", ""),
            platform=request.POST.get("platform", ""),
            url=request.POST.get("url", ""),
            by=user,
            request=request,
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("‘%(label)s’ 송출 대상을 추가했습니다. 송출이 연결되어 있으면 몇 초 안에 보내기 시작합니다.")
            % {"label": target.label},
        )
    return _back(pk)


@require_POST
def set_enabled(request: HttpRequest, pk: int, target_pk: int) -> HttpResponse:
    user = producer(request)
    target = get_object_or_404(RestreamTarget, pk=target_pk, broadcast_id=pk)
    enabled = request.POST.get("enabled") == "1"
    restream.restream_set_enabled(target=target, enabled=enabled, by=user, request=request)
    if enabled:
        message = _("‘%(label)s’ 송출 대상을 켰습니다. 송출이 연결되어 있으면 몇 초 안에 보내기 시작합니다.")
    else:
        message = _("‘%(label)s’ 송출 대상을 껐습니다. 몇 초 안에 보내기를 멈춥니다.")
    messages.success(request, message % {"label": target.label})
    return _back(pk)


@require_POST
def delete(request: HttpRequest, pk: int, target_pk: int) -> HttpResponse:
    user = producer(request)
    target = get_object_or_404(RestreamTarget, pk=target_pk, broadcast_id=pk)
    restream.restream_delete(target=target, by=user, request=request)
    messages.success(
        request,
        _("‘%(label)s’ 송출 대상을 지웠습니다. 저장된 주소와 스트림 키도 함께 지웠습니다.")
        % {"label": target.label},
    )
    return _back(pk)


app_name = "tv_restream"
urlpatterns = [
    path("add/", add, name="add"),
    path("<int:target_pk>/enabled/", set_enabled, name="set_enabled"),
    path("<int:target_pk>/delete/", delete, name="delete"),
]


@hooks.register("register_admin_urls")
def register_tv_restream_urls() -> list[Any]:
    return [path("tv/broadcasts/<int:pk>/restream/", include((urlpatterns, app_name), namespace=app_name))]
