from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from sotong.safety.models import Facility

FIXTURES = Path(__file__).parent / "fixtures" / "import"


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_facilities", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_imports_and_reports_counts_and_bad_lines(district: Any) -> None:
    out, err = run(str(FIXTURES / "localdata_civil_defence_cp949.csv"), "--format", "localdata")

    assert "새로 5곳" in out and "거부 2행" in out
    assert "8행: 좌표가 없습니다." in err
    assert Facility.objects.filter(source="localdata").count() == 5


def test_a_named_source_keeps_its_own_rows(district: Any) -> None:
    run(str(FIXTURES / "shelter_api.json"), "--format", "shelter-api", "--source", "mois-2026")

    assert set(Facility.objects.values_list("source", flat=True)) == {"mois-2026"}


def test_a_dry_run_changes_nothing(district: Any) -> None:
    out, _err = run(str(FIXTURES / "aed_api.xml"), "--format", "aed", "--dry-run")

    assert "시험 실행" in out
    assert not Facility.objects.exists()


def test_a_broken_file_is_a_plain_error(district: Any, tmp_path: Path) -> None:
    broken = tmp_path / "broken.csv"
    broken.write_bytes("이름,주소\n가,나\n".encode("cp949"))

    with pytest.raises(CommandError, match="Nothing was imported"):
        run(str(broken), "--format", "localdata")
    with pytest.raises(CommandError, match="cannot read"):
        run(str(tmp_path / "missing.csv"), "--format", "heat")


def test_export_writes_geojson_of_active_facilities(district: Any, tmp_path: Path) -> None:
    run(str(FIXTURES / "facilities.geojson"), "--format", "geojson")
    Facility.objects.create(kind="aed", name_ko="예시", lat=37.52, lon=126.9, is_sample=True)
    target = tmp_path / "out.geojson"

    out, _err = run(str(target), "--export")

    collection = json.loads(target.read_text(encoding="utf-8"))
    assert collection["type"] == "FeatureCollection"
    assert sorted(f["properties"]["name_ko"] for f in collection["features"]) == [
        "당산초등학교 체육관",
        "신길중학교 강당",
    ]
    assert "2 facilities" in out
