"""The demo's sample facilities and map layers for Yeongdeungpo-gu.

Everything here is invented for the demo, placed near the real dongs' centres and marked as a
sample: `is_sample=True`, "(예시)" in every name, source "sample". Generated from a fixed seed, so
every demo shows the same places; loading twice changes nothing."""

from __future__ import annotations

import math
import random
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from sotong.organisation.models import Department, Dong
from sotong.organisation.selectors import officers_of
from sotong.safety.choices import FacilityKind
from sotong.safety.models import Facility, LayerFeature, MapLayer

SOURCE = "sample"
SEED = 20260
MARK = " (예시)"

WEEKDAY_9_18 = [{"days": "weekday", "open": "09:00", "close": "18:00"}]
CENTRE_HOURS = [
    {"days": "weekday", "open": "09:00", "close": "21:00"},
    {"days": "saturday", "open": "09:00", "close": "18:00"},
]
BANK_HOURS = [{"days": "weekday", "open": "09:00", "close": "16:00"}]
# A subway concourse opens with the first train and closes after the last (past midnight).
SUBWAY_HOURS = [
    {"days": d, "open": "05:30", "close": "00:30"} for d in ("weekday", "saturday", "sunday", "holiday")
]
PHARMACY_HOURS = [
    {"days": "weekday", "open": "09:00", "close": "21:00"},
    {"days": "saturday", "open": "09:00", "close": "18:00"},
    {"days": "sunday", "open": "10:00", "close": "22:00"},
    {"days": "holiday", "open": "10:00", "close": "22:00"},
]

# kind → list of (name pattern, English, Chinese, setting, capacity range, hours or "always", floor)
PLACES: dict[str, list[tuple[str, str, str, str, tuple[int, int], Any, str]]] = {
    FacilityKind.CIVIL_DEFENCE: [
        (
            "{dong} 아파트 지하주차장",
            "{dong_en} apartment car park",
            "{dong_zh}公寓地下停车场",
            "underground",
            (800, 3200),
            "always",
            "지하1~2층",
        ),
        (
            "{dong} 지하철역 대합실",
            "{dong_en} subway concourse",
            "{dong_zh}地铁站大厅",
            "underground",
            (1500, 6000),
            SUBWAY_HOURS,
            "지하1층",
        ),
        (
            "{dong} 주민센터 지하",
            "{dong_en} community centre basement",
            "{dong_zh}居民中心地下",
            "underground",
            (200, 600),
            WEEKDAY_9_18,
            "지하1층",
        ),
    ],
    FacilityKind.EARTHQUAKE_OUTDOOR: [
        (
            "{dong} 초등학교 운동장",
            "{dong_en} elementary school playground",
            "{dong_zh}小学操场",
            "outdoor",
            (1500, 4000),
            "always",
            "",
        ),
        (
            "{dong} 근린공원",
            "{dong_en} neighbourhood park",
            "{dong_zh}社区公园",
            "outdoor",
            (1000, 5000),
            "always",
            "",
        ),
    ],
    FacilityKind.EARTHQUAKE_HOUSING: [
        (
            "{dong} 중학교 체육관",
            "{dong_en} middle school gym",
            "{dong_zh}中学体育馆",
            "indoor",
            (150, 400),
            "always",
            "1층",
        ),
    ],
    FacilityKind.TEMPORARY_HOUSING: [
        (
            "{dong} 주민센터 강당",
            "{dong_en} community centre hall",
            "{dong_zh}居民中心礼堂",
            "indoor",
            (60, 200),
            "always",
            "3층",
        ),
        (
            "{dong} 종합사회복지관",
            "{dong_en} community welfare centre",
            "{dong_zh}综合社会福利馆",
            "indoor",
            (80, 250),
            "always",
            "2층",
        ),
    ],
    FacilityKind.HEAT_SHELTER: [
        (
            "{dong} 경로당",
            "{dong_en} senior centre",
            "{dong_zh}敬老堂",
            "indoor",
            (15, 40),
            WEEKDAY_9_18,
            "1층",
        ),
        (
            "{dong} 주민센터",
            "{dong_en} community centre",
            "{dong_zh}居民中心",
            "indoor",
            (30, 80),
            CENTRE_HOURS,
            "1층",
        ),
        (
            "{dong} 은행 지점",
            "{dong_en} bank branch",
            "{dong_zh}银行支行",
            "indoor",
            (10, 25),
            BANK_HOURS,
            "1층",
        ),
        (
            "{dong} 공원 그늘쉼터",
            "{dong_en} park shade shelter",
            "{dong_zh}公园遮阳休息处",
            "outdoor",
            (20, 60),
            "always",
            "",
        ),
    ],
    FacilityKind.COLD_SHELTER: [
        (
            "{dong} 경로당",
            "{dong_en} senior centre",
            "{dong_zh}敬老堂",
            "indoor",
            (15, 40),
            WEEKDAY_9_18,
            "1층",
        ),
        (
            "{dong} 작은도서관",
            "{dong_en} small library",
            "{dong_zh}小图书馆",
            "indoor",
            (20, 50),
            CENTRE_HOURS,
            "2층",
        ),
    ],
    FacilityKind.AED: [
        (
            "{dong} 주민센터 1층 민원실",
            "{dong_en} community centre, ground floor",
            "{dong_zh}居民中心一楼",
            "indoor",
            (0, 0),
            WEEKDAY_9_18,
            "1층",
        ),
        (
            "{dong} 지하철역 고객안전실 앞",
            "{dong_en} subway station, by the safety office",
            "{dong_zh}地铁站安全室前",
            "underground",
            (0, 0),
            SUBWAY_HOURS,
            "지하1층",
        ),
        (
            "{dong} 아파트 관리사무소",
            "{dong_en} apartment management office",
            "{dong_zh}公寓管理办公室",
            "indoor",
            (0, 0),
            "always",
            "1층",
        ),
    ],
    FacilityKind.PHARMACY: [
        (
            "{dong} 휴일지킴이 약국",
            "{dong_en} holiday pharmacy",
            "{dong_zh}假日值班药店",
            "indoor",
            (0, 0),
            PHARMACY_HOURS,
            "1층",
        ),
    ],
}
# How many of each kind per dong (fractions: every other dong).
PER_DONG = {
    FacilityKind.CIVIL_DEFENCE: 3,
    FacilityKind.EARTHQUAKE_OUTDOOR: 1,
    FacilityKind.EARTHQUAKE_HOUSING: 0.5,
    FacilityKind.TEMPORARY_HOUSING: 1,
    FacilityKind.HEAT_SHELTER: 3,
    FacilityKind.COLD_SHELTER: 2,
    FacilityKind.AED: 2,
    FacilityKind.PHARMACY: 0.5,
}
HOSPITALS = [
    (
        "영등포 권역응급의료센터",
        "Yeongdeungpo regional emergency centre",
        "永登浦区域急救中心",
        37.5187,
        126.9082,
    ),
    ("여의도 지역응급의료기관", "Yeouido emergency hospital", "汝矣岛急救医院", 37.5190, 126.9366),
    ("대림 지역응급의료기관", "Daerim emergency hospital", "大林急救医院", 37.4912, 126.9060),
    ("신길 지역응급의료기관", "Singil emergency hospital", "新吉急救医院", 37.5065, 126.9217),
]
# Seoul is not on the coast; the kind exists for coastal districts, so the demo shows two
# high-ground places in Yeouido to have every kind on the map.
TSUNAMI = [
    ("여의도 고층건물 옥상정원", "Yeouido high-rise roof garden", "汝矣岛高楼屋顶花园", 37.5245, 126.9260),
    ("여의도공원 높은 언덕", "Yeouido Park high ground", "汝矣岛公园高地", 37.5262, 126.9220),
]


def _near(rng: random.Random, lat: float, lon: float, radius_m: float = 450) -> tuple[float, float]:
    angle = rng.uniform(0, 2 * math.pi)
    r = radius_m * math.sqrt(rng.random())
    dlat = r * math.cos(angle) / 111_320
    dlon = r * math.sin(angle) / (111_320 * math.cos(math.radians(lat)))
    return round(lat + dlat, 6), round(lon + dlon, 6)


def _sample_rows(dongs: list[Dong]) -> list[dict[str, Any]]:
    rng = random.Random(SEED)  # noqa: S311 - deterministic demo data, not a secret
    rows: list[dict[str, Any]] = []
    for index, dong in enumerate(dongs):
        for kind, per in PER_DONG.items():
            count = int(per) if per >= 1 else (1 if index % round(1 / per) == 0 else 0)
            places = PLACES[kind]
            for n in range(count):
                pattern, en, zh, setting, (low, high), hours, floor = places[(index + n) % len(places)]
                lat, lon = _near(rng, float(dong.lat), float(dong.lon))
                always = hours == "always"
                step_free = rng.choice([True, True, False, None])
                rows.append(
                    {
                        "source_id": f"{kind}-{dong.code}-{n + 1}",
                        "kind": kind,
                        "name_ko": pattern.format(dong=dong.name_ko) + MARK,
                        "name_en": en.format(dong_en=dong.name_en) + " (sample)",
                        "name_zh": zh.format(dong_zh=dong.name_zh) + "（示例）",
                        "address": f"서울특별시 영등포구 {dong.name_ko} (예시 주소)",
                        "dong": dong,
                        "lat": lat,
                        "lon": lon,
                        "setting": setting,
                        "floor": floor,
                        "capacity": rng.randint(low, high) if high else None,
                        "always_open": always,
                        "opening_hours": [] if always else hours,
                        "step_free": step_free,
                        "has_lift": (setting == "underground" and step_free is True) or None,
                        "phone": f"02-2670-{rng.randint(3000, 4999)}",
                    }
                )
    for kind, fixed in ((FacilityKind.HOSPITAL, HOSPITALS), (FacilityKind.TSUNAMI_EVACUATION, TSUNAMI)):
        for n, (ko, en, zh, lat, lon) in enumerate(fixed, start=1):
            rows.append(
                {
                    "source_id": f"{kind}-{n}",
                    "kind": kind,
                    "name_ko": ko + MARK,
                    "name_en": en + " (sample)",
                    "name_zh": zh + "（示例）",
                    "address": "서울특별시 영등포구 (예시 주소)",
                    "dong": None,
                    "lat": lat,
                    "lon": lon,
                    "setting": "outdoor" if kind == FacilityKind.TSUNAMI_EVACUATION else "indoor",
                    "floor": "",
                    "capacity": None,
                    "always_open": True,
                    "opening_hours": [],
                    "step_free": True,
                    "has_lift": kind == FacilityKind.HOSPITAL,
                    "phone": "119" if kind == FacilityKind.HOSPITAL else "",
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


KOGL_1 = "공공누리 제1유형(출처표시)"
SHELTER_KINDS: list[str] = [
    FacilityKind.CIVIL_DEFENCE,
    FacilityKind.EARTHQUAKE_OUTDOOR,
    FacilityKind.EARTHQUAKE_HOUSING,
    FacilityKind.TEMPORARY_HOUSING,
    FacilityKind.TSUNAMI_EVACUATION,
]
# slug, names (ko, en, zh), source type, kinds, department code, data source, reviewed days ago,
# review period (days), colour
LAYERS: list[tuple[str, tuple[str, str, str], str, list[str], str, str, int, int, str]] = [
    (
        "shelters",
        ("대피소", "Shelters", "避难所"),
        "facilities",
        SHELTER_KINDS,
        "safety",
        "행정안전부 민방위대피시설·지진옥외대피장소, 영등포구 이재민 임시주거시설 (예시)",
        35,
        365,
        "#0b5cad",
    ),
    (
        "heat-cold-shelters",
        ("무더위·한파쉼터", "Cooling and warming centres", "避暑·避寒休息处"),
        "facilities",
        [str(FacilityKind.HEAT_SHELTER), str(FacilityKind.COLD_SHELTER)],
        "safety",
        "행정안전부 무더위쉼터·한파쉼터 표준데이터 (예시)",
        60,
        180,
        "#d9480f",
    ),
    (
        "aed-emergency",
        ("심장충격기·응급의료", "AEDs and emergency care", "除颤器·急救医疗"),
        "facilities",
        [str(FacilityKind.AED), str(FacilityKind.HOSPITAL), str(FacilityKind.PHARMACY)],
        "health_admin",
        "국립중앙의료원 AED 정보, 응급의료기관·휴일지킴이 약국 (예시)",
        90,
        180,
        "#c92a2a",
    ),
    (
        "flood-risk",
        ("침수 위험 지역", "Flood-risk zones", "内涝风险区"),
        "features",
        [],
        "water",
        "영등포구 치수과 침수흔적도·내수침수 위험지도 (예시)",
        120,
        365,
        "#1971c2",
    ),
    (
        "landslide",
        ("산사태·급경사지", "Landslide and steep-slope areas", "山体滑坡·陡坡区"),
        "features",
        [],
        "parks",
        "산림청 산사태위험지도, 영등포구 급경사지 관리대장 (예시)",
        426,
        365,
        "#795548",
    ),
    (
        "child-protection",
        ("어린이보호구역", "Child protection zones", "儿童保护区"),
        "features",
        [],
        "traffic",
        "행정안전부 전국어린이보호구역표준데이터 (예시)",
        75,
        365,
        "#f08c00",
    ),
    (
        "safe-routes",
        ("안심귀갓길", "Safe routes home", "安心回家路"),
        "features",
        [],
        "traffic",
        "영등포구·영등포경찰서 안심귀갓길 (예시)",
        200,
        365,
        "#7048e8",
    ),
    (
        "reported-hazards",
        ("주민이 알린 위험 요소", "Hazards reported by residents", "居民报告的危险"),
        "voice",
        [],
        "pr",
        "통합 소통 창구 주민 신고 (공개 동의분)",
        1,
        30,
        "#e64980",
    ),
]


def _ring(points: list[tuple[float, float]]) -> list[list[float]]:
    ring = [[round(lon, 6), round(lat, 6)] for lat, lon in points]
    return [*ring, ring[0]]


def _circle(lat: float, lon: float, radius_m: float, sides: int = 12) -> dict[str, Any]:
    points = []
    for i in range(sides):
        angle = 2 * math.pi * i / sides
        points.append(
            (
                lat + radius_m * math.cos(angle) / 111_320,
                lon + radius_m * math.sin(angle) / (111_320 * math.cos(math.radians(lat))),
            )
        )
    return {"type": "Polygon", "coordinates": [_ring(points)]}


def _box(lat: float, lon: float, dlat_m: float, dlon_m: float) -> dict[str, Any]:
    dy, dx = dlat_m / 111_320, dlon_m / (111_320 * math.cos(math.radians(lat)))
    return {
        "type": "Polygon",
        "coordinates": [
            _ring([(lat - dy, lon - dx), (lat - dy, lon + dx), (lat + dy, lon + dx), (lat + dy, lon - dx)])
        ],
    }


def _line(points: list[tuple[float, float]]) -> dict[str, Any]:
    return {"type": "LineString", "coordinates": [[round(lon, 6), round(lat, 6)] for lat, lon in points]}


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


# slug → [(source id, name ko, en, zh, geometry, properties)]
FEATURES: dict[str, list[tuple[str, str, str, str, dict[str, Any], dict[str, Any]]]] = {
    "flood-risk": [
        (
            "flood-yangpyeong2",
            "양평2동 한강변 저지대",
            "Yangpyeong 2-dong riverside lowland",
            "杨坪2洞汉江边低洼地",
            _box(37.5380, 126.8890, 220, 420),
            {"depth_m": "0.5~1.0", "last_flooded": "2022-08"},
        ),
        (
            "flood-dangsan2",
            "당산2동 노들로 지하차도 주변",
            "Dangsan 2-dong, Nodeul-ro underpass",
            "堂山2洞鹭梁路地下通道周边",
            _box(37.5355, 126.8990, 150, 260),
            {"depth_m": "1.0 이상", "last_flooded": "2020-08"},
        ),
        (
            "flood-dorimcheon",
            "도림천 하류 도림·문래동 일대",
            "Lower Dorimcheon, Dorim and Mullae",
            "道林川下游道林·文来洞一带",
            _box(37.5120, 126.8970, 180, 300),
            {"depth_m": "0.3~0.5", "last_flooded": "2022-08"},
        ),
        (
            "flood-daerim2",
            "대림2동 도림천변 주택가",
            "Daerim 2-dong, houses along Dorimcheon",
            "大林2洞道林川边住宅区",
            _box(37.4930, 126.8975, 160, 220),
            {"depth_m": "0.3~0.5", "last_flooded": "2022-08"},
        ),
        (
            "flood-anyangcheon",
            "안양천 합류부 양평1동 저지대",
            "Yangpyeong 1-dong, Anyangcheon confluence",
            "杨坪1洞安养川汇合处低洼地",
            _box(37.5270, 126.8840, 200, 200),
            {"depth_m": "0.5~1.0", "last_flooded": "2010-09"},
        ),
    ],
    "landslide": [
        (
            "slope-singil6",
            "신길6동 급경사지 (보라매공원 인접)",
            "Singil 6-dong steep slope",
            "新吉6洞陡坡",
            _box(37.4995, 126.9210, 90, 140),
            {"grade": "C"},
        ),
        (
            "slope-daerim3",
            "대림3동 옹벽·축대 구간",
            "Daerim 3-dong retaining walls",
            "大林3洞挡土墙路段",
            _box(37.4975, 126.9010, 70, 110),
            {"grade": "D"},
        ),
    ],
    "child-protection": [
        (
            f"school-{code}",
            f"{name} 어린이보호구역",
            f"{en} child protection zone",
            f"{zh}儿童保护区",
            _circle(lat, lon, 300),
            {"speed_limit_kmh": 30, "radius_m": 300},
        )
        for code, name, en, zh, lat, lon in [
            ("dangsan", "당산초등학교", "Dangsan Elementary", "堂山小学", 37.5300, 126.9000),
            ("yeongdong", "영동초등학교", "Yeongdong Elementary", "永东小学", 37.5190, 126.9050),
            ("yeoui", "여의도초등학교", "Yeouido Elementary", "汝矣岛小学", 37.5275, 126.9290),
            ("mullae", "문래초등학교", "Mullae Elementary", "文来小学", 37.5170, 126.8930),
            ("singil", "신길초등학교", "Singil Elementary", "新吉小学", 37.5110, 126.9140),
            ("daerim", "대림초등학교", "Daerim Elementary", "大林小学", 37.4945, 126.9040),
            ("yangpyeong", "양평초등학교", "Yangpyeong Elementary", "杨坪小学", 37.5250, 126.8870),
            ("dorim", "도림초등학교", "Dorim Elementary", "道林小学", 37.5080, 126.9010),
        ]
    ],
    "safe-routes": [
        (
            "route-singil",
            "신길동 안심귀갓길 (신풍역~신길5동)",
            "Singil safe route (Sinpung stn)",
            "新吉安心回家路",
            _line([(37.5000, 126.9095), (37.5012, 126.9110), (37.5030, 126.9122), (37.5048, 126.9130)]),
            {"lights": 14, "emergency_bells": 3},
        ),
        (
            "route-daerim",
            "대림동 안심귀갓길 (대림역~대림2동)",
            "Daerim safe route (Daerim stn)",
            "大林安心回家路",
            _line([(37.4930, 126.8950), (37.4922, 126.8968), (37.4915, 126.8990), (37.4908, 126.9010)]),
            {"lights": 11, "emergency_bells": 2},
        ),
        (
            "route-mullae",
            "문래동 안심귀갓길 (문래역~문래창작촌)",
            "Mullae safe route (Mullae stn)",
            "文来安心回家路",
            _line([(37.5180, 126.8950), (37.5168, 126.8932), (37.5155, 126.8915), (37.5145, 126.8898)]),
            {"lights": 9, "emergency_bells": 2},
        ),
    ],
}


def _steward(department: Department) -> Any:
    officers = officers_of(department=department)
    return officers.get("primary") or officers.get("backup")


@transaction.atomic
def load_sample_layers(stdout: Any = None) -> int:
    """Create the map layers with their departments, stewards and sample features; returns how
    many layers were created. Existing layers are left as they are (an officer may have edited
    them)."""
    today = timezone.localdate()
    created = 0
    for order, (slug, (ko, en, zh), source_type, kinds, code, data_source, age, every, colour) in enumerate(
        LAYERS
    ):
        department = Department.objects.filter(code=code).first()
        if department is None:
            continue
        layer, was_created = MapLayer.objects.get_or_create(
            slug=slug,
            defaults={
                "name_ko": ko,
                "name_en": en,
                "name_zh": zh,
                "description_ko": f"{ko} 예시 자료입니다. 실제 자료는 담당 부서가 가져와 점검합니다.",
                "description_en": f"Sample data for {en.lower()}; the department imports and reviews the real data.",
                "description_zh": f"{zh}示例数据；实际数据由负责部门导入并核查。",
                "source_type": source_type,
                "facility_kinds": [str(k) for k in kinds],
                "department": department,
                "steward": _steward(department),
                "data_source": data_source,
                "licence": KOGL_1,
                "reviewed_on": today - timedelta(days=age),
                "review_every_days": every,
                "colour": colour,
                "sort_order": order * 10,
            },
        )
        created += was_created
        for source_id, f_ko, f_en, f_zh, geometry, properties in FEATURES.get(slug, []):
            LayerFeature.objects.get_or_create(
                layer=layer,
                source_id=source_id,
                defaults={
                    "name_ko": f_ko + MARK,
                    "name_en": f_en + " (sample)",
                    "name_zh": f_zh + "（示例）",
                    "geometry": geometry,
                    "properties": {**properties, "is_sample": True},
                    **_bbox(geometry),
                },
            )
    if stdout is not None:
        stdout.write(f"Map layers: {created} created, {MapLayer.objects.count()} in all.")
    return created
