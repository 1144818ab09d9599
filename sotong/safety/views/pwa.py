"""The safety pages as an installable, offline-first web app: the service worker, its offline page and
the web app manifest (docs/decisions: the PWA record)."""

from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from sotong.safety.models import ActionGuide

# Bump when the precache list or the worker's logic changes, or the pages' scripts and what the pages give
# them change together (without hashed static names a worker keeps serving the old script), so that browsers
# take the new worker.
SW_VERSION = "3"


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    return render(request, "safety/offline.html", {"guides": list(ActionGuide.objects.all())})


def _precache_urls() -> list[str]:
    pages = [
        reverse("safety:home"),
        reverse("safety:guides"),
        reverse("safety:map"),
        reverse("safety:offline"),
        reverse("safety:manifest"),
        *(reverse("safety:guide", kwargs={"hazard": g.hazard}) for g in ActionGuide.objects.all()),
    ]
    assets = [
        static("sotong/css/site.css"),
        static("sotong/img/favicon.svg"),
        static("safety/safety.css"),
        static("safety/safety.js"),
        static("safety/sw-register.js"),
        static("safety/sync.js"),
        static("safety/map.js"),
        static("safety/icons/icon-192.png"),
        static("safety/icons/icon-512.png"),
        static("vendor/leaflet/leaflet.js"),
        static("vendor/leaflet/leaflet.css"),
        static("vendor/leaflet/images/marker-icon.png"),
        static("vendor/leaflet/images/marker-icon-2x.png"),
        static("vendor/leaflet/images/marker-shadow.png"),
        static("vendor/leaflet.markercluster/leaflet.markercluster.js"),
        static("vendor/leaflet.markercluster/MarkerCluster.css"),
        static("vendor/leaflet.markercluster/MarkerCluster.Default.css"),
    ]
    return pages + assets


@require_GET
@cache_control(no_cache=True, max_age=0)
def service_worker(request: HttpRequest) -> HttpResponse:
    """The worker for this language's safety pages. Served from /safety/sw.js (or /en/safety/sw.js …)
    so its default scope is exactly this language's /safety/ (docs/decisions: the PWA record)."""
    lang = (get_language() or "ko").lower()
    config = {
        "version": f"{SW_VERSION}-{lang}",
        "lang": lang,
        "scope": reverse("safety:home"),
        "offline": reverse("safety:offline"),
        "precache": _precache_urls(),
        "facilities": "/api/safety/facilities.json",
        "static": settings.STATIC_URL,
        "icon": static("safety/icons/icon-192.png"),
        "name": _("내손안의 안전"),
        "push_handler": static("connectors/push-handler.js"),
    }
    body = render(request, "safety/sw.js", {"config": json.dumps(config, ensure_ascii=False)}).content
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    return response


@require_GET
@cache_control(max_age=3600)
def manifest(request: HttpRequest) -> HttpResponse:
    from sotong.core.templatetags.sotong_tags import lang_tag

    scope = reverse("safety:home")
    data = {
        "name": _("내손안의 안전 — 영등포구"),
        "short_name": _("내손안의 안전"),
        "description": _("내 장소 근처의 대피 장소와 재난별 행동요령. 인터넷이 끊겨도 볼 수 있습니다."),
        "lang": lang_tag(),
        "dir": "ltr",
        "start_url": scope,
        "scope": scope,
        "id": scope,
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#083a73",
        "icons": [
            {"src": static("safety/icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("safety/icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("safety/icons/icon-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    return HttpResponse(
        json.dumps(data, ensure_ascii=False), content_type="application/manifest+json; charset=utf-8"
    )
