from __future__ import annotations

import json
import uuid
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from sotong.organisation.models import Department
from sotong.safety.models import LayerFeature, MapLayer
from sotong.safety.tests.nearby import facility
from tests.clock import MONDAY_MORNING

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(MONDAY_MORNING)]


def layer(slug: str, source_type: str, department: str = "safety", **fields: Any) -> MapLayer:
    fields.setdefault("reviewed_on", timezone.localdate() - timedelta(days=30))
    return MapLayer.objects.create(
        slug=slug,
        name_ko=fields.pop("name_ko", slug),
        source_type=source_type,
        department=Department.objects.filter(code=department).first() or Department.objects.first(),
        **fields,
    )


def zone(on: MapLayer, name: str) -> LayerFeature:
    ring = [[126.90, 37.53], [126.91, 37.53], [126.91, 37.54], [126.90, 37.53]]
    return LayerFeature.objects.create(
        layer=on,
        name_ko=name,
        geometry={"type": "Polygon", "coordinates": [ring]},
        properties={"depth_m": 0.5, "nested": {"no": 1}},
        min_lat=37.53,
        min_lon=126.90,
        max_lat=37.54,
        max_lon=126.91,
    )


def report(*, code: str = "drains_flooding", status: str | None = None, **extra: Any) -> Any:
    from sotong.voice.models import Case, ServiceCategory
    from sotong.voice.services.intake import Submission, case_receive

    extra.setdefault("consent_publish", True)
    extra.setdefault("lat", Decimal("37.526417"))
    extra.setdefault("lon", Decimal("126.896281"))
    case, _ = case_receive(
        submission=Submission(
            channel="web",
            external_id=uuid.uuid4().hex,
            category=ServiceCategory.objects.get(code=code),
            text="빗물받이가 막혀 도로가 잠겼어요. 김민지 010-1234-5678",
            contact_name="김민지",
            contact_phone="010-1234-5678",
            consent_contact=True,
            address_text="영등포로 1234-5 민지네 집 앞",
            **extra,
        )
    )
    if status:
        Case.objects.filter(pk=case.pk).update(status=status)
    return case


@pytest.fixture
def layers(district: Any) -> dict[str, MapLayer]:
    made = {
        "shelters": layer(
            "shelters", "facilities", facility_kinds=["heat_shelter", "cold_shelter"], name_en="Shelters"
        ),
        "flood": layer(
            "flood-zones",
            "features",
            reviewed_on=date(2020, 1, 1),
            licence="공공누리 제1유형",
            data_source="서울 열린데이터광장",
            colour="#1565c0",
        ),
        "reports": layer("reported-hazards", "voice"),
        "hidden": layer("hidden", "features", is_public=False),
    }
    facility(name="당산 무더위쉼터", kind="heat_shelter", name_en="Dangsan cooling centre")
    facility(name="한파쉼터", kind="cold_shelter", north_m=300)
    facility(name="AED", kind="aed")
    zone(made["flood"], "침수 위험 구역 1")
    zone(made["flood"], "침수 위험 구역 2")
    zone(made["hidden"], "비공개")
    return made


def test_layers_json_lists_public_layers_with_owner_source_and_freshness(layers: Any, client: Client) -> None:
    response = client.get("/api/safety/layers.json")
    assert response.status_code == 200 and response["Access-Control-Allow-Origin"] == "*"
    items = {item["slug"]: item for item in response.json()["layers"]}
    assert set(items) == {"shelters", "flood-zones", "reported-hazards"}
    flood = items["flood-zones"]
    assert (
        flood["stale"] is True and flood["reviewed_on"] == "2020-01-01" and flood["days_since_review"] > 2000
    )
    assert (flood["licence"], flood["data_source"], flood["colour"]) == (
        "공공누리 제1유형",
        "서울 열린데이터광장",
        "#1565c0",
    )
    assert flood["department"] == layers["flood"].department.name_ko
    assert flood["geojson_url"].endswith("/api/safety/layers/flood-zones.geojson")
    assert items["shelters"]["stale"] is False
    assert (items["shelters"]["count"], flood["count"], items["reported-hazards"]["count"]) == (2, 2, 0)
    english = client.get("/api/safety/layers.json?lang=en").json()["layers"]
    assert next(i for i in english if i["slug"] == "shelters")["name"] == "Shelters"


def test_layers_json_costs_the_same_queries_however_many_layers(
    layers: Any, client: Client, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(3):
        client.get("/api/safety/layers.json")
    for n in range(5):
        zone(layer(f"more-{n}", "features"), "구역")
        layer(f"kinds-{n}", "facilities", facility_kinds=["aed"])
    with django_assert_num_queries(3):
        client.get("/api/safety/layers.json")


def geojson(client: Client, slug: str) -> dict[str, Any]:
    response = client.get(f"/api/safety/layers/{slug}.geojson")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    document = json.loads(response.content)
    assert document["type"] == "FeatureCollection"
    for feature in document["features"]:
        assert feature["type"] == "Feature" and isinstance(feature["properties"], dict)
        geometry = feature["geometry"]
        assert geometry["type"] in {"Point", "Polygon", "MultiPolygon", "LineString", "MultiLineString"}
        if geometry["type"] == "Point":
            lon, lat = geometry["coordinates"]
            assert 124 < lon < 132 and 33 < lat < 39  # GeoJSON order: longitude first
    return document


def test_a_facilities_layer_is_points_of_its_kinds(
    layers: Any, client: Client, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(2):
        document = geojson(client, "shelters")
    names = sorted(f["properties"]["name"] for f in document["features"])
    assert names == ["당산 무더위쉼터", "한파쉼터"]
    assert {f["properties"]["kind"] for f in document["features"]} == {"heat_shelter", "cold_shelter"}


def test_a_features_layer_gives_its_shapes_with_plain_properties(
    layers: Any, client: Client, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(2):
        document = geojson(client, "flood-zones")
    assert [f["properties"]["name"] for f in document["features"]] == ["침수 위험 구역 1", "침수 위험 구역 2"]
    assert document["features"][0]["geometry"]["type"] == "Polygon"
    assert document["features"][0]["properties"]["depth_m"] == 0.5
    assert "nested" not in document["features"][0]["properties"]


def test_a_hidden_or_unknown_layer_is_not_found(layers: Any, client: Client) -> None:
    assert client.get("/api/safety/layers/hidden.geojson").status_code == 404
    assert client.get("/api/safety/layers/nothing.geojson").status_code == 404


def test_the_reported_hazards_layer_shows_only_published_hazard_reports_without_personal_data(
    layers: Any, client: Client, django_assert_num_queries: Any
) -> None:
    from sotong.voice.choices import Status

    report()
    report(code="road_damage", status=Status.ANSWERED)
    report(consent_publish=False)  # not allowed to publish
    report(status=Status.CLOSED)  # over
    report(code="illegal_parking")  # not a hazard
    report(lat=None, lon=None)  # no place

    response = client.get("/api/safety/layers/reported-hazards.geojson")
    with django_assert_num_queries(2):
        document = geojson(client, "reported-hazards")
    assert sorted(f["properties"]["category"] for f in document["features"]) == [
        "drains_flooding",
        "road_damage",
    ]
    for feature in document["features"]:
        assert feature["geometry"]["coordinates"] == [126.896, 37.526]
        assert set(feature["properties"]) == {
            "category",
            "category_name",
            "status",
            "status_label",
            "reported_on",
        }
    text = response.content.decode()
    for personal in ("김민지", "민지", "010", "5678", "영등포로", "1234", "26417", "96281", "number", "text"):
        assert personal not in text
    layers_json = {i["slug"]: i for i in client.get("/api/safety/layers.json").json()["layers"]}
    assert layers_json["reported-hazards"]["count"] == 2
