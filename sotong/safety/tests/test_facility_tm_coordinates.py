"""LOCALDATA's TM coordinates are EPSG:5174 (Korean 1985 / Modified Central Belt), checked against
places whose position is known independently."""

from __future__ import annotations

import pytest

from sotong.core.geo import distance_m
from sotong.safety.importers.tm import tm_to_wgs84, wgs84_to_tm

# Rows as LOCALDATA publishes them (Seoul open API LOCALDATA_* services: BPLCNM, RDNWHLADDR, X, Y).
JAMSIL_POOL_TM = (206383.829438022, 446030.128073052)  # 잠실실내수영장, 송파구 올림픽로 25
SAMWON_TOWER_TM = (202722.53183055, 444055.07069569)  # 삼원타워, 강남구 테헤란로 124


def test_a_published_localdata_row_lands_on_its_building() -> None:
    lat, lon = tm_to_wgs84(*JAMSIL_POOL_TM)
    # The Jamsil sports complex's indoor swimming pool.
    assert distance_m(lat, lon, 37.51648, 127.07300) < 50


def test_epsg_2097_would_put_teheran_ro_124_at_the_start_of_the_road() -> None:
    """테헤란로 starts at the 강남역 crossroads (127.0276) and 강남파이낸스센터, No. 152, stands at
    127.0366: No. 124 lies between them, a few hundred metres west of No. 152. EPSG:5174 puts it
    there; EPSG:2097 (origin 127°E instead of 127°00'10.405"E) 255 m further west."""
    lat, lon = tm_to_wgs84(*SAMWON_TOWER_TM)
    lat_2097, lon_2097 = tm_to_wgs84(*SAMWON_TOWER_TM, crs="EPSG:2097")
    assert 127.030 < lon < 127.0366
    assert lon_2097 < 127.030
    assert distance_m(lat, lon, lat_2097, lon_2097) == pytest.approx(255, abs=10)


def test_the_district_office_round_trips_within_a_metre() -> None:
    office = (37.526262, 126.895968)  # 영등포구청, 당산로 123
    x, y = wgs84_to_tm(*office)
    assert 190_000 < x < 192_000 and 446_000 < y < 448_000
    lat, lon = tm_to_wgs84(x, y)
    assert distance_m(lat, lon, *office) < 1
