"""A full re-import (`--full`): the file is the source's whole list, so places it no longer lists close."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from sotong.safety.models import Facility

FIXTURES = Path(__file__).parent / "fixtures" / "import"


def run(*args: str) -> str:
    out = StringIO()
    call_command("import_facilities", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def shelter_file(tmp_path: Path, keep: int | None = None) -> Path:
    """The fixture's shelter API response with only its first `keep` good rows (it has a bad one)."""
    data = json.loads((FIXTURES / "shelter_api.json").read_text(encoding="utf-8"))
    good = [row for row in data["body"] if str(row["SHLT_SE_CD"]) in {"1", "2", "3", "4"}]
    data["body"] = good[:keep]
    target = tmp_path / f"shelters-{keep}.json"
    target.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return target


def test_places_missing_from_a_full_file_are_deactivated(district: Any, tmp_path: Path) -> None:
    run(str(FIXTURES / "shelter_api.json"), "--format", "shelter-api")
    everyone = Facility.objects.filter(source="mois-shelter", is_active=True).count()
    assert everyone >= 3

    out = run(str(shelter_file(tmp_path, 2)), "--format", "shelter-api", "--full")

    assert Facility.objects.filter(source="mois-shelter", is_active=True).count() == 2
    assert f"사용 중지 {everyone - 2}곳" in out
    # Listed again later, a place comes back.
    run(str(shelter_file(tmp_path)), "--format", "shelter-api", "--full")
    assert Facility.objects.filter(source="mois-shelter", is_active=True).count() == everyone


def test_without_full_missing_places_stay(district: Any, tmp_path: Path) -> None:
    run(str(FIXTURES / "shelter_api.json"), "--format", "shelter-api")
    everyone = Facility.objects.filter(is_active=True).count()

    run(str(shelter_file(tmp_path, 2)), "--format", "shelter-api")

    assert Facility.objects.filter(is_active=True).count() == everyone


def test_other_sources_are_not_touched(district: Any, tmp_path: Path) -> None:
    run(str(FIXTURES / "aed_api.xml"), "--format", "aed")
    aeds = Facility.objects.filter(source="aed", is_active=True).count()
    run(str(FIXTURES / "shelter_api.json"), "--format", "shelter-api")

    run(str(shelter_file(tmp_path, 1)), "--format", "shelter-api", "--full")

    assert Facility.objects.filter(source="aed", is_active=True).count() == aeds


def test_a_full_dry_run_changes_nothing(district: Any, tmp_path: Path) -> None:
    run(str(FIXTURES / "shelter_api.json"), "--format", "shelter-api")
    everyone = Facility.objects.filter(is_active=True).count()

    out = run(str(shelter_file(tmp_path, 1)), "--format", "shelter-api", "--full", "--dry-run")

    assert f"사용 중지 {everyone - 1}곳" in out and "시험 실행" in out
    assert Facility.objects.filter(is_active=True).count() == everyone


def test_a_full_file_with_a_bad_row_or_no_rows_is_refused(district: Any, tmp_path: Path) -> None:
    run(str(FIXTURES / "localdata_civil_defence_cp949.csv"), "--format", "localdata")
    before = Facility.objects.filter(is_active=True).count()

    # The fixture has two bad rows: a full import of it would close the places on those rows.
    with pytest.raises(CommandError, match="잘못된 행이 있어 아무것도 가져오지 않았습니다"):
        run(str(FIXTURES / "localdata_civil_defence_cp949.csv"), "--format", "localdata", "--full")
    with pytest.raises(CommandError, match="파일이 비어 있습니다"):
        run(str(shelter_file(tmp_path, 0)), "--format", "shelter-api", "--full")
    assert Facility.objects.filter(is_active=True).count() == before
