"""Loading a district's organisation from CSV files.

Every row of every file is read and checked before anything is written, and the writes happen in
one transaction: a malformed row is reported with its file and line number and nothing is loaded.
Columns are matched by name. Loading the same files twice changes nothing.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from datetime import time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import models, transaction

from sotong.organisation.models import Bureau, Department, District, Dong, DutyHours

DATA_DIR = Path(__file__).resolve().parent / "data"
CODE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
# Generous bounds around the Korean peninsula: a swapped lat/lon or a TM coordinate fails this.
LAT_RANGE = (Decimal("33.0"), Decimal("38.7"))
LON_RANGE = (Decimal("124.5"), Decimal("131.9"))

SAMPLE_DISTRICT = {
    "code": "yeongdeungpo",
    "name_ko": "영등포구",
    "name_en": "Yeongdeungpo-gu",
    "name_zh": "永登浦区",
    "address_ko": "서울특별시 영등포구 당산로 123",
    "address_en": "123 Dangsan-ro, Yeongdeungpo-gu, Seoul",
    "address_zh": "首尔特别市永登浦区堂山路123",
    "phone": "02-2670-3114",
}


class DistrictDataError(Exception):
    """Rows that cannot be loaded; ``problems`` lists each one as 'file:line: reason'."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, outcome: str) -> None:
        bucket = getattr(self, outcome)
        bucket[kind] = bucket.get(kind, 0) + 1

    @property
    def changed(self) -> bool:
        return bool(sum(self.created.values()) + sum(self.updated.values()))

    def summary(self) -> str:
        kinds = sorted({*self.created, *self.updated, *self.unchanged})
        return ", ".join(
            f"{kind}: {self.created.get(kind, 0)} created, {self.updated.get(kind, 0)} updated, "
            f"{self.unchanged.get(kind, 0)} unchanged"
            for kind in kinds
        )


@dataclass
class _Rows:
    path: Path
    rows: list[tuple[int, dict[str, str]]]


def _read_csv(path: Path, required: set[str], problems: list[str]) -> _Rows:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        problems.append(f"{path}: file not found")
        return _Rows(path, [])
    except UnicodeDecodeError as exc:
        problems.append(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})")
        return _Rows(path, [])
    reader = csv.DictReader(text.splitlines())
    header = {name.strip() for name in (reader.fieldnames or [])}
    if missing := required - header:
        problems.append(f"{path.name}:1: missing column(s) {', '.join(sorted(missing))}")
        return _Rows(path, [])
    rows = []
    for row in reader:
        line = reader.line_num
        if None in row:
            problems.append(f"{path.name}:{line}: more values than columns")
            continue
        if any(value is None for value in row.values()):
            problems.append(f"{path.name}:{line}: fewer values than columns")
            continue
        rows.append((line, {key.strip(): (value or "").strip() for key, value in row.items()}))
    return _Rows(path, rows)


def _decimal(value: str, bounds: tuple[Decimal, Decimal], what: str) -> Decimal:
    try:
        number = Decimal(value)
    except InvalidOperation as exc:
        raise ValueError(f"{what} {value!r} is not a number") from exc
    if not bounds[0] <= number <= bounds[1]:
        raise ValueError(f"{what} {value} is outside Korea ({bounds[0]}..{bounds[1]})")
    return number.quantize(Decimal("0.000001"))


def _parse_departments(
    source: _Rows, translations: dict[str, dict[str, str]], problems: list[str]
) -> list[dict[str, Any]]:
    parsed: list[dict[str, Any]] = []
    seen: set[str] = set()
    for line, row in source.rows:
        where = f"{source.path.name}:{line}"
        code = row["code"]
        if not CODE_PATTERN.match(code):
            problems.append(f"{where}: code {code!r} must be lowercase letters, digits, '-' or '_'")
            continue
        if code in seen:
            problems.append(f"{where}: code {code!r} appears twice")
            continue
        seen.add(code)
        for column in ("name_ko", "bureau_ko", "handles_ko"):
            if not row[column]:
                problems.append(f"{where}: {column} is empty")
                break
        else:
            extra = translations.get(code, {})
            parsed.append(
                {
                    "code": code,
                    "name_ko": row["name_ko"],
                    "name_en": row.get("name_en", ""),
                    "name_zh": extra.get("name_zh", row.get("name_zh", "")),
                    "bureau_ko": row["bureau_ko"],
                    "handles_ko": row["handles_ko"],
                    "handles_en": extra.get("handles_en", row.get("handles_en", "")),
                    "handles_zh": extra.get("handles_zh", row.get("handles_zh", "")),
                    "phone": row.get("phone", ""),
                    "email": row.get("email", ""),
                    "sort_order": len(parsed) + 1,
                }
            )
    return parsed


def _parse_dongs(source: _Rows, problems: list[str]) -> list[dict[str, Any]]:
    parsed: list[dict[str, Any]] = []
    seen: set[str] = set()
    for line, row in source.rows:
        where = f"{source.path.name}:{line}"
        code = row["code"]
        if not CODE_PATTERN.match(code):
            problems.append(f"{where}: code {code!r} must be lowercase letters, digits, '-' or '_'")
            continue
        if code in seen:
            problems.append(f"{where}: code {code!r} appears twice")
            continue
        seen.add(code)
        if not row["name_ko"]:
            problems.append(f"{where}: name_ko is empty")
            continue
        try:
            lat = _decimal(row["lat"], LAT_RANGE, "lat")
            lon = _decimal(row["lon"], LON_RANGE, "lon")
        except ValueError as exc:
            problems.append(f"{where}: {exc}")
            continue
        approximate = row.get("approximate", "yes").lower()
        if approximate not in {"yes", "no", ""}:
            problems.append(f"{where}: approximate must be yes or no, not {approximate!r}")
            continue
        parsed.append(
            {
                "code": code,
                "name_ko": row["name_ko"],
                "name_en": row.get("name_en", ""),
                "name_zh": row.get("name_zh", ""),
                "lat": lat,
                "lon": lon,
                "centre_is_approximate": approximate != "no",
                "sort_order": len(parsed) + 1,
            }
        )
    return parsed


def _upsert(
    model: type[models.Model], lookup: dict[str, Any], values: dict[str, Any], report: LoadReport, kind: str
) -> Any:
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj = model._default_manager.create(**lookup, **values)
        report.count(kind, "created")
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save(update_fields=changed)
        report.count(kind, "updated")
    else:
        report.count(kind, "unchanged")
    return obj


def load_district(
    *,
    departments_csv: Path = DATA_DIR / "departments.csv",
    dongs_csv: Path = DATA_DIR / "dongs.csv",
    bureaus_csv: Path | None = DATA_DIR / "bureaus.csv",
    translations_csv: Path | None = DATA_DIR / "departments_i18n.csv",
    district: dict[str, str] | None = None,
) -> LoadReport:
    problems: list[str] = []
    department_rows = _read_csv(departments_csv, {"code", "name_ko", "bureau_ko", "handles_ko"}, problems)
    dong_rows = _read_csv(dongs_csv, {"code", "name_ko", "lat", "lon"}, problems)
    translations: dict[str, dict[str, str]] = {}
    if translations_csv is not None and translations_csv.exists():
        for _line, row in _read_csv(translations_csv, {"code"}, problems).rows:
            translations[row["code"]] = row
    bureau_names: dict[str, dict[str, str]] = {}
    if bureaus_csv is not None and bureaus_csv.exists():
        for _line, row in _read_csv(bureaus_csv, {"name_ko"}, problems).rows:
            bureau_names[row["name_ko"]] = row

    departments = _parse_departments(department_rows, translations, problems)
    dongs = _parse_dongs(dong_rows, problems)
    if problems:
        raise DistrictDataError(problems)

    report = LoadReport()
    district_values = {**SAMPLE_DISTRICT, **(district or {})}
    with transaction.atomic():
        district_obj = _upsert(
            District,
            {"code": district_values["code"]},
            {k: v for k, v in district_values.items() if k != "code"},
            report,
            "district",
        )
        first_seen = {
            name: index for index, name in enumerate(dict.fromkeys(d["bureau_ko"] for d in departments))
        }
        bureaus: dict[str, Bureau] = {}
        for name_ko, index in first_seen.items():
            extra = bureau_names.get(name_ko, {})
            order = extra.get("sort_order", "")
            bureaus[name_ko] = _upsert(
                Bureau,
                {"district": district_obj, "name_ko": name_ko},
                {
                    "name_en": extra.get("name_en", ""),
                    "name_zh": extra.get("name_zh", ""),
                    "sort_order": int(order) if order.isdigit() else 100 + index,
                },
                report,
                "bureau",
            )
        for values in departments:
            values = dict(values)
            code, bureau = values.pop("code"), bureaus[values.pop("bureau_ko")]
            department = _upsert(
                Department,
                {"code": code},
                {**values, "district": district_obj, "bureau": bureau},
                report,
                "department",
            )
            if not department.duty_hours.exists():
                DutyHours.objects.bulk_create(
                    DutyHours(department=department, weekday=day, opens=time(9), closes=time(18))
                    for day in range(5)
                )
        for values in dongs:
            values = dict(values)
            _upsert(Dong, {"code": values.pop("code")}, {**values, "district": district_obj}, report, "dong")
    return report
