"""Public, read-only JSON of the safety module: nearest shelters, the facilities for the PWA, map
layers. `fastpath.py` answers the first two before Django with the same bytes (`nearest`)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.views.decorators.http import require_GET

from sotong.safety.nearest.document import dumps
from sotong.safety.nearest.index import current_index
from sotong.safety.nearest.payload import (
    NEAREST_CACHE_CONTROL,
    ParamError,
    api_headers,
    error_payload,
    facilities_response,
    nearest_payload,
    parse_nearest,
    pick_language,
)
from sotong.safety.selectors.facilities import layer_features, public_layer, public_layers


def _json(
    body: bytes, *, status: int = 200, lang: str | None = None, cache: str | None = None
) -> HttpResponse:
    response = HttpResponse(body, status=status)
    for name, value in api_headers(lang=lang):
        response[name] = value
    if cache:
        response["Cache-Control"] = cache
    return response


def _lang(request: HttpRequest) -> str:
    return pick_language(request.GET.get("lang"), request.headers.get("Accept-Language"))


@require_GET
def shelters_nearest(request: HttpRequest) -> HttpResponse:
    lang = _lang(request)
    try:
        query = parse_nearest({k: request.GET[k] for k in request.GET}, lang)
    except ParamError as error:
        return _json(error_payload(error), status=400, lang=lang, cache="no-store")
    payload = nearest_payload(current_index(), query, at=timezone.now())
    return _json(dumps(payload), lang=lang, cache=NEAREST_CACHE_CONTROL)


@require_GET
def facilities_json(request: HttpRequest) -> HttpResponse:
    status, headers, body = facilities_response(
        current_index(),
        if_none_match=request.headers.get("If-None-Match"),
        accept_encoding=request.headers.get("Accept-Encoding"),
    )
    response = HttpResponse(body, status=status)
    for name, value in headers:
        response[name] = value
    return response


@require_GET
def layers_json(request: HttpRequest) -> HttpResponse:
    lang = _lang(request)
    today = timezone.localdate()
    with translation.override(lang):
        items = [
            {
                "slug": s.layer.slug,
                "name": s.layer.name,
                "description": s.layer.description,
                "source_type": s.layer.source_type,
                "department": s.layer.department.name,
                "department_code": s.layer.department.code,
                "data_source": s.layer.data_source,
                "licence": s.layer.licence,
                "reviewed_on": s.layer.reviewed_on.isoformat() if s.layer.reviewed_on else None,
                "days_since_review": (today - s.layer.reviewed_on).days if s.layer.reviewed_on else None,
                "stale": s.layer.is_stale(today),
                "colour": s.layer.colour,
                "count": s.count,
                "geojson_url": request.build_absolute_uri(f"/api/safety/layers/{s.layer.slug}.geojson"),
            }
            for s in public_layers()
        ]
    return _json(dumps({"layers": items}), lang=lang, cache="public, max-age=60")


@require_GET
def layer_geojson(request: HttpRequest, slug: str) -> HttpResponse:
    lang = _lang(request)
    layer = public_layer(slug=slug)
    if layer is None:
        raise Http404
    with translation.override(lang):
        document: dict[str, Any] = {
            "type": "FeatureCollection",
            "name": layer.name,
            "features": layer_features(layer=layer),
        }
    response = _json(dumps(document), lang=lang, cache="public, max-age=60")
    response["Content-Type"] = "application/geo+json"
    return response
