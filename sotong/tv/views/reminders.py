""" "Remind me" at /tv/<id>/remind/…: a browser's Web Push (JSON, from the broadcast page's script) or an
e-mail address (a plain form that works without JavaScript), the e-mail's confirm link, and cancelling
by the reminder's token. CSRF stays on; rate-limited per address; answers in the resident's language."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sotong.connectors.subscriptions import SubscriptionInvalid, language_of
from sotong.core.json_body import json_object
from sotong.core.ratelimit import Limit, allow
from sotong.tv.models import Broadcast
from sotong.tv.selectors import public_broadcasts
from sotong.tv.services import reminders

REMIND_LIMIT = Limit("tv-remind", 20, 600)
MAX_BODY = 16 * 1024


def _broadcast(pk: int) -> Broadcast:
    found = public_broadcasts().filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


@require_POST
def remind_push(request: HttpRequest, pk: int) -> HttpResponse:
    broadcast = _broadcast(pk)
    if not allow(request, REMIND_LIMIT):
        return JsonResponse({"error": _("요청이 너무 많습니다. 잠시 뒤에 다시 해 주세요.")}, status=429)
    try:
        body: dict[str, Any] = json_object(request, max_bytes=MAX_BODY, invalid=SubscriptionInvalid)
        with translation.override(language_of(body.get("language"))):
            reminder = reminders.reminder_webpush(
                broadcast=broadcast, subscription=body.get("subscription"), language=body.get("language")
            )
            message = _("방송이 시작하기 조금 전에 이 브라우저로 알려 드립니다.")
    except SubscriptionInvalid as refused:
        return JsonResponse({"error": str(refused)}, status=400)
    return JsonResponse({"token": str(reminder.token), "message": message}, status=201)


@require_POST
def remind_email(request: HttpRequest, pk: int) -> HttpResponse:
    broadcast = _broadcast(pk)
    context: dict[str, Any] = {"broadcast": broadcast}
    if not allow(request, REMIND_LIMIT):
        context["error"] = _("요청이 너무 많습니다. 잠시 뒤에 다시 해 주세요.")
        return render(request, "tv/remind_result.html", context, status=429)
    try:
        reminders.reminder_email(
            broadcast=broadcast, email=request.POST.get("email", ""), language=translation.get_language()
        )
    except SubscriptionInvalid as refused:
        context["error"] = str(refused)
        return render(request, "tv/remind_result.html", context, status=400)
    context["message"] = _("확인 메일을 보냈습니다. 메일의 링크를 열면 방송 알림 신청이 끝납니다.")
    return render(request, "tv/remind_result.html", context)


@require_http_methods(["GET", "POST"])
def remind_confirm(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "GET":
        # Opening the link alone (a mail scanner does) must not confirm: a button does.
        return render(request, "tv/remind_confirm.html", {"token": token})
    try:
        reminder = reminders.reminder_confirm(token=token)
    except SubscriptionInvalid as refused:
        return render(request, "tv/remind_result.html", {"error": str(refused)}, status=400)
    return render(
        request,
        "tv/remind_result.html",
        {
            "broadcast": reminder.broadcast,
            "message": _("확인되었습니다. 방송이 시작하기 조금 전에 메일로 알려 드립니다."),
        },
    )


@require_http_methods(["GET", "POST"])
def remind_cancel(request: HttpRequest, token: Any) -> HttpResponse:
    if request.method == "GET":
        # A link in an e-mail must not cancel by itself (mail scanners open links): a button confirms.
        return render(request, "tv/remind_cancel.html", {"token": token})
    cancelled = reminders.reminder_cancel(token=str(token))
    message = _("방송 알림을 취소했습니다.") if cancelled else _("이미 취소되었거나 없는 알림입니다.")
    return render(request, "tv/remind_result.html", {"message": message})


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """소통TV's worker, served from this language's /tv/sw.js so its scope is this language's /tv/."""
    import json

    from django.templatetags.static import static
    from django.urls import reverse

    config = {
        "name": _("소통TV"),
        "lang": translation.get_language() or "ko",
        "scope": reverse("tv:index"),
        "icon": static("tv/icons/icon-192.png"),
        "push_handler": static("connectors/push-handler.js"),
    }
    body = render(request, "tv/sw.js", {"config": json.dumps(config, ensure_ascii=False)}).content
    return HttpResponse(body, content_type="text/javascript; charset=utf-8")
