"""The ingest front's callbacks. nginx with the RTMP module (the scaled shape) asks before it takes a
stream (``on_publish``) and tells when it ends (``on_publish_done``), each a form POST with the
stream name (our stream key) in ``name`` and the encoder's address in ``addr``. A 2xx answer lets the
stream in, 4xx drops the connection before any video is accepted, and a 3xx renames the stream to the
``Location`` header: the key never reaches a playlist's address (nginx-rtmp's notify module).
"""

from __future__ import annotations

import hmac
import ipaddress

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from sotong.tv.services.ingest import publish_end, publish_start

INGEST = "nginx"


def _authorised(request: HttpRequest) -> bool:
    if not settings.TV_INGEST_SECRET:
        raise Http404
    given = request.GET.get("secret", "")
    return hmac.compare_digest(given.encode(), settings.TV_INGEST_SECRET.encode())


def _address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def _text(body: str, status: int) -> HttpResponse:
    return HttpResponse(body + "\n", status=status, content_type="text/plain; charset=utf-8")


@csrf_exempt
@require_POST
def on_publish(request: HttpRequest) -> HttpResponse:
    if not _authorised(request):
        return _text("forbidden", 403)
    if request.POST.get("call") != "publish":
        return _text("expected call=publish", 400)
    decision = publish_start(
        request.POST.get("name", ""), remote_addr=_address(request.POST.get("addr", "")), ingest=INGEST
    )
    if not decision.accepted:
        return _text(decision.outcome, 403)
    response = _text(decision.stream_name, 302)
    response["Location"] = decision.stream_name
    return response


@csrf_exempt
@require_POST
def on_publish_done(request: HttpRequest) -> HttpResponse:
    if not _authorised(request):
        return _text("forbidden", 403)
    if request.POST.get("call") != "publish_done":
        return _text("expected call=publish_done", 400)
    decision = publish_end(
        request.POST.get("name", ""), remote_addr=_address(request.POST.get("addr", "")), ingest=INGEST
    )
    return _text(decision.outcome, 200)
