"""The ingest front's callbacks. nginx with the RTMP module (the scaled shape) asks before it takes a
stream (``on_publish``) and tells when it ends (``on_publish_done``), each a form POST with the
stream name (our stream key) in ``name`` and the encoder's address in ``addr``. A 2xx answer lets the
stream in and 4xx drops the connection before any video is accepted. An accepted stream is answered with
a 3xx whose ``Location`` is an rtmp:// URL: nginx then relays it to its HLS application under the public
name (``b<id>``), which writes the playlist and segments, so the key never names a file. (A plain name in
``Location`` is logged as a rename by nginx-rtmp 1.2.2, yet its HLS still wrote files named after the key:
tests/processes/test_tv_nginx.py.)
"""

from __future__ import annotations

import hmac
import ipaddress

from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from sotong.core.queue import enqueue_on_commit
from sotong.tv.models import Broadcast, SignalLoss
from sotong.tv.services.health import signal_back, signal_lost
from sotong.tv.services.ingest import publish_end, publish_start
from sotong.tv.services.recordings import nginx_recorded_file

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
    with transaction.atomic():
        decision = publish_start(
            request.POST.get("name", ""), remote_addr=_address(request.POST.get("addr", "")), ingest=INGEST
        )
        if decision.broadcast is not None:
            signal_back(
                broadcast_id=decision.broadcast.pk
            )  # an encoder back after a drop: the loss is closed
    if not decision.accepted:
        return _text(decision.outcome, 403)
    # An rtmp:// Location makes nginx relay the stream to its HLS application under the public name.
    location = f"{settings.TV_NGINX_HLS_APP.rstrip('/')}/{decision.stream_name}"
    response = _text(location, 302)
    response["Location"] = location
    return response


@csrf_exempt
@require_POST
def on_publish_done(request: HttpRequest) -> HttpResponse:
    if not _authorised(request):
        return _text("forbidden", 403)
    if request.POST.get("call") != "publish_done":
        return _text("expected call=publish_done", 400)
    with transaction.atomic():  # one commit: whoever sees the encoder gone sees the loss too
        decision = publish_end(
            request.POST.get("name", ""), remote_addr=_address(request.POST.get("addr", "")), ingest=INGEST
        )
        if decision.broadcast is not None:
            # nginx cannot tell a drop from OBS's "stop streaming": either way the broadcast is live without a
            # picture until the encoder reconnects or the producer ends it, so the producer is told (no slate).
            signal_lost(broadcast_id=decision.broadcast.pk, cause=SignalLoss.Cause.DROPPED, slate=False)
    return _text(decision.outcome, 200)


@csrf_exempt
@require_POST
def on_record_done(request: HttpRequest) -> HttpResponse:
    """nginx finished recording a connection (its HLS application's ``record``, ``record_unique on``): the
    file becomes a part of the broadcast's recording, remuxed by a worker. Only a file named for the stream,
    directly in TV_NGINX_RECORD_DIR, is taken."""
    from sotong.tv.tasks import adopt_nginx_recording

    if not _authorised(request):
        return _text("forbidden", 403)
    if request.POST.get("call") != "record_done":
        return _text("expected call=record_done", 400)
    found = nginx_recorded_file(request.POST.get("name", ""), request.POST.get("path", ""))
    if found is None:
        return _text("not a recording of ours", 400)
    pk, file, started = found
    if not Broadcast.objects.filter(pk=pk).exists():
        return _text("no such broadcast", 404)
    enqueue_on_commit(adopt_nginx_recording, broadcast_id=pk, path=str(file), started_at=started.isoformat())
    return _text("adopting", 200)
