"""The caption desk (자막 입력): a captioner types the broadcast's captions live, Enter sending each line,
and the producer marks chapters (장 나누기) for the recording. Who may: ``tv.change_broadcast``, like the
control page (the 소통TV 제작 role; a captioner from outside is given that role)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import include, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail import hooks

from sotong.accounts.models import User, staff_member
from sotong.core.json_body import json_object
from sotong.tv.admin.broadcasts import PERMISSION
from sotong.tv.models import Broadcast
from sotong.tv.services import captions as caption_services

RECENT = 15


def _captioner(request: HttpRequest) -> User:
    user = staff_member(request)
    if not user.has_perm(PERMISSION):
        raise PermissionDenied
    return user


def _wants_json(request: HttpRequest) -> bool:
    return request.content_type == "application/json"


def desk(request: HttpRequest, pk: int) -> HttpResponse:
    _captioner(request)
    broadcast = get_object_or_404(Broadcast.objects.select_related("show"), pk=pk)
    return TemplateResponse(
        request,
        "tv/admin/captions.html",
        {
            "page_title": _("자막 입력: %(title)s") % {"title": broadcast.title_ko},
            "header_icon": "media",
            "broadcast": broadcast,
            "recent": list(broadcast.caption_cues.order_by("-pk")[:RECENT]),
            "markers": list(broadcast.markers.all()),
            "max_caption": caption_services.MAX_CAPTION,
            "max_marker": caption_services.MAX_MARKER_TITLE,
            "feed_url": reverse("tv:captions_json", kwargs={"pk": broadcast.pk}),
        },
    )


@require_POST
def send(request: HttpRequest, pk: int) -> HttpResponse:
    """One line, from the desk's script (JSON in, JSON out) or from the form without it."""
    user = _captioner(request)
    broadcast = get_object_or_404(Broadcast, pk=pk)
    as_json = _wants_json(request)
    try:
        text = json_object(request, max_bytes=4096, invalid=ValidationError) if as_json else request.POST
        cue = caption_services.caption_send(broadcast, text=str(text.get("text", "")), by=user)
    except ValidationError as error:
        if as_json:
            return JsonResponse({"error": " ".join(error.messages)}, status=400)
        for message in error.messages:
            messages.error(request, message)
        return redirect("tv_captions:desk", pk=pk)
    if as_json:
        return JsonResponse({"cue": caption_services.cue_event(cue)}, status=201)
    return redirect("tv_captions:desk", pk=pk)


@require_POST
def marker(request: HttpRequest, pk: int) -> HttpResponse:
    user = _captioner(request)
    broadcast = get_object_or_404(Broadcast, pk=pk)
    try:
        added = caption_services.marker_add(broadcast, title=request.POST.get("title", ""), by=user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("“%(title)s” 장을 지금부터 시작했습니다.") % {"title": added.title})
    return redirect(reverse("tv_captions:desk", kwargs={"pk": pk}) + "#marker-heading")


app_name = "tv_captions"
urlpatterns = [
    path("", desk, name="desk"),
    path("send/", send, name="send"),
    path("marker/", marker, name="marker"),
]


@hooks.register("register_admin_urls")
def register_caption_desk_urls() -> list[Any]:
    return [path("tv/broadcasts/<int:pk>/captions/", include((urlpatterns, app_name), namespace=app_name))]
