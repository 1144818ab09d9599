from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sotong.safety.importers.common import ImportFileError
from sotong.safety.models import Facility
from sotong.safety.services.facilities import facilities_import

FIXTURES = Path(__file__).parent / "fixtures" / "import"


def test_aeds_from_the_xml_response(district: Any) -> None:
    report = facilities_import(data=(FIXTURES / "aed_api.xml").read_bytes(), fmt="aed")

    assert report.created == 2
    office = Facility.objects.get(source="nmc-aed", source_id="2016-A-018832")
    assert office.kind == "aed"
    assert office.name_ko == "영등포구청 본관 1층 민원실 입구"
    assert office.phone == "02-2670-3114"
    assert office.opening_hours == [{"days": "weekday", "open": "09:00", "close": "18:00"}]
    station = Facility.objects.get(source_id="2018-B-004417")
    assert station.always_open
    assert station.setting == "underground"
    assert [p.line for p in report.problems] == [3]


def test_the_json_response_updates_the_same_rows(district: Any) -> None:
    facilities_import(data=(FIXTURES / "aed_api.xml").read_bytes(), fmt="aed")

    report = facilities_import(data=(FIXTURES / "aed_api.json").read_bytes(), fmt="aed")

    assert (report.created, report.unchanged) == (0, 2)


def test_an_xml_with_an_external_entity_is_refused(district: Any) -> None:
    with pytest.raises(ImportFileError):
        facilities_import(data=(FIXTURES / "aed_xxe.xml").read_bytes(), fmt="aed")
    assert not Facility.objects.exists()


def test_an_api_error_response_is_refused(district: Any) -> None:
    error = b"<response><header><resultCode>30</resultCode><resultMsg>SERVICE KEY IS NOT REGISTERED</resultMsg></header></response>"

    with pytest.raises(ImportFileError, match="30"):
        facilities_import(data=error, fmt="aed")
