from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from sotong.core.geo import distance_m
from sotong.safety.importers.common import ImportFileError
from sotong.safety.models import Facility
from sotong.safety.services.facilities import facilities_import

FIXTURES = Path(__file__).parent / "fixtures" / "import"
CP949 = (FIXTURES / "localdata_civil_defence_cp949.csv").read_bytes()


def test_the_fixture_is_cp949_as_localdata_publishes_it() -> None:
    with pytest.raises(UnicodeDecodeError):
        CP949.decode("utf-8")
    assert "좌표정보(x)" in CP949.decode("cp949")


def test_it_imports_open_shelters_with_their_place_converted_from_tm(district: Any) -> None:
    report = facilities_import(data=CP949, fmt="localdata")

    assert report.created == 5
    office = Facility.objects.get(source="localdata", source_id="3180000-S200600001")
    assert office.kind == "civil_defence"
    assert office.name_ko == "영등포구청 지하주차장"
    assert distance_m(office.lat, office.lon, 37.52627, 126.89597) < 5
    assert office.setting == "underground"
    assert office.floor == "지하1~2층"
    assert office.capacity == int(2450 / 0.825)
    assert office.address.startswith("서울특별시 영등포구 당산로 123")
    assert office.dong is not None and office.dong.code == "dangsan1"


def test_closed_rows_are_not_imported_as_open(district: Any) -> None:
    report = facilities_import(data=CP949, fmt="localdata")

    assert report.skipped_closed == 1
    assert not Facility.objects.filter(name_ko__contains="대림상가").exists()


def test_a_row_closed_later_deactivates_the_facility(district: Any) -> None:
    reopened = CP949.decode("cp949").replace('"03","사용중지","03","사용중지"', '"01","사용중","01","사용중"')
    facilities_import(data=reopened.encode("cp949"), fmt="localdata")
    assert Facility.objects.get(name_ko__contains="대림상가").is_active

    report = facilities_import(data=CP949, fmt="localdata")

    assert report.deactivated == 1
    assert not Facility.objects.get(name_ko__contains="대림상가").is_active


def test_bad_rows_are_reported_with_their_line_and_reason(district: Any) -> None:
    report = facilities_import(data=CP949, fmt="localdata")

    reasons = {p.line: p.reason for p in report.problems}
    assert set(reasons) == {8, 9}
    assert "좌표가 없습니다" in reasons[8]
    assert "좌표가 0이거나 음수입니다" in reasons[9]
    assert "8행" in str(report.problems[0])


def test_reimporting_updates_in_place(district: Any) -> None:
    facilities_import(data=CP949, fmt="localdata")
    renamed = CP949.decode("cp949").replace("신길1동 주민센터 지하", "신길1동 행정복지센터 지하")

    report = facilities_import(data=renamed.encode("cp949"), fmt="localdata")

    assert (report.created, report.updated, report.unchanged) == (0, 1, 4)
    assert Facility.objects.filter(source="localdata").count() == 5
    assert Facility.objects.filter(name_ko="신길1동 행정복지센터 지하").count() == 1


def test_utf8_with_a_bom_reads_the_same(district: Any) -> None:
    data = (FIXTURES / "localdata_civil_defence_utf8_bom.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")

    report = facilities_import(data=data, fmt="localdata")

    assert report.created == 5


def test_columns_are_found_by_name_not_position(district: Any) -> None:
    rows = list(csv.reader(io.StringIO(CP949.decode("cp949"))))
    # Reverse every column, header included.
    out = io.StringIO()
    csv.writer(out).writerows([list(reversed(row)) for row in rows])

    facilities_import(data=out.getvalue().encode("cp949"), fmt="localdata")

    office = Facility.objects.get(source_id="3180000-S200600001")
    assert distance_m(office.lat, office.lon, 37.52627, 126.89597) < 5


def test_a_dry_run_writes_nothing(district: Any) -> None:
    report = facilities_import(data=CP949, fmt="localdata", dry_run=True)

    assert report.created == 5
    assert not Facility.objects.exists()


def test_strict_mode_imports_nothing_when_a_row_is_bad(district: Any) -> None:
    with pytest.raises(ImportFileError, match="8행"):
        facilities_import(data=CP949, fmt="localdata", strict=True)
    assert not Facility.objects.exists()


def test_a_file_without_coordinate_columns_is_refused_whole(district: Any) -> None:
    text = CP949.decode("cp949").replace("좌표정보(x)", "x좌표아님")

    with pytest.raises(ImportFileError, match="좌표정보"):
        facilities_import(data=text.encode("cp949"), fmt="localdata")
    assert not Facility.objects.exists()
