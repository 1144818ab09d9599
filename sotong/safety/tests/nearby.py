"""Facilities around 당산역 for the API tests (shared by test_api_*.py, test_nearest*.py, test_fastpath*.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sotong.safety.models import Facility
from sotong.safety.nearest import index
from sotong.safety.nearest.records import FacilityIndex

HERE = (37.5340, 126.9020)  # 당산역 부근
# About 111 m a thousandth of a degree of latitude.
NORTH_M = 1 / 111_195


def facility(*, name: str, north_m: float = 0.0, east_m: float = 0.0, **fields: Any) -> Facility:
    fields.setdefault("kind", "temporary_housing")
    fields.setdefault("setting", "indoor")
    fields.setdefault("always_open", True)
    fields.setdefault("checked_on", date(2026, 3, 1))
    return Facility.objects.create(
        name_ko=name,
        lat=HERE[0] + north_m * NORTH_M,
        lon=HERE[1] + east_m * NORTH_M / 0.7929,  # cos(37.53°)
        **fields,
    )


def warm() -> FacilityIndex:
    """Rebuild the index in the test's thread (it sees the test's transaction)."""
    index.invalidate()
    return index.current_index()


def query(**params: Any) -> str:
    params.setdefault("lat", HERE[0])
    params.setdefault("lon", HERE[1])
    return "&".join(f"{k}={v}" for k, v in params.items())
