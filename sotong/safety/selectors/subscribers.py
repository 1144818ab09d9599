"""Whom an alert reaches: the confirmed subscribers with a place in its area, and for an update or a
cancellation also everyone the earlier messages of its chain reached or were about to reach, so nobody is
told of a warning and never told it ended.

A place matches when its dong is one of the alert's chosen dongs, or it lies in one of the alert's polygons
or within one of its circles. Polygons and circles are pre-filtered in SQL by their bounding box on the
(lat, lon) index, then tested exactly in Python."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from sotong.core.geo import bounding_box, distance_m
from sotong.safety.cap.mapping import point_in_polygon
from sotong.safety.models import Alert, AlertNotice, SubscriberPlace

# A notice whose `failed` starts so will never be sent (the push service refused it for good).
PERMANENT = "permanent: "
# Places read from the database at a time when testing shapes.
BATCH = 5000


def _in_shape(lat: float, lon: float, shape: dict[str, Any]) -> bool:
    if shape.get("type") == "circle":
        return distance_m(lat, lon, float(shape["lat"]), float(shape["lon"])) <= float(shape["radius_m"])
    if shape.get("type") == "polygon":
        return point_in_polygon(lat, lon, shape.get("points") or [])
    return False


def _shape_box(shape: dict[str, Any]) -> tuple[float, float, float, float] | None:
    """(min_lat, max_lat, min_lon, max_lon) of a shape, or None if it is not one we read."""
    try:
        if shape.get("type") == "circle":
            return bounding_box(float(shape["lat"]), float(shape["lon"]), float(shape["radius_m"]))
        if shape.get("type") == "polygon":
            points = shape.get("points") or []
            if len(points) < 3:
                return None
            lats = [float(p[0]) for p in points]
            lons = [float(p[1]) for p in points]
            return min(lats), max(lats), min(lons), max(lons)
    except (KeyError, TypeError, ValueError, IndexError):
        return None
    return None


def chain_of(alert: Alert) -> list[int]:
    """The earlier alerts an update or cancellation refers to (by `supersedes` and CAP references)."""
    found: list[int] = []
    current: Alert | None = alert
    seen = {alert.pk}
    while current is not None and current.supersedes_id and current.supersedes_id not in seen:
        seen.add(current.supersedes_id)
        found.append(current.supersedes_id)
        current = Alert.objects.filter(pk=current.supersedes_id).first()
    pairs = []
    for reference in alert.references or []:
        parts = str(reference).split(",")
        if len(parts) >= 2:
            pairs.append(Q(sender=parts[0], identifier=parts[1]))
    if pairs:
        query = pairs[0]
        for extra in pairs[1:]:
            query |= extra
        found += [pk for pk in Alert.objects.filter(query).values_list("pk", flat=True) if pk not in seen]
    return found


def matching_subscriber_ids(alert: Alert) -> set[int]:
    ids: set[int] = set()
    dong_ids = list(alert.dongs.values_list("pk", flat=True))
    if dong_ids:
        ids.update(
            SubscriberPlace.objects.filter(dong_id__in=dong_ids, subscriber__confirmed=True).values_list(
                "subscriber_id", flat=True
            )
        )
    for shape in alert.areas or []:
        if not isinstance(shape, dict):
            continue
        box = _shape_box(shape)
        if box is None:
            continue
        min_lat, max_lat, min_lon, max_lon = box
        candidates = (
            SubscriberPlace.objects.filter(
                lat__gte=min_lat,
                lat__lte=max_lat,
                lon__gte=min_lon,
                lon__lte=max_lon,
                subscriber__confirmed=True,
            )
            .values_list("subscriber_id", "lat", "lon")
            .iterator(chunk_size=BATCH)
        )
        ids.update(sid for sid, lat, lon in candidates if sid not in ids and _in_shape(lat, lon, shape))
    if alert.msg_type in ("Update", "Cancel"):
        earlier = chain_of(alert)
        if earlier:
            # Delivered or still to be sent: the earlier message's chunks stop once it is superseded
            # or cancelled (skip_reason), so this message is the one its pending notices get.
            ids.update(
                AlertNotice.objects.filter(alert_id__in=earlier, subscriber__confirmed=True)
                .exclude(failed__startswith=PERMANENT)
                .values_list("subscriber_id", flat=True)
            )
    return ids
