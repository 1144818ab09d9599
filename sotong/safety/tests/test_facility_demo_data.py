from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sotong.core.geo import distance_m
from sotong.safety.choices import FacilityKind
from sotong.safety.demo_data import load_sample_facilities
from sotong.safety.models import Facility

SEOUL = ZoneInfo("Asia/Seoul")


def test_the_sample_facilities_cover_every_kind_near_the_real_dongs(district: Any) -> None:
    load_sample_facilities()

    facilities = list(Facility.objects.select_related("dong"))
    assert 150 <= len(facilities) <= 250
    assert {f.kind for f in facilities} == set(FacilityKind.values)
    assert all(f.is_sample and "(예시)" in f.name_ko for f in facilities)
    assert all(f.dong is not None for f in facilities)
    for facility in facilities:
        if facility.kind in (FacilityKind.HOSPITAL, FacilityKind.TSUNAMI_EVACUATION):
            continue
        assert (
            distance_m(facility.lat, facility.lon, float(facility.dong.lat), float(facility.dong.lon)) < 500
        )


def test_they_are_realistic_enough_to_choose_between(district: Any) -> None:
    load_sample_facilities()

    civil = Facility.objects.filter(kind=FacilityKind.CIVIL_DEFENCE)
    assert civil.filter(setting="underground").count() == civil.count()
    assert Facility.objects.filter(kind=FacilityKind.EARTHQUAKE_OUTDOOR, setting="outdoor").exists()
    assert Facility.objects.filter(always_open=True).exists()
    late_night = datetime(2026, 7, 15, 23, 30, tzinfo=SEOUL)  # a Wednesday
    heat = list(Facility.objects.filter(kind=FacilityKind.HEAT_SHELTER))
    assert any(f.is_open_at(late_night) for f in heat)
    assert any(not f.is_open_at(late_night) for f in heat)
    assert {f.step_free for f in Facility.objects.all()} >= {True, False}
    assert all(f.name_en and f.name_zh for f in Facility.objects.all())


def test_loading_twice_changes_nothing(district: Any) -> None:
    first = load_sample_facilities()
    before = list(Facility.objects.order_by("pk").values())

    assert load_sample_facilities() == 0
    assert first > 0
    assert list(Facility.objects.order_by("pk").values()) == before
