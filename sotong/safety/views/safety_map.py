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
from sotong.safety.choices import Hazard
from sotong.safety.models import MapLayer
from sotong.safety.selectors.alerts import active_alerts
from sotong.safety.selectors.facilities import layer_features, layer_hazards, public_layers, shelter_layers
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
    summaries = public_layers()
    # The map opens with a few layers, not all of them: those for the hazards of the alerts in force, else
    # the shelters. The others are one tap away, and map.js keeps the resident's own choice on the device.
    in_force = {hazard for hazard in active_alerts().values_list("hazard", flat=True) if hazard}
    hazards = {s.layer.slug: layer_hazards(layer=s.layer) & in_force for s in summaries}
    for_alerts = {slug for slug, matched in hazards.items() if matched}
    shown = for_alerts or shelter_layers(layers=[s.layer for s in summaries])
    alert_hazards = sorted(set().union(*hazards.values()), key=lambda h: Hazard.values.index(h))
    layers = []
    for summary in summaries:
        layer = summary.layer
        layers.append(
            {
                "layer": layer,
                "rows": _layer_rows(layer),
                "stale": layer.is_stale(today),
                "months": months_ago(layer.reviewed_on, today) if layer.reviewed_on else None,
                "shown": layer.slug in shown,
                "for_alert": layer.slug in for_alerts,
            }
        )
    return render(
        request,
        "safety/map.html",
        {
            "layers": layers,
            "alert_hazards": ", ".join(str(Hazard(h).label) for h in alert_hazards),
            "client": {
                "urls": page_urls(),
                "lang": language_suffix(),
                "tiles": settings.SAFETY_TILE_URL,
                "attribution": settings.SAFETY_TILE_ATTRIBUTION,
                "strings": {"layers": _("레이어"), "legend": _("범례"), "list": _("목록으로 보기")},
            },
        },
    )
