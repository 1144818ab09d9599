"""Alert subscriptions at /api/safety/push/: called by the safety page's JavaScript (JSON), plus the two
small pages an e-mail links to (confirm, unsubscribe).

CSRF stays on: the page that calls these has Django's CSRF cookie and sends it as X-CSRFToken, so no
other site can subscribe or unsubscribe a resident's browser. The subscription's token (a random UUID
only the device knows) authorises changing or deleting it. Every answer's message is in the language
the resident uses (the request's `language`).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sotong.connectors.webpush.views import vapid_public_key  # noqa: F401 - routed in api_urls
from sotong.core.json_body import json_object
from sotong.core.ratelimit import Limit, allow
from sotong.safety.models import Subscriber
from sotong.safety.services.subscribers import (
    SubscriptionInvalid,
    confirm_by_code,
    confirm_by_link,
    contact_subscribe,
    language_of,
    subscriber_delete,
    subscriber_update,
    webpush_subscribe,
)

SUBSCRIBE_LIMIT = Limit("safety-push-subscribe", 30, 600)
CONFIRM_LIMIT = Limit("safety-push-confirm", 5, 3600)
MAX_BODY = 16 * 1024


def _json_body(request: HttpRequest) -> dict[str, Any]:
    return json_object(request, max_bytes=MAX_BODY, invalid=SubscriptionInvalid)


def _error(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _described(subscriber: Subscriber) -> dict[str, Any]:
    return {
        "token": str(subscriber.token),
        "channel": subscriber.channel,
        "confirmed": subscriber.confirmed,
        "language": subscriber.language,
        "household": subscriber.household,
        "places": [
            {
                "label": place.label,
                "lat": place.lat,
                "lon": place.lon,
                "dong": place.dong.code if place.dong else None,
                "dong_name": place.dong.name if place.dong else None,
            }
            for place in subscriber.places.select_related("dong").order_by("pk")
        ],
    }


def _language(request: HttpRequest, data: dict[str, Any] | None = None) -> str:
    return language_of((data or {}).get("language") or translation.get_language())


@require_POST
def subscribe(request: HttpRequest) -> JsonResponse:
    try:
        data = _json_body(request)
    except SubscriptionInvalid as exc:
        return _error(str(exc))
    with translation.override(_language(request, data)):
        if not allow(request, SUBSCRIBE_LIMIT):
            return _error(_("요청이 너무 많습니다. 잠시 후 다시 시도해 주세요."), status=429)
        if not settings.WEBPUSH_ENABLED:
            return _error(_("웹 푸시 알림을 지금은 쓸 수 없습니다."), status=503)
        try:
            subscriber = webpush_subscribe(
                subscription=data.get("subscription"),
                places=data.get("places"),
                household=data.get("household"),
                language=_language(request, data),
            )
        except SubscriptionInvalid as exc:
            return _error(str(exc))
        return JsonResponse(_described(subscriber), status=201)


@require_http_methods(["GET", "PUT", "DELETE"])
def subscription(request: HttpRequest, token: str) -> HttpResponse:
    subscriber = get_object_or_404(Subscriber, token=token)
    if request.method == "GET":
        return JsonResponse(_described(subscriber))
    if request.method == "DELETE":
        subscriber_delete(subscriber=subscriber)
        return HttpResponse(status=204)
    try:
        data = _json_body(request)
    except SubscriptionInvalid as exc:
        return _error(str(exc))
    with translation.override(_language(request, data)):
        if not allow(request, SUBSCRIBE_LIMIT):
            return _error(_("요청이 너무 많습니다. 잠시 후 다시 시도해 주세요."), status=429)
        try:
            subscriber_update(
                subscriber=subscriber,
                places=data.get("places"),
                household=data.get("household"),
                language=data.get("language"),
            )
        except SubscriptionInvalid as exc:
            return _error(str(exc))
        return JsonResponse(_described(subscriber))


@require_POST
def contact(request: HttpRequest) -> JsonResponse:
    """Subscribe an e-mail address (confirmed by a link) or a mobile number (confirmed by a code)."""
    try:
        data = _json_body(request)
    except SubscriptionInvalid as exc:
        return _error(str(exc))
    with translation.override(_language(request, data)):
        if not allow(request, SUBSCRIBE_LIMIT):
            return _error(_("요청이 너무 많습니다. 잠시 후 다시 시도해 주세요."), status=429)
        channel = str(data.get("channel") or "")
        try:
            subscriber = contact_subscribe(
                channel=channel,
                contact=data.get("contact"),
                places=data.get("places"),
                household=data.get("household"),
                language=_language(request, data),
            )
        except SubscriptionInvalid as exc:
            return _error(str(exc))
        if channel == Subscriber.Channel.EMAIL:
            message = _("확인 메일을 보냈습니다. 메일의 링크를 열면 알림 신청이 끝납니다.")
            return JsonResponse({"message": message}, status=202)
        message = _("확인 번호를 문자로 보냈습니다. 받은 번호를 입력해 주세요.")
        # The token is needed to send the code back; it reveals nothing about the number.
        return JsonResponse({"message": message, "token": str(subscriber.token)}, status=202)


@require_POST
def contact_confirm(request: HttpRequest, token: str) -> JsonResponse:
    subscriber = get_object_or_404(Subscriber, token=token, channel=Subscriber.Channel.SMS)
    try:
        data = _json_body(request)
    except SubscriptionInvalid as exc:
        return _error(str(exc))
    with translation.override(_language(request, data)):
        if not allow(request, CONFIRM_LIMIT, key=str(subscriber.token)):
            return _error(
                _("확인 번호를 너무 여러 번 틀렸습니다. 한 시간 뒤에 다시 시도해 주세요."), status=429
            )
        try:
            confirm_by_code(subscriber=subscriber, code=data.get("code"))
        except SubscriptionInvalid as exc:
            return _error(str(exc))
        return JsonResponse(_described(subscriber))


@require_http_methods(["GET", "POST"])
def confirm_link(request: HttpRequest, signed: str) -> HttpResponse:
    """The link in the confirmation e-mail. GET only shows a button, so a mail scanner that opens links
    does not subscribe anyone; the resident's POST confirms."""
    done, error = False, ""
    if request.method == "POST":
        try:
            subscriber = confirm_by_link(token=signed)
        except SubscriptionInvalid as exc:
            error = str(exc)
        else:
            done = True
            translation.activate(subscriber.language)
    return render(
        request,
        "safety/push_confirm.html",
        {"action": "confirm", "done": done, "error": error},
        status=400 if error else 200,
    )


@require_http_methods(["GET", "POST"])
def unsubscribe_link(request: HttpRequest, token: str) -> HttpResponse:
    """The "stop these alerts" link in every alert e-mail; the same two steps as confirming."""
    subscriber = Subscriber.objects.filter(token=token).first()
    done = False
    if request.method == "POST" and subscriber is not None:
        subscriber_delete(subscriber=subscriber)
        done = True
    return render(
        request,
        "safety/push_confirm.html",
        {"action": "unsubscribe", "done": done or subscriber is None, "error": ""},
    )
