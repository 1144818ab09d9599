from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from sotong.safety.tests.nearby import facility, warm
from tests.clock import MONDAY_MORNING

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(MONDAY_MORNING)]

URL = "/api/safety/facilities.json"


@pytest.fixture
def facilities(district: Any) -> None:
    facility(
        name="당산 무더위쉼터",
        name_en="Dangsan cooling centre",
        kind="heat_shelter",
        capacity=40,
        always_open=False,
        opening_hours=[{"days": "weekday", "open": "09:00", "close": "18:00"}],
        step_free=True,
        phone="02-2670-3114",
    )
    facility(name="지하 임시주거시설", kind="temporary_housing", setting="underground", north_m=123.456789)
    facility(name="운동장", kind="earthquake_outdoor", setting="outdoor", is_sample=True)


def test_it_lists_every_facility_with_what_the_device_needs_to_rank_them(
    facilities: None, client: Client
) -> None:
    warm()
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    document = response.json()
    assert document["format"] == 1
    assert document["data_version"] and document["timezone"] == "Asia/Seoul"
    assert "2026-09-25" in document["holidays"]  # 추석, this year's at MONDAY_MORNING
    assert document["kinds"]["heat_shelter"] == {
        "ko": "무더위쉼터",
        "en": "Heat shelter",
        "zh-hans": "避暑所",
    }
    assert document["hazards"]["flood"]["ko"] == "호우·침수"
    by_name = {f["name"]["ko"]: f for f in document["facilities"]}
    heat = by_name["당산 무더위쉼터"]
    assert heat["name"] == {
        "ko": "당산 무더위쉼터",
        "en": "Dangsan cooling centre",
        "zh-hans": "당산 무더위쉼터",
    }
    assert heat["hazards"] == ["heat"] and heat["capacity"] == 40 and heat["always_open"] is False
    assert heat["opening_hours"] == [{"days": "weekday", "open": "09:00", "close": "18:00"}]
    assert heat["step_free"] is True and heat["has_lift"] is None and heat["checked_on"] == "2026-03-01"
    # The setting rules are applied: an underground housing site suits neither flood nor typhoon.
    assert not {"flood", "typhoon"} & set(by_name["지하 임시주거시설"]["hazards"])
    assert by_name["운동장"]["hazards"] == ["earthquake", "fire"] and by_name["운동장"]["is_sample"] is True
    for f in document["facilities"]:
        assert round(f["lat"], 6) == f["lat"] and round(f["lon"], 6) == f["lon"]
        assert len(repr(f["lat"]).split(".")[1]) <= 6


def test_an_unchanged_document_is_not_sent_again(facilities: None, client: Client) -> None:
    warm()
    first = client.get(URL)
    etag, modified = first["ETag"], first["Last-Modified"]
    assert etag.startswith('"') and not etag.startswith("W/")
    again = client.get(URL, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag
    assert client.get(URL, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200
    assert client.get(URL, HTTP_IF_NONE_MATCH=f'"x", W/{etag}').status_code == 304
    assert modified.endswith("GMT")


def test_a_change_gives_a_new_version_and_etag(facilities: None, client: Client) -> None:
    warm()
    before = client.get(URL)
    facility(name="새 한파쉼터", kind="cold_shelter")
    after = client.get(URL)
    assert after["ETag"] != before["ETag"]
    assert json.loads(after.content)["data_version"] != json.loads(before.content)["data_version"]
    assert client.get(URL, HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 200


def test_steady_state_costs_no_query(
    facilities: None, client: Client, django_assert_num_queries: Any
) -> None:
    warm()
    with django_assert_num_queries(0):
        client.get(URL)
        client.get(URL)


def test_it_is_sent_compressed_to_clients_that_take_gzip(facilities: None, client: Client) -> None:
    import gzip

    warm()
    plain = client.get(URL)
    zipped = client.get(URL, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert zipped["Content-Encoding"] == "gzip" and "Content-Encoding" not in plain
    assert gzip.decompress(zipped.content) == plain.content
    assert len(zipped.content) < len(plain.content) / 2
    assert zipped["ETag"] != plain["ETag"]
    assert "Accept-Encoding" in zipped["Vary"]
    assert client.get(URL, HTTP_ACCEPT_ENCODING="gzip;q=0").get("Content-Encoding") is None
    # Either tag means the client has this version.
    assert client.get(URL, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=plain["ETag"]).status_code == 304
    assert client.get(URL, HTTP_IF_NONE_MATCH=zipped["ETag"]).status_code == 304
