"""Which hazards a facility shelters residents from, and whether it is open at a given moment."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from sotong.safety.choices import FacilityKind, Hazard, Setting
from sotong.safety.models import Facility

SEOUL = ZoneInfo("Asia/Seoul")


def facility(kind: str, setting: str = Setting.INDOOR, **kw: object) -> Facility:
    return Facility(kind=kind, name_ko="시설", lat=37.52, lon=126.9, setting=setting, **kw)


def test_nobody_is_sent_underground_in_a_flood_a_typhoon_or_a_fire() -> None:
    underground = facility(FacilityKind.TEMPORARY_HOUSING, Setting.UNDERGROUND)
    above = facility(FacilityKind.TEMPORARY_HOUSING)
    for hazard in (Hazard.FLOOD, Hazard.TYPHOON, Hazard.FIRE):
        assert not underground.suits(hazard)
        assert above.suits(hazard)
    assert underground.hazards() == []


def test_an_air_raid_sends_residents_underground_to_civil_defence_shelters() -> None:
    shelter = facility(FacilityKind.CIVIL_DEFENCE, Setting.UNDERGROUND)
    assert shelter.hazards() == [Hazard.AIR_RAID]
    assert not shelter.suits(Hazard.FLOOD)


def test_an_earthquake_sends_residents_to_open_air_sites_and_earthquake_proof_housing_only() -> None:
    assert facility(FacilityKind.EARTHQUAKE_OUTDOOR, Setting.OUTDOOR).suits(Hazard.EARTHQUAKE)
    assert facility(FacilityKind.EARTHQUAKE_HOUSING).suits(Hazard.EARTHQUAKE)
    assert not facility(FacilityKind.TEMPORARY_HOUSING).suits(Hazard.EARTHQUAKE)
    assert not facility(FacilityKind.HEAT_SHELTER).suits(Hazard.EARTHQUAKE)


def test_extra_hazards_widen_a_kind_but_never_break_the_setting_rules() -> None:
    gym = facility(FacilityKind.HEAT_SHELTER, extra_hazards=[Hazard.FLOOD])
    assert gym.hazards() == [Hazard.HEAT, Hazard.FLOOD]
    basement = facility(FacilityKind.HEAT_SHELTER, Setting.UNDERGROUND, extra_hazards=[Hazard.FLOOD])
    assert basement.hazards() == [Hazard.HEAT]
    assert not gym.suits("fine_dust")


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2026, 11, 23, 10, 0, tzinfo=SEOUL), True),  # Monday morning
        (datetime(2026, 11, 23, 18, 0, tzinfo=SEOUL), False),  # closing time
        (datetime(2026, 11, 28, 10, 0, tzinfo=SEOUL), False),  # Saturday: no Saturday hours
        (datetime(2026, 11, 29, 23, 30, tzinfo=SEOUL), True),  # Sunday night span...
        (datetime(2026, 11, 30, 2, 0, tzinfo=SEOUL), True),  # ...runs past midnight
        (datetime(2026, 11, 30, 7, 0, tzinfo=SEOUL), False),
        (datetime(2026, 12, 25, 10, 0, tzinfo=SEOUL), False),  # 성탄절: holiday hours, none given
        (datetime(2026, 12, 25, 14, 0, tzinfo=SEOUL), True),
    ],
)
def test_opening_hours_follow_weekdays_weekends_public_holidays_and_nights(
    moment: datetime, expected: bool
) -> None:
    shelter = facility(
        FacilityKind.HEAT_SHELTER,
        opening_hours=[
            {"days": "weekday", "open": "09:00", "close": "18:00"},
            {"days": "sunday", "open": "22:00", "close": "06:00"},
            {"days": "holiday", "open": "13:00", "close": "17:00"},
        ],
    )
    assert shelter.is_open_at(moment) is expected


def test_a_facility_open_around_the_clock_or_without_published_hours_counts_as_open() -> None:
    night = datetime(2026, 11, 23, 3, 0, tzinfo=SEOUL)
    assert facility(FacilityKind.AED, always_open=True).is_open_at(night)
    assert facility(FacilityKind.CIVIL_DEFENCE, Setting.UNDERGROUND).is_open_at(night)
