from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from sotong.organisation.models import Department
from sotong.safety.models import Facility, LayerFeature, MapLayer
from tests.clock import MONDAY_MORNING

# Layers are reviewed and go stale by the day.
pytestmark = pytest.mark.time_machine(MONDAY_MORNING)

LAYERS = "/admin/snippets/safety/maplayer/"
FEATURES = "/admin/snippets/safety/layerfeature/"
FACILITIES = "/admin/snippets/safety/facility/"


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def assert_denied(response: Any) -> None:
    """Wagtail answers a PermissionDenied with a redirect to the dashboard, or a 403."""
    assert response.status_code in {302, 403}, response.status_code
    if response.status_code == 302:
        assert response["Location"] == "/admin/"


@pytest.fixture
def roads_layer(district: Any) -> MapLayer:
    return MapLayer.objects.create(
        slug="road-works",
        name_ko="도로 공사 구간",
        source_type="features",
        department=Department.objects.get(code="roads"),
        data_source="도로과",
        licence="공공누리 제1유형",
        reviewed_on=timezone.localdate() - timedelta(days=426),
    )


@pytest.fixture
def safety_officer(district: Any) -> Any:
    from conftest import _staff

    return _staff("anjeon", "최안전", "safety_office", "safety")


def _form(layer: MapLayer, **changes: Any) -> dict[str, Any]:
    data = {
        "name_ko": layer.name_ko,
        "name_en": "",
        "name_zh": "",
        "slug": layer.slug,
        "description_ko": "",
        "description_en": "",
        "description_zh": "",
        "source_type": layer.source_type,
        "facility_kinds": "[]",
        "colour": layer.colour,
        "is_public": "on",
        "department": str(layer.department_id),
        "steward": "",
        "data_source": layer.data_source,
        "licence": layer.licence,
        "reviewed_on": str(layer.reviewed_on),
        "review_every_days": "365",
        "sort_order": "0",
    }
    data.update(changes)
    return data


def test_an_officer_of_another_department_cannot_edit_a_layer(sora: Any, roads_layer: MapLayer) -> None:
    client = signed_in(sora)

    assert_denied(client.get(f"{LAYERS}edit/{roads_layer.pk}/"))
    response = client.post(f"{LAYERS}edit/{roads_layer.pk}/", _form(roads_layer, name_ko="바꿈"))
    assert_denied(response)
    assert_denied(client.post(f"{LAYERS}delete/{roads_layer.pk}/"))
    roads_layer.refresh_from_db()
    assert roads_layer.name_ko == "도로 공사 구간"
    assert "도로 공사 구간" not in client.get(LAYERS).text


def test_the_departments_officer_edits_its_layer(junho: Any, roads_layer: MapLayer) -> None:
    today = timezone.localdate()
    response = signed_in(junho).post(
        f"{LAYERS}edit/{roads_layer.pk}/", _form(roads_layer, reviewed_on=str(today))
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    roads_layer.refresh_from_db()
    assert roads_layer.reviewed_on == today


def test_an_officer_cannot_move_a_layer_to_another_department(junho: Any, roads_layer: MapLayer) -> None:
    welfare = Department.objects.get(code="welfare")
    response = signed_in(junho).post(
        f"{LAYERS}edit/{roads_layer.pk}/", _form(roads_layer, department=str(welfare.pk))
    )

    assert response.status_code == 200  # the form again, with the error
    roads_layer.refresh_from_db()
    assert roads_layer.department.code == "roads"


def test_the_safety_office_edits_every_layer_and_sees_staleness(
    safety_officer: Any, roads_layer: MapLayer
) -> None:
    client = signed_in(safety_officer)

    listing = client.get(LAYERS)
    assert listing.status_code == 200
    assert "도로 공사 구간" in listing.text
    assert "14개월 전 점검" in listing.text
    assert "점검 필요" in listing.text
    assert client.get(f"{LAYERS}edit/{roads_layer.pk}/").status_code == 200


def test_features_follow_their_layers_department(sora: Any, junho: Any, roads_layer: MapLayer) -> None:
    data = {
        "layer": str(roads_layer.pk),
        "name_ko": "영등포로 공사",
        "name_en": "",
        "name_zh": "",
        "source_id": "works-1",
        "geometry": '{"type": "LineString", "coordinates": [[126.90, 37.51], [126.91, 37.52]]}',
        "properties": "{}",
    }
    # 소라 may add features to her own department's layers, not to roads': the choice is refused.
    refused = signed_in(sora).post(f"{FEATURES}add/", data)
    assert refused.status_code == 200
    assert not LayerFeature.objects.exists()

    response = signed_in(junho).post(f"{FEATURES}add/", data)

    assert response.status_code == 302, response.content.decode()[:2000]
    feature = LayerFeature.objects.get()
    assert (feature.min_lat, feature.max_lat, feature.min_lon, feature.max_lon) == (
        37.51,
        37.52,
        126.9,
        126.91,
    )


def test_a_feature_with_swapped_coordinates_is_refused(junho: Any, roads_layer: MapLayer) -> None:
    data = {
        "layer": str(roads_layer.pk),
        "name_ko": "뒤바뀐 좌표",
        "source_id": "",
        "geometry": '{"type": "Point", "coordinates": [37.51, 126.90]}',
        "properties": "{}",
    }

    response = signed_in(junho).post(f"{FEATURES}add/", data)

    assert response.status_code == 200
    assert "경도, 위도" in response.text
    assert not LayerFeature.objects.exists()


def test_the_facility_registry_is_the_safety_offices(safety_officer: Any, junho: Any) -> None:
    Facility.objects.create(kind="aed", name_ko="구청 AED", lat=37.5262, lon=126.8959, is_sample=True)
    Facility.objects.create(kind="heat_shelter", name_ko="경로당 쉼터", lat=37.53, lon=126.90)
    client = signed_in(safety_officer)

    filtered = client.get(FACILITIES, {"kind": "aed"})
    assert filtered.status_code == 200
    assert "구청 AED" in filtered.text and "경로당 쉼터" not in filtered.text
    assert "경로당 쉼터" in client.get(FACILITIES, {"q": "경로당"}).text
    assert_denied(signed_in(junho).get(FACILITIES))


def test_the_layer_list_costs_the_same_queries_for_more_layers(safety_officer: Any, junho: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    departments = list(Department.objects.order_by("pk")[:9])
    client = signed_in(safety_officer)

    def add(first: int, last: int) -> None:
        for n in range(first, last):
            MapLayer.objects.create(
                slug=f"layer-{n}",
                name_ko=f"레이어 {n}",
                source_type="features",
                department=departments[n],
                steward=junho,
                reviewed_on=timezone.localdate(),
            )

    add(0, 3)
    client.get(LAYERS)
    with CaptureQueriesContext(connection) as few:
        assert client.get(LAYERS).status_code == 200
    add(3, 9)
    with CaptureQueriesContext(connection) as many:
        assert "박준호" in client.get(LAYERS).text

    assert len(many) == len(few)
