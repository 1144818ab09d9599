from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sotong.organisation.loading import DATA_DIR, DistrictDataError, load_district
from sotong.organisation.models import Bureau, Department, District, Dong, DutyHours

pytestmark = pytest.mark.django_db


def _copy_data(tmp_path: Path) -> tuple[Path, Path]:
    departments, dongs = tmp_path / "departments.csv", tmp_path / "dongs.csv"
    shutil.copy(DATA_DIR / "departments.csv", departments)
    shutil.copy(DATA_DIR / "dongs.csv", dongs)
    return departments, dongs


def _empty_district() -> None:
    from sotong.organisation.models import Membership, OfficerAssignment
    from sotong.voice.models import Case, ServiceCategory

    Case.objects.all().delete()
    ServiceCategory.objects.all().delete()
    OfficerAssignment.objects.all().delete()
    Membership.objects.all().delete()
    DutyHours.objects.all().delete()
    Department.objects.all().delete()
    Bureau.objects.all().delete()
    Dong.objects.all().delete()
    District.objects.all().delete()


def test_it_loads_the_whole_sample_district() -> None:
    _empty_district()
    report = load_district()
    assert report.created == {"district": 1, "bureau": 12, "department": 48, "dong": 18}
    roads = Department.objects.select_related("bureau").get(code="roads")
    assert roads.name_ko == "도로과"
    assert roads.bureau.name_ko == "교통건설국"
    assert roads.name_en and roads.name_zh and roads.handles_en and roads.handles_zh
    assert DutyHours.objects.filter(department=roads).count() == 5
    yeoui = Dong.objects.get(code="yeoui")
    assert yeoui.name_ko == "여의동" and yeoui.name_zh == "汝矣洞"
    assert 37.4 < float(yeoui.lat) < 37.6 and 126.8 < float(yeoui.lon) < 127.0


def test_loading_twice_changes_nothing() -> None:
    load_district()
    counts = [m.objects.count() for m in (District, Bureau, Department, Dong, DutyHours)]
    report = load_district()
    assert not report.changed
    assert report.created == {} and report.updated == {}
    assert [m.objects.count() for m in (District, Bureau, Department, Dong, DutyHours)] == counts


def test_it_keeps_an_officers_edit_of_duty_hours_on_reload() -> None:
    load_district()
    roads = Department.objects.get(code="roads")
    DutyHours.objects.filter(department=roads, weekday=0).update(opens="08:00")
    load_district()
    assert str(DutyHours.objects.get(department=roads, weekday=0).opens) == "08:00:00"


def test_a_changed_row_updates_in_place(tmp_path: Path) -> None:
    load_district()
    departments, dongs = _copy_data(tmp_path)
    text = departments.read_text(encoding="utf-8").replace("도로과", "도로관리과", 1)
    departments.write_text(text, encoding="utf-8")
    pk = Department.objects.get(code="roads").pk
    report = load_district(departments_csv=departments, dongs_csv=dongs)
    assert report.updated == {"department": 1}
    assert Department.objects.get(code="roads").pk == pk
    assert Department.objects.get(code="roads").name_ko == "도로관리과"


def test_a_malformed_row_is_reported_with_its_line_and_nothing_is_loaded(tmp_path: Path) -> None:
    _empty_district()
    departments, dongs = _copy_data(tmp_path)
    lines = departments.read_text(encoding="utf-8").splitlines()
    # Line 6 of the file: a department with an invalid code; line 9: no name.
    lines[5] = lines[5].replace(lines[5].split(",")[0], "Not A Code", 1)
    parts = lines[8].split(",")
    lines[8] = ",".join([parts[0], "", *parts[2:]])
    departments.write_text("\n".join(lines) + "\n", encoding="utf-8")
    dong_lines = dongs.read_text(encoding="utf-8").splitlines()
    dong_lines[3] = dong_lines[3].replace("37.", "137.", 1)  # latitude outside Korea
    dongs.write_text("\n".join(dong_lines) + "\n", encoding="utf-8")

    with pytest.raises(DistrictDataError) as excinfo:
        load_district(departments_csv=departments, dongs_csv=dongs)

    problems = excinfo.value.problems
    assert any(p.startswith("departments.csv:6:") and "Not A Code" in p for p in problems), problems
    assert any(p.startswith("departments.csv:9:") and "name_ko is empty" in p for p in problems), problems
    assert any(p.startswith("dongs.csv:4:") and "outside Korea" in p for p in problems), problems
    assert District.objects.count() == 0
    assert Department.objects.count() == 0
    assert Dong.objects.count() == 0


def test_a_row_with_too_many_values_is_refused(tmp_path: Path) -> None:
    departments, dongs = _copy_data(tmp_path)
    with dongs.open("a", encoding="utf-8") as handle:
        handle.write("newdong,새동,Sae-dong,,37.5,126.9,yes,extra\n")
    with pytest.raises(DistrictDataError) as excinfo:
        load_district(departments_csv=departments, dongs_csv=dongs)
    assert excinfo.value.problems == ["dongs.csv:20: more values than columns"]


def test_columns_are_matched_by_name_not_position(tmp_path: Path) -> None:
    _empty_district()
    departments, dongs = _copy_data(tmp_path)
    import csv

    rows = list(csv.DictReader(dongs.read_text(encoding="utf-8").splitlines()))
    reordered = ["lon", "lat", "name_ko", "code", "approximate"]
    with dongs.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=reordered, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    load_district(departments_csv=departments, dongs_csv=dongs)
    assert Dong.objects.get(code="mullae").name_ko == "문래동"
    assert float(Dong.objects.get(code="mullae").lon) == pytest.approx(126.8945)


def test_a_missing_column_is_named(tmp_path: Path) -> None:
    departments, dongs = _copy_data(tmp_path)
    dongs.write_text("code,name_ko,lat\nx,엑스동,37.5\n", encoding="utf-8")
    with pytest.raises(DistrictDataError) as excinfo:
        load_district(departments_csv=departments, dongs_csv=dongs)
    assert excinfo.value.problems == ["dongs.csv:1: missing column(s) lon"]


def test_the_command_reports_problems_and_exits_with_an_error(tmp_path: Path, capsys: Any) -> None:
    departments, dongs = _copy_data(tmp_path)
    dongs.write_text("code,name_ko,lat,lon\nyeoui,여의동,north,126.9\n", encoding="utf-8")
    with pytest.raises(CommandError) as excinfo:
        call_command("load_sample_district", departments=departments, dongs=dongs)
    assert "Nothing was loaded" in str(excinfo.value)
    assert "dongs.csv:2: lat 'north' is not a number" in str(excinfo.value)


def test_the_command_says_when_nothing_changed(capsys: Any) -> None:
    load_district()
    call_command("load_sample_district")
    assert "Nothing changed" in capsys.readouterr().out
