"""Reads of facilities and the map: the nearest suitable shelters, map layers and their features."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count
from django.utils import timezone

from sotong.safety.cap.mapping import HAZARD_WORDS
from sotong.safety.choices import KINDS_FOR_HAZARD
from sotong.safety.models import Facility, LayerFeature, MapLayer
from sotong.safety.nearest.index import current_index
from sotong.safety.nearest.ranking import DEFAULT_LIMIT, MAX_LIMIT, Nearby, rank


def nearest_shelters(
    *,
    lat: float,
    lon: float,
    hazard: str,
    limit: int = DEFAULT_LIMIT,
    at: datetime | None = None,
    open_only: bool = True,
) -> list[Nearby]:
    """The facilities that suit ``hazard`` nearest to (lat, lon), open at ``at`` (now) unless
    ``open_only`` is False, ranked as the API and the PWA rank them (see `nearest.ranking.rank`).
    Each answer's `name` follows the active language. Answers from the in-memory index, checked
    against the data version on every call (one query): pages and the Kakao skill are not the surge
    path, and a check per call keeps them exact after any change (or a test's rollback)."""
    limit = max(1, min(int(limit), MAX_LIMIT))
    return rank(
        current_index(max_age=0),
        lat=lat,
        lon=lon,
        hazard=hazard,
        limit=limit,
        at=at or timezone.now(),
        open_only=open_only,
    )


@dataclass(frozen=True)
class LayerSummary:
    layer: MapLayer
    count: int


def public_layers() -> list[LayerSummary]:
    """Public layers with their department and how many items each shows (three queries)."""
    from sotong.voice.selectors.public import reported_hazards

    layers = list(
        MapLayer.objects.filter(is_public=True)
        .select_related("department")
        .annotate(feature_count=Count("features"))
        .order_by("sort_order", "name_ko")
    )
    kind_counts: dict[str, int] = {
        row["kind"]: row["n"]
        for row in Facility.objects.filter(is_active=True).values("kind").annotate(n=Count("pk")).order_by()
    }
    voice_count: int | None = None
    out = []
    for layer in layers:
        if layer.source_type == MapLayer.Source.FACILITIES:
            count = sum(kind_counts.get(k, 0) for k in layer.facility_kinds or [])
        elif layer.source_type == MapLayer.Source.VOICE:
            if voice_count is None:
                voice_count = len(reported_hazards())
            count = voice_count
        else:
            count = layer.feature_count
        out.append(LayerSummary(layer=layer, count=count))
    return out


def layer_hazards(*, layer: MapLayer) -> set[str]:
    """The hazards a layer is for: a layer of facilities, those its kinds shelter residents from; a layer of
    its own shapes, those its name speaks of ("침수 위험 지역": floods)."""
    if layer.source_type == MapLayer.Source.FACILITIES:
        kinds = set(layer.facility_kinds or [])
        return {str(hazard) for hazard, suited in KINDS_FOR_HAZARD.items() if kinds & set(suited)}
    if layer.source_type == MapLayer.Source.VOICE:
        return set()
    names = f"{layer.name_ko} {layer.name_en}".lower()
    return {str(hazard) for hazard, words in HAZARD_WORDS if any(word in names for word in words)}


def shelter_layers(*, layers: list[MapLayer]) -> set[str]:
    """The slugs of the layers that shelter residents from the most hazards (the shelters' layer)."""
    counts = {layer.slug: len(layer_hazards(layer=layer)) for layer in layers}
    widest = max(counts.values(), default=0)
    return {slug for slug, count in counts.items() if widest and count == widest}


def public_layer(*, slug: str) -> MapLayer | None:
    return MapLayer.objects.filter(is_public=True, slug=slug).select_related("department").first()


def layer_features(*, layer: MapLayer) -> list[dict[str, Any]]:
    """GeoJSON Features of one layer (one query), in the active language."""
    if layer.source_type == MapLayer.Source.FACILITIES:
        return [
            _facility_feature(f)
            for f in Facility.objects.filter(is_active=True, kind__in=layer.facility_kinds or [])
        ]
    if layer.source_type == MapLayer.Source.VOICE:
        from sotong.voice.selectors.public import reported_hazards

        return [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [h.lon, h.lat]},
                "properties": {
                    "category": h.category,
                    "category_name": h.category_name,
                    "status": h.status,
                    "status_label": h.status_label,
                    "reported_on": h.reported_on.isoformat(),
                },
            }
            for h in reported_hazards()
        ]
    return [
        {
            "type": "Feature",
            "id": feature.pk,
            "geometry": feature.geometry,
            "properties": {"name": feature.name, **_plain(feature.properties)},
        }
        for feature in LayerFeature.objects.filter(layer=layer).order_by("pk")
    ]


def _plain(properties: Any) -> dict[str, Any]:
    if not isinstance(properties, dict):
        return {}
    return {str(k): v for k, v in properties.items() if isinstance(v, str | int | float | bool) or v is None}


def _facility_feature(f: Facility) -> dict[str, Any]:
    return {
        "type": "Feature",
        "id": f.pk,
        "geometry": {"type": "Point", "coordinates": [round(f.lon, 6), round(f.lat, 6)]},
        "properties": {
            "name": f.name,
            "kind": f.kind,
            "kind_label": str(f.get_kind_display()),
            "setting": f.setting,
            "capacity": f.capacity,
            "always_open": f.always_open,
            "hours_note": f.hours_note,
            "step_free": f.step_free,
            "has_lift": f.has_lift,
            "address": f.address,
            "phone": f.phone,
            "hazards": f.hazards(),
            "checked_on": f.checked_on.isoformat() if f.checked_on else None,
            "is_sample": f.is_sample,
        },
    }
