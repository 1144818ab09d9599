"""Public service categories from CSV (data/service_categories.csv): idempotent, all or nothing."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from django.db import transaction

from sotong.organisation.models import Department
from sotong.voice.choices import Kind
from sotong.voice.models import ServiceCategory

CATEGORIES_CSV = Path(__file__).resolve().parent / "data" / "service_categories.csv"


class CategoryDataError(Exception):
    pass


def load_categories(path: Path = CATEGORIES_CSV) -> int:
    rows = list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))
    departments = {d.code: d for d in Department.objects.all()}
    problems, parsed = [], []
    for line, row in enumerate(rows, start=2):
        code = row["department"].strip()
        if code and code not in departments:
            problems.append(f"{path.name}:{line}: unknown department {code!r}")
            continue
        if row["kind"] not in Kind.values:
            problems.append(f"{path.name}:{line}: unknown kind {row['kind']!r}")
            continue
        try:
            attributes = json.loads(row["attributes"] or "[]")
        except json.JSONDecodeError as exc:
            problems.append(f"{path.name}:{line}: attributes are not JSON ({exc})")
            continue
        parsed.append((line, row, departments.get(code), attributes))
    if problems:
        raise CategoryDataError("\n".join(problems))
    changed = 0
    with transaction.atomic():
        for order, (_line, row, department, attributes) in enumerate(parsed, start=1):
            values = {
                "name_ko": row["name_ko"],
                "name_en": row["name_en"],
                "name_zh": row["name_zh"],
                "description_ko": row["description_ko"],
                "description_en": row["description_en"],
                "description_zh": row["description_zh"],
                "department": department,
                "kind": row["kind"],
                "keywords": row["keywords"],
                "attributes": attributes,
                "sort_order": order,
            }
            category = ServiceCategory.objects.filter(code=row["code"]).first()
            if category is None:
                ServiceCategory.objects.create(code=row["code"], **values)
                changed += 1
            elif any(getattr(category, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(category, k, v)
                category.save()
                changed += 1
    return changed
