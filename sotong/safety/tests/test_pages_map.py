"""/safety/map/: every public layer also as a table, with its department, source, licence and freshness."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from sotong.safety.tests import alerts_fixtures
from sotong.safety.tests.alerts_fixtures import published
from sotong.safety.tests.pages_fixtures import make_facilities, make_layers

pytestmark = pytest.mark.django_db
seoyeon = alerts_fixtures.seoyeon


@pytest.fixture
def facilities(db: Any) -> Any:
    return make_facilities()


@pytest.fixture
def layers(district: Any) -> Any:
    return make_layers()


def test_every_layer_has_a_table_with_its_owner_and_freshness(layers: Any, facilities: Any) -> None:
    html = Client().get("/safety/map/").content.decode()
    assert 'id="layer-shelters"' in html and 'id="layer-flood-risk"' in html
    assert '<th scope="row">당산초등학교 체육관</th>' in html
    assert '<th scope="row">당산동 저지대</th><td>당산동 일대</td><td>구역</td>' in html
    assert "공공누리 제1유형" in html and "CC BY 4.0" in html
    assert "1개월 전 점검" in html
    assert "14개월 전 점검" in html
    assert html.count('class="stale"') == 1
    assert "점검 주기가 지나 정보가 오래되었을 수 있습니다" in html


def test_the_map_page_names_its_layers_in_english(layers: Any, facilities: Any) -> None:
    html = Client().get("/en/safety/map/").content.decode()
    assert "Flood-risk zones" in html
    assert "14 months ago" in html


def test_each_more_layer_costs_one_query_not_one_per_feature(
    layers: Any, facilities: Any, django_assert_max_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sotong.safety.models import LayerFeature, MapLayer

    client = Client()
    with CaptureQueriesContext(connection) as two_layers:
        assert client.get("/safety/map/").status_code == 200
    routes = MapLayer.objects.create(
        slug="safe-routes",
        name_ko="안심 귀갓길",
        source_type=MapLayer.Source.FEATURES,
        department=layers[0].department,
        sort_order=2,
    )
    for i in range(5):
        LayerFeature.objects.create(
            layer=routes,
            name_ko=f"귀갓길 {i}",
            geometry={"type": "LineString", "coordinates": [[126.9, 37.52], [126.91, 37.53]]},
            min_lat=37.52,
            min_lon=126.9,
            max_lat=37.53,
            max_lon=126.91,
        )
    with django_assert_max_num_queries(len(two_layers) + 1):
        html = client.get("/safety/map/").content.decode()
    assert html.count('<th scope="row">귀갓길 ') == 5


def toggled_on(html: str) -> set[str]:
    return set(re.findall(r'<input type="checkbox" id="toggle-[^"]+" value="([^"]+)" checked', html))


def test_the_map_opens_with_the_shelters_the_other_layers_one_tap_away(layers: Any, facilities: Any) -> None:
    html = Client().get("/safety/map/").content.decode()

    assert toggled_on(html) == {"shelters"}
    assert 'value="flood-risk"' in html
    assert "고른 대로 이 기기에 기억합니다" in html


def test_an_alert_in_force_opens_the_layers_for_its_hazard(
    layers: Any, facilities: Any, seoyeon: Any
) -> None:
    published(seoyeon, hazard="flood")

    html = Client().get("/safety/map/").content.decode()

    # Temporary housing takes residents in a flood; the flood-risk zones are what the alert is about.
    assert toggled_on(html) == {"shelters", "flood-risk"}
    assert "발령 중인 특보(호우·침수)에 맞는 레이어를 켜 두었습니다." in html
