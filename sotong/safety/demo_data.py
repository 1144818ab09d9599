"""The demo's sample facilities and map layers for Yeongdeungpo-gu, read from data/demo/.

Everything there is invented for the demo. Facilities are made per dong from facilities.json (how many of
each kind, the names' patterns, settings, capacity ranges, hours) and placed near the dong's centre from a
fixed seed, so every demo shows the same places; fixed_facilities.csv adds places at fixed points: the
hospitals, the tsunami high ground, and civil-defence shelters in stations and the district office (which
a resident's typed place name finds: "당산역", "영등포구청"). layers.json holds the departments' map
layers, layer_features.json (GeoJSON) their shapes.
Every item is marked as a sample: `is_sample=True`, "(예시)" in every name, source "sample". Loading twice
changes nothing."""

from __future__ import annotations

import csv
import json
import math
import random
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from sotong.accounts.models import User
from sotong.organisation.models import Department, Dong
from sotong.organisation.selectors import officers_of
from sotong.safety.choices import FacilityKind
from sotong.safety.models import Facility, LayerFeature, MapLayer

DATA_DIR = Path(__file__).resolve().parent / "data" / "demo"
SOURCE = "sample"
SEED = 20260
MARK = " (예시)"


@cache
def _read_json(name: str) -> Any:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


def _near(rng: random.Random, lat: float, lon: float, radius_m: float = 450) -> tuple[float, float]:
    angle = rng.uniform(0, 2 * math.pi)
    r = radius_m * math.sqrt(rng.random())
    dlat = r * math.cos(angle) / 111_320
    dlon = r * math.sin(angle) / (111_320 * math.cos(math.radians(lat)))
    return round(lat + dlat, 6), round(lon + dlon, 6)


def _sample_rows(dongs: list[Dong]) -> list[dict[str, Any]]:
    data = _read_json("facilities.json")
    rng = random.Random(SEED)  # noqa: S311 - deterministic demo data, not a secret
    rows: list[dict[str, Any]] = []
    for index, dong in enumerate(dongs):
        for kind, spec in data["kinds"].items():
            per, places = spec["per_dong"], spec["places"]
            count = int(per) if per >= 1 else (1 if index % round(1 / per) == 0 else 0)
            for n in range(count):
                place = places[(index + n) % len(places)]
                lat, lon = _near(rng, float(dong.lat), float(dong.lon))
                always = place["hours"] == "always"
                step_free = rng.choice([True, True, False, None])
                low, high = place["capacity"] or (0, 0)
                rows.append(
                    {
                        "source_id": f"{kind}-{dong.code}-{n + 1}",
                        "kind": kind,
                        "name_ko": place["name_ko"].format(dong=dong.name_ko) + MARK,
                        "name_en": place["name_en"].format(dong_en=dong.name_en) + " (sample)",
                        "name_zh": place["name_zh"].format(dong_zh=dong.name_zh) + "（示例）",
                        "address": f"서울특별시 영등포구 {dong.name_ko} (예시 주소)",
                        "dong": dong,
                        "lat": lat,
                        "lon": lon,
                        "setting": place["setting"],
                        "floor": place["floor"],
                        "capacity": rng.randint(low, high) if high else None,
                        "always_open": always,
                        "opening_hours": [] if always else data["hours"][place["hours"]],
                        "step_free": step_free,
                        "has_lift": (place["setting"] == "underground" and step_free is True) or None,
                        "phone": f"02-2670-{rng.randint(3000, 4999)}",
                    }
                )
    numbers: dict[str, int] = {}
    with (DATA_DIR / "fixed_facilities.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            kind = row["kind"]
            numbers[kind] = numbers.get(kind, 0) + 1
            hospital = kind == FacilityKind.HOSPITAL
            rows.append(
                {
                    "source_id": f"{kind}-{numbers[kind]}",
                    "kind": kind,
                    "name_ko": row["name_ko"] + MARK,
                    "name_en": row["name_en"] + " (sample)",
                    "name_zh": row["name_zh"] + "（示例）",
                    "address": row["address"] or "서울특별시 영등포구 (예시 주소)",
                    "dong": None,
                    "lat": float(row["lat"]),
                    "lon": float(row["lon"]),
                    "setting": row["setting"],
                    "floor": "",
                    "capacity": int(row["capacity"]) if row["capacity"] else None,
                    "always_open": True,
                    "opening_hours": [],
                    "step_free": True,
                    "has_lift": hospital,
                    "phone": "119" if hospital else "",
                }
            )
    return rows


def _nearest_dong(lat: float, lon: float, dongs: list[Dong]) -> Dong:
    return min(dongs, key=lambda d: (float(d.lat) - lat) ** 2 + (float(d.lon) - lon) ** 2)


@transaction.atomic
def load_sample_facilities(stdout: Any = None) -> int:
    """Create or update the sample facilities; returns how many were created."""
    dongs = list(Dong.objects.order_by("sort_order", "pk"))
    if not dongs:
        return 0
    created = 0
    checked = timezone.localdate() - timedelta(days=40)
    for row in _sample_rows(dongs):
        source_id = row.pop("source_id")
        if row["dong"] is None:
            row["dong"] = _nearest_dong(row["lat"], row["lon"], dongs)
        _facility, was_created = Facility.objects.get_or_create(
            source=SOURCE,
            source_id=source_id,
            defaults={**row, "is_sample": True, "is_active": True, "checked_on": checked},
        )
        created += was_created
    if stdout is not None:
        stdout.write(
            f"Sample facilities: {created} created, {Facility.objects.filter(source=SOURCE).count()} in all."
        )
    return created


def _bbox(geometry: dict[str, Any]) -> dict[str, float]:
    coords: list[list[float]] = []

    def walk(node: Any) -> None:
        if node and isinstance(node[0], (int, float)):
            coords.append(node)
        else:
            for child in node:
                walk(child)

    walk(geometry["coordinates"])
    lons, lats = [c[0] for c in coords], [c[1] for c in coords]
    return {"min_lat": min(lats), "max_lat": max(lats), "min_lon": min(lons), "max_lon": max(lons)}


def _steward(department: Department) -> User | None:
    officers = officers_of(department=department)
    return officers.get("primary") or officers.get("backup")


@transaction.atomic
def load_sample_layers(stdout: Any = None) -> int:
    """Create the map layers with their departments, stewards and sample features; returns how
    many layers were created. Existing layers are left as they are (an officer may have edited
    them)."""
    today = timezone.localdate()
    features: dict[str, list[dict[str, Any]]] = {}
    for feature in _read_json("layer_features.json")["features"]:
        features.setdefault(feature["properties"]["layer"], []).append(feature)
    created = 0
    for order, spec in enumerate(_read_json("layers.json")):
        department = Department.objects.filter(code=spec["department"]).first()
        if department is None:
            continue
        ko, en, zh = spec["name_ko"], spec["name_en"], spec["name_zh"]
        layer, was_created = MapLayer.objects.get_or_create(
            slug=spec["slug"],
            defaults={
                "name_ko": ko,
                "name_en": en,
                "name_zh": zh,
                "description_ko": f"{ko} 예시 자료입니다. 실제 자료는 담당 부서가 가져와 점검합니다.",
                "description_en": f"Sample data for {en.lower()}; the department imports and reviews the real data.",
                "description_zh": f"{zh}示例数据；实际数据由负责部门导入并核查。",
                "source_type": spec["source_type"],
                "facility_kinds": spec["facility_kinds"],
                "department": department,
                "steward": _steward(department),
                "data_source": spec["data_source"],
                "licence": spec["licence"],
                "reviewed_on": today - timedelta(days=spec["reviewed_days_ago"]),
                "review_every_days": spec["review_every_days"],
                "colour": spec["colour"],
                "sort_order": order * 10,
            },
        )
        created += was_created
        for feature in features.get(spec["slug"], []):
            properties = {
                k: v
                for k, v in feature["properties"].items()
                if k not in ("layer", "name_ko", "name_en", "name_zh")
            }
            LayerFeature.objects.get_or_create(
                layer=layer,
                source_id=feature["id"],
                defaults={
                    "name_ko": feature["properties"]["name_ko"] + MARK,
                    "name_en": feature["properties"]["name_en"] + " (sample)",
                    "name_zh": feature["properties"]["name_zh"] + "（示例）",
                    "geometry": feature["geometry"],
                    "properties": {**properties, "is_sample": True},
                    **_bbox(feature["geometry"]),
                },
            )
    if stdout is not None:
        stdout.write(f"Map layers: {created} created, {MapLayer.objects.count()} in all.")
    return created
