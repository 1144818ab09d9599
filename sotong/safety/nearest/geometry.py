"""Distance and direction between two points, in the words the answers use (compass points)."""

from __future__ import annotations

import math

from django.utils.translation import gettext as _

from sotong.core.geo import EARTH_RADIUS_M

# Metres per degree of latitude (and of longitude at the equator).
M_PER_DEGREE = EARTH_RADIUS_M * math.pi / 180
COMPASS = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")


def bearing(lat1: float, lon1: float, lat2: float, lon2: float) -> int:
    """Initial bearing from the first point to the second, in whole degrees clockwise from north."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dl = math.radians(lon2 - lon1)
    y = math.sin(dl) * math.cos(p2)
    x = math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl)
    return round(math.degrees(math.atan2(y, x))) % 360


def compass(bearing_deg: int) -> str:
    """The nearest of the eight compass points: "N", "NE", ..."""
    return COMPASS[round(bearing_deg / 45) % 8]


def compass_words() -> dict[str, str]:
    """Each compass point in the active language."""
    return {
        "N": _("북쪽"),
        "NE": _("북동쪽"),
        "E": _("동쪽"),
        "SE": _("남동쪽"),
        "S": _("남쪽"),
        "SW": _("남서쪽"),
        "W": _("서쪽"),
        "NW": _("북서쪽"),
    }
