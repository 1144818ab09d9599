from __future__ import annotations

from pathlib import Path
from typing import Any

from sotong.safety.models import Facility
from sotong.safety.services.facilities import facilities_import

FIXTURES = Path(__file__).parent / "fixtures" / "import"


def test_heat_shelters_import_with_hours_capacity_and_setting(district: Any) -> None:
    report = facilities_import(data=(FIXTURES / "heat_shelters_standard.csv").read_bytes(), fmt="heat")

    assert report.created == 3
    senior = Facility.objects.get(name_ko="당산2동 경로당")
    assert senior.kind == "heat_shelter"
    assert senior.capacity == 30
    assert senior.setting == "indoor"
    assert senior.opening_hours == [{"days": "weekday", "open": "09:00", "close": "18:00"}]
    assert "05.20~09.30 운영" in senior.hours_note
    assert senior.phone == "02-2670-3425"
    assert senior.dong is not None

    centre = Facility.objects.get(name_ko="여의동 주민센터")
    assert {s["days"] for s in centre.opening_hours} == {"weekday", "saturday", "sunday", "holiday"}
    assert "야간 개방" in centre.hours_note

    park = Facility.objects.get(name_ko="영등포공원 그늘쉼터")
    assert park.setting == "outdoor" and park.always_open


def test_swapped_coordinates_and_a_bad_capacity_are_rejected_by_line(district: Any) -> None:
    report = facilities_import(data=(FIXTURES / "heat_shelters_standard.csv").read_bytes(), fmt="heat")

    reasons = {p.line: p.reason for p in report.problems}
    assert "대한민국 범위를 벗어납니다" in reasons[5]
    assert "수용 인원" in reasons[6]


def test_cold_shelters_from_the_api_json(district: Any) -> None:
    report = facilities_import(data=(FIXTURES / "cold_shelters_api.json").read_bytes(), fmt="cold")

    assert report.created == 2
    dorim = Facility.objects.get(source="cold-shelter", source_id="11560-C-0012")
    assert dorim.kind == "cold_shelter"
    assert dorim.capacity == 25
    assert {"days": "saturday", "open": "10:00", "close": "16:00"} in dorim.opening_hours
    assert dorim.note == "난방기 2대"
