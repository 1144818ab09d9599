"""What the safety page tests stand on: two guides in three languages, facilities around 당산1동
(37.5240, 126.8990) that test every shelter rule, and two map layers (one fresh, one stale)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from sotong.organisation.models import Department
from sotong.safety.models import ActionGuide, Facility, GuideStep, LayerFeature, MapLayer

DANGSAN1 = (37.5240, 126.8990)


def make_guides() -> list[ActionGuide]:
    flood = ActionGuide.objects.create(
        hazard="flood",
        title_ko="호우·침수 행동요령",
        title_en="Heavy rain and flooding",
        title_zh="暴雨·内涝应对要领",
        summary_ko="비가 많이 오면 지하를 피하고 높은 곳으로 가세요.",
        summary_en="In heavy rain keep out of basements and go to higher ground.",
        summary_zh="暴雨时远离地下空间，前往高处。",
        sort_order=1,
    )
    steps = [
        (
            "before",
            "everyone",
            "배수구를 미리 청소하세요.",
            "Clear the drains beforehand.",
            "提前清理排水口。",
        ),
        (
            "during",
            "everyone",
            "지하 주차장과 반지하에서 바로 나오세요.",
            "Leave basements and car parks at once.",
            "立即离开地下停车场和半地下室。",
        ),
        (
            "during",
            "elderly",
            "어르신은 이웃과 함께 일찍 대피하세요.",
            "Older people: leave early, with a neighbour.",
            "老年人请与邻居一起提早撤离。",
        ),
        (
            "during",
            "pet",
            "반려동물은 이동장에 넣어 데려가세요.",
            "Take pets in a carrier.",
            "将宠物放入宠物箱带走。",
        ),
        (
            "after",
            "everyone",
            "물에 잠겼던 전기제품은 점검 후 쓰세요.",
            "Have flooded appliances checked before use.",
            "被水淹过的电器检查后再使用。",
        ),
    ]
    for order, (phase, audience, ko, en, zh) in enumerate(steps):
        GuideStep.objects.create(
            guide=flood, phase=phase, audience=audience, text_ko=ko, text_en=en, text_zh=zh, sort_order=order
        )
    quake = ActionGuide.objects.create(
        hazard="earthquake",
        title_ko="지진 행동요령",
        title_en="Earthquake",
        title_zh="地震应对要领",
        summary_ko="흔들리는 동안 탁자 아래로, 멈추면 넓은 곳으로.",
        summary_en="Under a table while it shakes, then out into the open.",
        summary_zh="摇晃时躲在桌下，停止后前往空旷处。",
        sort_order=0,
    )
    GuideStep.objects.create(
        guide=quake,
        phase="during",
        text_ko="탁자 아래로 들어가 머리를 보호하세요.",
        text_en="Get under a table and protect your head.",
        text_zh="躲到桌下保护头部。",
    )
    return [quake, flood]


def make_facilities() -> dict[str, Facility]:
    lat, lon = DANGSAN1

    def facility(key: str, **fields: Any) -> Facility:
        defaults = {"source": "test", "source_id": key, "checked_on": timezone.localdate()}
        return Facility.objects.create(**{**defaults, **fields})

    return {
        # 300 m north: a school gym for floods (indoor), open always.
        "gym": facility(
            "gym",
            kind="temporary_housing",
            name_ko="당산초등학교 체육관",
            name_en="Dangsan Elementary School gym",
            name_zh="堂山小学体育馆",
            address="당산로 1",
            lat=lat + 0.0027,
            lon=lon,
            setting="indoor",
            capacity=300,
            step_free=True,
            has_lift=False,
            always_open=True,
        ),
        # Nearer (100 m) but underground: never for a flood; fine for an air raid.
        "bunker": facility(
            "bunker",
            kind="temporary_housing",
            name_ko="당산역 지하상가",
            name_en="Dangsan Station arcade",
            name_zh="堂山站地下商街",
            lat=lat - 0.0009,
            lon=lon,
            setting="underground",
            capacity=900,
            always_open=True,
        ),
        "civil": facility(
            "civil",
            kind="civil_defence",
            name_ko="당산동 지하주차장 대피소",
            name_en="Dangsan car park shelter",
            name_zh="堂山洞地下停车场避难所",
            lat=lat,
            lon=lon + 0.0015,
            setting="underground",
            capacity=1200,
            always_open=True,
        ),
        # 1.1 km east: a park for earthquakes.
        "park": facility(
            "park",
            kind="earthquake_outdoor",
            name_ko="당산공원",
            name_en="Dangsan Park",
            name_zh="堂山公园",
            lat=lat,
            lon=lon + 0.0125,
            setting="outdoor",
            capacity=2000,
            always_open=True,
        ),
        # A cooling centre open only on weekday daytime hours.
        "cooling": facility(
            "cooling",
            kind="heat_shelter",
            name_ko="당산1동 경로당",
            name_en="Dangsan 1 seniors' centre",
            name_zh="堂山1洞敬老院",
            lat=lat + 0.001,
            lon=lon + 0.001,
            setting="indoor",
            capacity=20,
            opening_hours=[{"days": "weekday", "open": "09:00", "close": "18:00"}],
        ),
    }


def make_layers() -> list[MapLayer]:
    safety_dept = Department.objects.order_by("pk").first()
    assert safety_dept is not None
    today = timezone.localdate()
    shelters = MapLayer.objects.create(
        slug="shelters",
        name_ko="대피 장소",
        name_en="Shelters",
        name_zh="避难场所",
        source_type=MapLayer.Source.FACILITIES,
        facility_kinds=["temporary_housing", "civil_defence", "earthquake_outdoor"],
        department=safety_dept,
        data_source="행정안전부 대피소 자료",
        licence="공공누리 제1유형",
        reviewed_on=today - timedelta(days=40),
        colour="#0b5cad",
        sort_order=0,
    )
    flood = MapLayer.objects.create(
        slug="flood-risk",
        name_ko="침수 위험 지역",
        name_en="Flood-risk zones",
        name_zh="内涝危险区",
        source_type=MapLayer.Source.FEATURES,
        department=safety_dept,
        data_source="치수과 조사",
        licence="CC BY 4.0",
        reviewed_on=today - timedelta(days=430),
        review_every_days=365,
        colour="#b3261e",
        sort_order=1,
    )
    lat, lon = DANGSAN1
    LayerFeature.objects.create(
        layer=flood,
        name_ko="당산동 저지대",
        name_en="Dangsan low ground",
        name_zh="堂山洞低洼地",
        geometry={
            "type": "Polygon",
            "coordinates": [[[lon, lat], [lon + 0.004, lat], [lon + 0.004, lat + 0.003], [lon, lat]]],
        },
        properties={"address": "당산동 일대"},
        min_lat=lat,
        min_lon=lon,
        max_lat=lat + 0.003,
        max_lon=lon + 0.004,
    )
    return [shelters, flood]
