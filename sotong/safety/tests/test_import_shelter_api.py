from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sotong.safety.importers.common import ImportFileError
from sotong.safety.models import Facility
from sotong.safety.services.facilities import facilities_import

FIXTURES = Path(__file__).parent / "fixtures" / "import"
DATA = (FIXTURES / "shelter_api.json").read_bytes()


def test_each_shelter_code_becomes_its_kind(district: Any) -> None:
    report = facilities_import(data=DATA, fmt="shelter-api")

    kinds = dict(Facility.objects.values_list("source_id", "kind"))
    assert kinds == {
        "3180000-E-0001": "earthquake_outdoor",
        "3180000-E-0002": "earthquake_outdoor",
        "3180000-H-0101": "heat_shelter",
        "3180000-C-0101": "cold_shelter",
        "2611000-T-0004": "tsunami_evacuation",
    }
    assert report.created == 5
    park = Facility.objects.get(source_id="3180000-E-0001")
    assert park.setting == "outdoor" and park.always_open
    assert park.dong is not None and park.dong.code == "yeoui"


def test_a_place_outside_the_district_gets_no_dong(district: Any) -> None:
    facilities_import(data=DATA, fmt="shelter-api")

    assert Facility.objects.get(source_id="2611000-T-0004").dong is None


def test_an_unknown_code_is_reported(district: Any) -> None:
    report = facilities_import(data=DATA, fmt="shelter-api")

    assert [(p.line, "구분 코드" in p.reason) for p in report.problems] == [(6, True)]


def test_the_older_nested_response_shape_is_read(district: Any) -> None:
    items = json.loads(DATA)["body"][:2]
    nested = {"response": {"header": {"resultCode": "00"}, "body": {"items": {"item": items}}}}

    report = facilities_import(data=json.dumps(nested).encode(), fmt="shelter-api")

    assert report.created == 2


def test_a_csv_is_not_a_shelter_api_response(district: Any) -> None:
    with pytest.raises(ImportFileError):
        facilities_import(data="이름,위도\n가,37\n".encode(), fmt="shelter-api")
