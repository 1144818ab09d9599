"""From what outside alerts say to what Sotong knows: our hazards and our dongs."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from sotong.safety.choices import Hazard

# Order matters: 지진해일 before 지진, 태풍 before 호우 (a typhoon brings rain too).
HAZARD_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (Hazard.TSUNAMI, ("지진해일", "쓰나미", "tsunami", "海啸")),
    (Hazard.EARTHQUAKE, ("지진", "earthquake", "地震")),
    (Hazard.TYPHOON, ("태풍", "typhoon", "hurricane", "tropical storm", "台风")),
    (Hazard.FLOOD, ("호우", "홍수", "침수", "범람", "flood", "heavy rain", "暴雨", "洪水")),
    (Hazard.HEAT, ("폭염", "무더위", "heat", "高温")),
    (Hazard.COLD, ("한파", "cold", "freeze", "寒潮")),
    (Hazard.FIRE, ("화재", "산불", "wildfire", "fire", "火灾")),
    (Hazard.AIR_RAID, ("민방공", "공습", "경계경보", "air raid", "missile", "空袭")),
    (Hazard.FINE_DUST, ("미세먼지", "황사", "dust", "air quality", "雾霾", "沙尘")),
    (Hazard.INFECTIOUS_DISEASE, ("감염병", "전염병", "disease", "epidemic", "pandemic", "传染病")),
    (Hazard.POWER_OUTAGE, ("정전", "power outage", "blackout", "停电")),
    (Hazard.GAS_LEAK, ("가스", "gas leak", "燃气")),
)
# SAME event codes (US EAS), which many CAP producers use in <eventCode>.
SAME_CODES = {
    "EQW": Hazard.EARTHQUAKE,
    "TSW": Hazard.TSUNAMI,
    "TSA": Hazard.TSUNAMI,
    "FFW": Hazard.FLOOD,
    "FFA": Hazard.FLOOD,
    "FLW": Hazard.FLOOD,
    "FLA": Hazard.FLOOD,
    "HUW": Hazard.TYPHOON,
    "HUA": Hazard.TYPHOON,
    "TRW": Hazard.TYPHOON,
    "TRA": Hazard.TYPHOON,
    "FRW": Hazard.FIRE,
    "POS": Hazard.POWER_OUTAGE,
}


def hazard_for(*texts: str, codes: Iterable[tuple[str, str]] = ()) -> str:
    """Our hazard for an event name, headline or event codes; "" when none fits."""
    for name, value in codes:
        if name in {"SOTONG_HAZARD"} and value in Hazard.values:
            return value
        if name.upper() == "SAME" and value.upper() in SAME_CODES:
            return SAME_CODES[value.upper()]
    for text in texts:
        lowered = (text or "").lower()
        for hazard, words in HAZARD_WORDS:
            if any(word in lowered for word in words):
                return hazard
    return ""


D = TypeVar("D")


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


def dongs_named(text: str, dongs: Sequence[D]) -> list[D]:
    squashed = _squash(text)
    return [d for d in dongs if _squash(getattr(d, "name_ko", "")) and _squash(d.name_ko) in squashed]  # type: ignore[attr-defined]


def region_dongs(
    regions: Iterable[str], *, dongs: Sequence[D], district_names: Iterable[str], aliases: Iterable[str]
) -> list[D]:
    """The dongs a list of region names covers: a region naming our dongs covers those; naming the
    district, or one of `aliases` (the city as a whole, the KMA warning zone we are in), covers all."""
    district = [_squash(n) for n in district_names if n]
    whole = {_squash(a) for a in aliases if a}
    found: list[D] = []
    for region in regions:
        squashed = _squash(region)
        if not squashed:
            continue
        if squashed in whole:
            return list(dongs)
        if any(name in squashed for name in district):
            named = dongs_named(region, dongs)
            if not named:
                return list(dongs)
            found += [d for d in named if d not in found]
    return found


def points_inside(areas: list[dict[str, Any]], points: Sequence[tuple[D, float, float]]) -> list[D]:
    """The items whose point lies in any polygon or circle of `areas` (our JSON shapes)."""
    from sotong.core.geo import distance_m

    inside: list[D] = []
    for item, lat, lon in points:
        for shape in areas:
            if shape.get("type") == "circle":
                hit = distance_m(lat, lon, float(shape["lat"]), float(shape["lon"])) <= float(
                    shape["radius_m"]
                )
            elif shape.get("type") == "polygon":
                hit = point_in_polygon(lat, lon, shape.get("points", []))
            else:
                hit = False
            if hit:
                inside.append(item)
                break
    return inside


def point_in_polygon(lat: float, lon: float, points: Sequence[Sequence[float]]) -> bool:
    """Ray casting on (lat, lon) pairs; fine at a district's scale."""
    inside = False
    count = len(points)
    for i in range(count):
        lat1, lon1 = points[i][0], points[i][1]
        lat2, lon2 = points[(i + 1) % count][0], points[(i + 1) % count][1]
        if (lon1 > lon) != (lon2 > lon):
            crossing = lat1 + (lon - lon1) * (lat2 - lat1) / (lon2 - lon1)
            if lat < crossing:
                inside = not inside
    return inside
