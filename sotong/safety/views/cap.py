"""The district's CAP 1.2 feed: /cap/ (Atom index) and /cap/<id>.xml (one CAP document per alert)."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.http import require_safe

from sotong.organisation.selectors import current_district
from sotong.safety.cap.build import LANGUAGES, build_atom, build_cap
from sotong.safety.models import Alert
from sotong.safety.selectors.alerts import feed_alerts, published_local

CACHE_SECONDS = 60


def _absolute(request: HttpRequest, location: str) -> str:
    return request.build_absolute_uri(location)


def _alert_page(request: HttpRequest, alert: Alert, django_lang: str) -> str:
    with translation.override(django_lang):
        return _absolute(request, reverse("safety:alert_detail", args=[alert.pk]))


def _sender_names() -> dict[str, str]:
    district = current_district()
    if district is None:
        return {"ko": str(settings.WAGTAIL_SITE_NAME)}
    return {
        "ko": district.name_ko,
        "en": district.name_en or district.name_ko,
        "zh": district.name_zh or district.name_ko,
    }


@require_safe
def cap_document(request: HttpRequest, pk: int) -> HttpResponse:
    alert = published_local(pk=pk)
    if alert is None:
        raise Http404
    body = build_cap(
        alert,
        dongs=list(alert.dongs.all()),
        shelters=list(alert.shelters.all()),
        web_url={short: _alert_page(request, alert, lang) for short, _tag, lang in LANGUAGES},
        sender_name=_sender_names(),
    )
    response = HttpResponse(body, content_type="application/cap+xml; charset=utf-8")
    response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    return response


@require_safe
def cap_feed(request: HttpRequest) -> HttpResponse:
    alerts = list(feed_alerts())
    names = _sender_names()
    entries = [
        {
            "id": f"urn:cap:{alert.sender}:{alert.identifier}",
            "title": alert.headline_ko,
            "summary": alert.description_ko[:500],
            "updated": alert.sent,
            "cap_url": _absolute(request, reverse("safety_cap:document", args=[alert.pk])),
            "page_url": _alert_page(request, alert, "ko"),
        }
        for alert in alerts
    ]
    body = build_atom(
        entries,
        feed_id=f"urn:cap:{settings.SOTONG_DISTRICT_DOMAIN}:feed",
        title=f"{names['ko']} CAP",
        self_url=_absolute(request, reverse("safety_cap:feed")),
        updated=max((a.sent for a in alerts), default=timezone.now()),
    )
    response = HttpResponse(body, content_type="application/atom+xml; charset=utf-8")
    response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    return response
