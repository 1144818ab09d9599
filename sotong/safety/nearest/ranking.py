"""The ranking of the nearest suitable facilities (the API's, the pages' and the Kakao skill's; safety.js
ranks the same way on the device): for an earthquake open-air sites before housing; then 500 m distance
bands; within a band facilities with a known capacity first; then distance. Open now only, unless asked."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from django.utils import translation

from sotong.core.geo import distance_m
from sotong.safety.choices import FacilityKind, Hazard
from sotong.safety.models import Facility
from sotong.safety.nearest.geometry import M_PER_DEGREE, bearing, compass
from sotong.safety.nearest.records import FacilityIndex, FacilityRecord, HazardTable, language_code

DEFAULT_LIMIT = 5
MAX_LIMIT = 20
BAND_M = 500.0
# One sort key per facility: tier (earthquake: open-air first), then the 500 m band, then a known
# capacity, then the distance (metres, < 1e7).
TIER_WEIGHT = 1e13
BAND_WEIGHT = 1e8
CAPACITY_WEIGHT = 1e7


@dataclass(frozen=True, slots=True)
class Nearby:
    """One answer of `nearest_shelters`: the facility, how far and which way from the resident."""

    record: FacilityRecord
    distance_m: int
    bearing_deg: int
    open_now: bool

    @property
    def facility(self) -> Facility:
        return self.record.facility

    @property
    def name(self) -> str:
        return self.record.names[language_code(translation.get_language())]

    @property
    def compass(self) -> str:
        return compass(self.bearing_deg)


def hazard_table(hazard: str, records: list[FacilityRecord]) -> HazardTable:
    """The facilities that suit ``hazard``, with the part of their sort key that does not depend on where
    the resident is."""
    chosen = [r for r in records if hazard in r.hazards]
    tier = [
        0 if hazard != Hazard.EARTHQUAKE or r.kind == FacilityKind.EARTHQUAKE_OUTDOOR else 1 for r in chosen
    ]
    no_capacity = [0 if r.capacity else 1 for r in chosen]
    return HazardTable(
        records=chosen,
        lat=np.array([r.lat for r in chosen], dtype=float),
        lon=np.array([r.lon for r in chosen], dtype=float),
        static_key=np.array(tier, dtype=float) * TIER_WEIGHT
        + np.array(no_capacity, dtype=float) * CAPACITY_WEIGHT,
    )


def rank(
    index: FacilityIndex,
    *,
    lat: float,
    lon: float,
    hazard: str,
    limit: int,
    at: datetime,
    open_only: bool = True,
) -> list[Nearby]:
    table = index.tables.get(hazard)
    if table is None or not table.records:
        return []
    # Equirectangular distance to order (within a district it differs from the great circle by
    # millimetres); the distance reported is the haversine one.
    dy = table.lat - lat
    dx = (table.lon - lon) * math.cos(math.radians(lat))
    dist = np.sqrt(dx * dx + dy * dy) * M_PER_DEGREE
    order = np.argsort(table.static_key + np.floor(dist / BAND_M) * BAND_WEIGHT + dist, kind="stable")
    flags = index.open_flags(at)
    found: list[Nearby] = []
    for i in order.tolist():
        record = table.records[i]
        is_open = flags[record.id]
        if open_only and not is_open:
            continue
        found.append(
            Nearby(
                record=record,
                distance_m=round(distance_m(lat, lon, record.lat, record.lon)),
                bearing_deg=bearing(lat, lon, record.lat, record.lon),
                open_now=is_open,
            )
        )
        if len(found) >= limit:
            break
    return found
