from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from sotong.safety.nearest import index
from sotong.safety.selectors.facilities import nearest_shelters
from sotong.safety.tests.nearby import HERE, facility, query, warm
from tests.clock import MONDAY_MORNING

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(MONDAY_MORNING)]

SEOUL = ZoneInfo("Asia/Seoul")
WEEKDAY_NOON = datetime(2026, 7, 15, 12, 0, tzinfo=SEOUL)  # a Wednesday
WEEKDAY_NIGHT = datetime(2026, 7, 15, 23, 30, tzinfo=SEOUL)
NEW_YEARS_DAY_NOON = datetime(2026, 1, 1, 12, 0, tzinfo=SEOUL)  # 신정, a Thursday
OFFICE_HOURS = [{"days": "weekday", "open": "09:00", "close": "18:00"}]


def names(found: list[Any]) -> list[str]:
    return [n.facility.name_ko for n in found]


def get(client: Client, **params: Any) -> Any:
    return client.get("/api/safety/shelters/nearest?" + query(**params))


def test_a_flood_never_sends_anyone_underground(district: Any) -> None:
    facility(name="지하 주차장 대피소", north_m=50, setting="underground")
    facility(name="초등학교 체육관", north_m=900, setting="indoor")
    warm()

    found = nearest_shelters(lat=HERE[0], lon=HERE[1], hazard="flood", limit=5)
    assert names(found) == ["초등학교 체육관"]
    assert names(nearest_shelters(lat=HERE[0], lon=HERE[1], hazard="typhoon", limit=5)) == ["초등학교 체육관"]


def test_an_underground_civil_defence_shelter_still_serves_an_air_raid(district: Any) -> None:
    facility(name="지하철역 대피소", kind="civil_defence", setting="underground")
    warm()

    found = nearest_shelters(lat=HERE[0], lon=HERE[1], hazard="air_raid")
    assert names(found) == ["지하철역 대피소"]
    assert found[0].record.setting == "underground"


def test_an_earthquake_sends_residents_to_open_air_sites_first(district: Any) -> None:
    facility(name="구민회관(임시주거)", kind="earthquake_housing", north_m=100)
    facility(name="먼 운동장", kind="earthquake_outdoor", setting="outdoor", north_m=2500)
    facility(name="가까운 공원", kind="earthquake_outdoor", setting="outdoor", north_m=700)
    warm()

    found = nearest_shelters(lat=HERE[0], lon=HERE[1], hazard="earthquake")
    assert names(found) == ["가까운 공원", "먼 운동장", "구민회관(임시주거)"]


def test_only_facilities_open_at_that_moment_are_offered(district: Any) -> None:
    facility(name="낮에만 여는 쉼터", kind="heat_shelter", always_open=False, opening_hours=OFFICE_HOURS)
    facility(
        name="휴일에도 여는 쉼터",
        kind="heat_shelter",
        always_open=False,
        north_m=300,
        opening_hours=[*OFFICE_HOURS, {"days": "holiday", "open": "10:00", "close": "17:00"}],
    )
    facility(
        name="밤새 여는 쉼터",
        kind="heat_shelter",
        always_open=False,
        north_m=600,
        opening_hours=[{"days": "weekday", "open": "18:00", "close": "06:00"}],
    )
    facility(name="24시간 쉼터", kind="heat_shelter", north_m=900)
    warm()

    def at(moment: datetime) -> list[str]:
        return names(nearest_shelters(lat=HERE[0], lon=HERE[1], hazard="heat", at=moment))

    assert at(WEEKDAY_NOON) == ["낮에만 여는 쉼터", "휴일에도 여는 쉼터", "24시간 쉼터"]
    assert at(WEEKDAY_NIGHT) == ["밤새 여는 쉼터", "24시간 쉼터"]
    # Past midnight the night shelter is still open on yesterday's (weekday) span.
    assert at(datetime(2026, 7, 16, 2, 0, tzinfo=SEOUL)) == ["밤새 여는 쉼터", "24시간 쉼터"]
    assert at(NEW_YEARS_DAY_NOON) == ["휴일에도 여는 쉼터", "24시간 쉼터"]


def test_open_any_includes_closed_facilities_marked_as_closed(district: Any, client: Client) -> None:
    facility(
        name="밤에는 닫는 쉼터",
        kind="cold_shelter",
        always_open=False,
        opening_hours=[
            {"days": d, "open": "00:00", "close": "00:01"}
            for d in ("weekday", "saturday", "sunday", "holiday")
        ],
    )
    facility(name="항상 여는 쉼터", kind="cold_shelter", north_m=500)
    warm()

    assert [i["name"] for i in get(client, hazard="cold").json()["items"]] == ["항상 여는 쉼터"]
    items = get(client, hazard="cold", open="any").json()["items"]
    assert [(i["name"], i["open_now"]) for i in items] == [
        ("밤에는 닫는 쉼터", False),
        ("항상 여는 쉼터", True),
    ]


def test_facilities_with_a_known_capacity_come_first_among_equally_near_ones(district: Any) -> None:
    facility(name="수용인원 모름", north_m=100)
    facility(name="300명 수용", north_m=300, capacity=300)
    facility(name="먼 곳 모름", north_m=1100)
    facility(name="먼 곳 500명", north_m=1400, capacity=500)
    warm()

    found = nearest_shelters(lat=HERE[0], lon=HERE[1], hazard="flood")
    assert names(found) == ["300명 수용", "수용인원 모름", "먼 곳 500명", "먼 곳 모름"]


def test_the_answer_has_every_field_apps_need(district: Any, client: Client) -> None:
    facility(
        name="당산 쉼터",
        kind="heat_shelter",
        north_m=400,
        east_m=400,
        capacity=40,
        phone="02-2670-3114",
        address="서울 영등포구 당산로 123",
        step_free=True,
        has_lift=False,
    )
    warm()

    response = get(client, hazard="heat")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Cache-Control"] == "public, max-age=30"
    body = response.json()
    assert body["hazard"] == "heat"
    assert body["data_checked_on"] == "2026-03-01"
    [item] = body["items"]
    assert set(item) >= {
        "id",
        "name",
        "kind",
        "kind_label",
        "lat",
        "lon",
        "distance_m",
        "bearing",
        "underground",
        "setting",
        "capacity",
        "open_now",
        "always_open",
        "step_free",
        "has_lift",
        "address",
        "phone",
        "is_sample",
        "directions_url",
    }
    assert item["kind_label"] == "무더위쉼터"
    assert 550 <= item["distance_m"] <= 580
    assert (item["bearing"], item["bearing_deg"], item["direction"]) == ("NE", 45, "북동쪽")
    assert item["underground"] is False and item["capacity"] == 40 and item["step_free"] is True
    assert item["directions_url"].startswith(
        "https://www.openstreetmap.org/directions?engine=fossgis_osrm_foot"
    )
    assert f"{HERE[0]:.6f}%2C{HERE[1]:.6f}%3B{item['lat']:.6f}%2C{item['lon']:.6f}" in item["directions_url"]


def test_the_directions_link_follows_the_configured_map_service(
    district: Any, client: Client, settings: Any
) -> None:
    settings.SAFETY_DIRECTIONS_URL = "https://map.example/walk?to={lat},{lon}&from={from_lat},{from_lon}"
    facility(name="쉼터", kind="heat_shelter")
    warm()

    [item] = get(client, hazard="heat").json()["items"]
    assert (
        item["directions_url"]
        == f"https://map.example/walk?to={item['lat']:.6f},{item['lon']:.6f}&from={HERE[0]:.6f},{HERE[1]:.6f}"
    )


def test_limit_is_five_by_default_and_at_most_twenty(district: Any, client: Client) -> None:
    for n in range(25):
        facility(name=f"쉼터 {n:02d}", kind="heat_shelter", north_m=100 * n)
    warm()

    assert len(get(client, hazard="heat").json()["items"]) == 5
    assert len(get(client, hazard="heat", limit=20).json()["items"]) == 20
    assert len(get(client, hazard="heat", limit=1).json()["items"]) == 1
    for bad in (0, 21, -3, "many"):
        response = get(client, hazard="heat", limit=bad)
        assert response.status_code == 400
        assert response.json()["error"]["parameter"] == "limit"


@pytest.mark.parametrize(
    ("params", "parameter", "korean"),
    [
        ({"hazard": "flood", "lat": ""}, "lat", "lat 값이 필요합니다."),
        ({"hazard": "flood", "lat": "north"}, "lat", "lat는 -90에서 90 사이의 숫자여야 합니다."),
        ({"hazard": "flood", "lon": "200"}, "lon", "lon는 -180에서 180 사이의 숫자여야 합니다."),
        ({"hazard": "flood", "lon": "nan"}, "lon", "lon는 -180에서 180 사이의 숫자여야 합니다."),
        ({"hazard": "fine_dust"}, "hazard", "hazard는 다음 중 하나여야 합니다: earthquake, flood"),
        ({"hazard": "heat", "open": "later"}, "open", "open은 now 또는 any여야 합니다."),
    ],
)
def test_a_bad_parameter_is_named_in_korean_by_default(
    district: Any, client: Client, params: dict[str, str], parameter: str, korean: str
) -> None:
    response = get(client, **params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    error = response.json()["error"]
    assert error["parameter"] == parameter
    assert error["message"].startswith(korean)


def test_a_bad_parameter_is_explained_in_the_residents_language(district: Any, client: Client) -> None:
    response = client.get(
        "/api/safety/shelters/nearest?" + query(hazard="volcano"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9"
    )
    assert response.status_code == 400
    assert response["Content-Language"] == "en"
    assert response.json()["error"]["message"].startswith("hazard must be one of: earthquake, flood")

    response = get(client, hazard="heat", limit=99, lang="zh-hans")
    assert response.json()["error"]["parameter"] == "limit"
    assert "limit" in response.json()["error"]["message"] and "20" in response.json()["error"]["message"]
    assert response["Content-Language"] == "zh-hans"


def test_names_follow_the_requested_language(district: Any, client: Client) -> None:
    facility(
        name="당산 무더위쉼터", name_en="Dangsan cooling centre", name_zh="堂山避暑所", kind="heat_shelter"
    )
    facility(name="번역 없는 쉼터", kind="heat_shelter", north_m=200)
    warm()

    def labels(**kwargs: Any) -> list[tuple[str, str, str]]:
        headers = kwargs.pop("headers", {})
        items = client.get(
            "/api/safety/shelters/nearest?" + query(hazard="heat", **kwargs), **headers
        ).json()["items"]
        return [(i["name"], i["kind_label"], i["direction"]) for i in items]

    assert labels()[0] == ("당산 무더위쉼터", "무더위쉼터", "북쪽")
    assert labels(lang="en") == [
        ("Dangsan cooling centre", "Heat shelter", "north"),
        ("번역 없는 쉼터", "Heat shelter", "north"),
    ]
    assert labels(headers={"HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9"})[0] == ("堂山避暑所", "避暑所", "北")
    assert labels(lang="en", headers={"HTTP_ACCEPT_LANGUAGE": "zh-CN"})[0][0] == "Dangsan cooling centre"


def test_the_selector_answers_in_the_active_language(district: Any) -> None:
    from django.utils import translation

    facility(name="당산 무더위쉼터", name_en="Dangsan cooling centre", kind="heat_shelter")
    warm()
    with translation.override("en"):
        assert nearest_shelters(lat=HERE[0], lon=HERE[1], hazard="heat")[0].name == "Dangsan cooling centre"
    assert nearest_shelters(lat=HERE[0], lon=HERE[1], hazard="heat")[0].name == "당산 무더위쉼터"


def test_a_saved_facility_is_offered_at_once(district: Any) -> None:
    warm()
    assert nearest_shelters(lat=HERE[0], lon=HERE[1], hazard="heat") == []
    made = facility(name="새 쉼터", kind="heat_shelter")
    assert names(nearest_shelters(lat=HERE[0], lon=HERE[1], hazard="heat")) == ["새 쉼터"]
    made.delete()
    assert nearest_shelters(lat=HERE[0], lon=HERE[1], hazard="heat") == []


def test_a_change_made_by_another_process_is_seen_within_a_second(district: Any, client: Client) -> None:
    from sotong.safety.models import Facility

    made = facility(name="쉼터", kind="heat_shelter")
    warm()
    # No signal here: as when an import runs in another process.
    Facility.objects.filter(pk=made.pk).update(is_active=False)
    assert [i["name"] for i in get(client, hazard="heat").json()["items"]] == ["쉼터"]  # within the second
    index._checked_at -= index.CHECK_EVERY_S
    assert get(client, hazard="heat").json()["items"] == []


def test_the_selector_checks_the_data_version_on_every_call(district: Any) -> None:
    from sotong.safety.models import Facility

    made = facility(name="쉼터", kind="heat_shelter")
    warm()
    Facility.objects.filter(pk=made.pk).update(is_active=False)
    assert nearest_shelters(lat=HERE[0], lon=HERE[1], hazard="heat") == []


def test_steady_state_answers_touch_no_database(
    district: Any, client: Client, django_assert_num_queries: Any
) -> None:
    facility(name="쉼터", kind="heat_shelter")
    warm()
    with django_assert_num_queries(0):
        assert get(client, hazard="heat").status_code == 200
        assert get(client, hazard="flood").status_code == 200


def test_answers_go_on_from_the_last_index_when_the_database_fails(district: Any, client: Client) -> None:
    from django.db import connection

    facility(name="쉼터", kind="heat_shelter")
    warm()
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE safety_facility RENAME TO safety_facility_away")
    try:
        index._checked_at -= index.CHECK_EVERY_S
        assert [i["name"] for i in get(client, hazard="heat").json()["items"]] == ["쉼터"]
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE safety_facility_away RENAME TO safety_facility")
