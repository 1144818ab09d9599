"""The one public endpoint of Web Push: the site's VAPID public key, which a page hands to the browser's
PushManager. Shared by every "tell me later" (safety's alerts at /api/safety/push/vapid-public-key, 소통TV's
reminders at /tv/push/vapid-public-key)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from sotong.connectors.webpush.vapid import application_server_key


@require_GET
def vapid_public_key(request: HttpRequest) -> JsonResponse:
    unavailable = JsonResponse({"error": _("웹 푸시 알림을 지금은 쓸 수 없습니다.")}, status=503)
    if not settings.WEBPUSH_ENABLED:
        return unavailable
    try:
        key = application_server_key()
    except ImproperlyConfigured:
        return unavailable
    return JsonResponse({"publicKey": key})
