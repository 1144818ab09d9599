"""GeoJSON in and out: a FeatureCollection of Points whose properties are our facility fields.

Export is what other systems (and the map API) take; import reads the same shape back, so a
district can move its registry between installations or keep it in a repository."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _

from sotong.safety.choices import FacilityKind, Hazard, Setting
from sotong.safety.importers.common import (
    FacilityRecord,
    ImportFileError,
    Parsed,
    RowError,
    check_in_korea,
    decode,
    parse_rows,
    require_name,
)
from sotong.safety.models import Facility

# Properties copied both ways as they are.
TEXT_FIELDS = ("name_en", "name_zh", "address", "floor", "hours_note", "phone", "note")
OPTIONAL_FIELDS = ("capacity", "area_m2", "step_free", "has_lift")


def feature(facility: Facility) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "id": f"{facility.source}:{facility.source_id}" if facility.source_id else f"sotong:{facility.pk}",
        "kind": facility.kind,
        "name_ko": facility.name_ko,
        **{name: getattr(facility, name) for name in TEXT_FIELDS},
        "dong": facility.dong.code if facility.dong_id and facility.dong else None,
        "setting": facility.setting,
        **{name: getattr(facility, name) for name in OPTIONAL_FIELDS},
        "always_open": facility.always_open,
        "opening_hours": facility.opening_hours,
        "hazards": facility.hazards(),
        "extra_hazards": facility.extra_hazards,
        "source": facility.source,
        "source_id": facility.source_id,
        "checked_on": facility.checked_on.isoformat() if facility.checked_on else None,
        "is_sample": facility.is_sample,
        "is_active": facility.is_active,
    }
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [round(facility.lon, 6), round(facility.lat, 6)]},
        "properties": properties,
    }


def feature_collection(facilities: Iterable[Facility]) -> dict[str, Any]:
    """The facilities as a GeoJSON FeatureCollection (RFC 7946: WGS84, longitude first)."""
    return {"type": "FeatureCollection", "features": [feature(f) for f in facilities]}


def parse(data: bytes) -> Parsed:
    try:
        document = json.loads(decode(data))
    except ValueError as exc:
        raise ImportFileError(_("JSON 형식이 아닙니다: %(error)s") % {"error": exc}) from exc
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise ImportFileError(_("GeoJSON FeatureCollection이 아닙니다."))
    features = document.get("features")
    if not isinstance(features, list):
        raise ImportFileError(_("GeoJSON FeatureCollection이 아닙니다."))
    return parse_rows(enumerate(features, start=1), _record)


def _choice(value: Any, choices: type[Any], *, what: str, default: str | None = None) -> str:
    if value in (None, "") and default is not None:
        return default
    if value not in choices.values:
        raise RowError(_("%(what)s 값이 올바르지 않습니다: %(value)r") % {"what": what, "value": value})
    return str(value)


def _record(line: int, item: Mapping[str, Any]) -> FacilityRecord:
    if not isinstance(item, dict) or item.get("type") != "Feature":
        raise RowError(_("Feature가 아닙니다."))
    geometry = item.get("geometry") or {}
    coordinates = geometry.get("coordinates") if isinstance(geometry, dict) else None
    if geometry.get("type") != "Point" or not isinstance(coordinates, list) or len(coordinates) < 2:
        raise RowError(_("점(Point) 도형이 아닙니다."))
    try:
        lon, lat = float(coordinates[0]), float(coordinates[1])
    except (TypeError, ValueError) as exc:
        raise RowError(_("좌표가 숫자가 아닙니다.")) from exc
    check_in_korea(lat, lon)
    props = item.get("properties") or {}
    if not isinstance(props, dict):
        raise RowError(_("properties가 객체가 아닙니다."))
    name = require_name(str(props.get("name_ko") or props.get("name") or "").strip())
    hazards = props.get("extra_hazards") or []
    if not isinstance(hazards, list) or any(h not in Hazard.values for h in hazards):
        raise RowError(
            _("%(what)s 값이 올바르지 않습니다: %(value)r") % {"what": "extra_hazards", "value": hazards}
        )
    hours = props.get("opening_hours") or []
    if not isinstance(hours, list) or not all(
        isinstance(s, dict) and {"days", "open", "close"} <= set(s) for s in hours
    ):
        raise RowError(
            _("%(what)s 값이 올바르지 않습니다: %(value)r") % {"what": "opening_hours", "value": hours}
        )
    values: dict[str, Any] = {
        "kind": _choice(props.get("kind"), FacilityKind, what="kind"),
        "name_ko": name,
        "lat": round(lat, 7),
        "lon": round(lon, 7),
        "setting": _choice(props.get("setting"), Setting, what="setting", default=Setting.INDOOR),
        "always_open": bool(props.get("always_open", False)),
        "opening_hours": hours,
        "extra_hazards": hazards,
    }
    for name_ in TEXT_FIELDS:
        if props.get(name_) not in (None, ""):
            values[name_] = str(props[name_])[:300]
    for name_ in OPTIONAL_FIELDS:
        value = props.get(name_)
        if value is None:
            continue
        wanted = (
            bool if name_ in ("step_free", "has_lift") else (int if name_ == "capacity" else (int, float))
        )
        if isinstance(value, bool) is not (wanted is bool) or not isinstance(value, wanted):
            raise RowError(_("%(what)s 값이 올바르지 않습니다: %(value)r") % {"what": name_, "value": value})
        values[name_] = value
    source_id = str(props.get("source_id") or props.get("id") or "").strip()
    if not source_id:
        raise RowError(_("식별자(id)가 없습니다."))
    closed = props.get("is_active") is False
    return FacilityRecord(line=line, source_id=source_id[:120], values=values, closed=closed)
