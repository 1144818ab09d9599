"""The 재난안전생활지도: every public layer on a map, and the same content as a list under it for those who
cannot use the map."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from sotong.core.i18n import language_suffix
from sotong.safety.models import MapLayer
from sotong.safety.selectors.facilities import layer_features, public_layers
from sotong.safety.views.pages import page_urls


@dataclass(frozen=True)
class LayerRow:
    name: str
    address: str
    kind: str


def _layer_rows(layer: MapLayer) -> list[LayerRow]:
    """The list alternative of one layer: the same features the map shows (layer_features)."""
    rows = []
    for feature in layer_features(layer=layer):
        props = feature.get("properties") or {}
        geometry = feature.get("geometry") or {}
        if layer.source_type == MapLayer.Source.VOICE:
            # Residents' reports: what and when, never who or the exact address.
            name = str(props.get("category_name", ""))
            kind = f"{props.get('status_label', '')} · {props.get('reported_on', '')}"
        else:
            name = str(props.get("name") or layer.name)
            kind = str(props.get("kind_label") or _geometry_kind(str(geometry.get("type", ""))))
        rows.append(LayerRow(name=name, address=str(props.get("address") or ""), kind=kind))
    return rows


def _geometry_kind(geometry_type: str) -> str:
    return {
        "Point": _("지점"),
        "MultiPoint": _("지점"),
        "LineString": _("경로"),
        "MultiLineString": _("경로"),
        "Polygon": _("구역"),
        "MultiPolygon": _("구역"),
    }.get(geometry_type, _("도형"))


def months_ago(day: Any, today: Any) -> int:
    return (today.year - day.year) * 12 + (today.month - day.month) - (1 if today.day < day.day else 0)


@require_GET
def safety_map(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    layers = []
    for summary in public_layers():
        layer = summary.layer
        layers.append(
            {
                "layer": layer,
                "rows": _layer_rows(layer),
                "stale": layer.is_stale(today),
                "months": months_ago(layer.reviewed_on, today) if layer.reviewed_on else None,
            }
        )
    return render(
        request,
        "safety/map.html",
        {
            "layers": layers,
            "client": {
                "urls": page_urls(),
                "lang": language_suffix(),
                "tiles": settings.SAFETY_TILE_URL,
                "attribution": settings.SAFETY_TILE_ATTRIBUTION,
                "strings": {"layers": _("레이어"), "legend": _("범례"), "list": _("목록으로 보기")},
            },
        },
    )
