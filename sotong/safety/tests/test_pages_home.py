"""/safety/ without JavaScript: the dong and hazard form answers with the nearest suitable shelters."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from sotong.safety.tests.pages_fixtures import make_facilities, make_guides

pytestmark = pytest.mark.django_db


@pytest.fixture
def facilities(db: Any) -> Any:
    return make_facilities()


@pytest.fixture
def guides(db: Any) -> Any:
    return make_guides()


def names_in_order(html: str) -> list[str]:
    return [re.sub(r"<.*", "", m).strip() for m in re.findall(r'<h4 class="shelter__name">([^<]*)', html)]


def test_the_page_offers_the_form_places_household_and_guides(district: Any, guides: Any) -> None:
    html = Client().get("/safety/").content.decode()
    assert "<h1>내손안의 안전</h1>" in html
    assert 'name="hazard"' in html and 'name="dong"' in html
    assert 'data-lat="37.524000"' in html  # the dongs carry their centre for the device
    assert "알림 받기" in html
    assert 'href="/safety/guides/flood/"' in html
    assert 'rel="manifest" href="/safety/manifest.webmanifest"' in html
    assert 'data-sw="/safety/sw.js"' in html


def test_a_flood_never_sends_anyone_underground(district: Any, facilities: Any) -> None:
    html = Client().get("/safety/", {"dong": "dangsan1", "hazard": "flood"}).content.decode()
    assert names_in_order(html) == ["당산초등학교 체육관"]
    assert "당산역 지하상가" not in html
    assert "북쪽 300m" in html
    assert "300명" in html
    assert "지금 운영 중" in html
    assert "openstreetmap.org/directions?engine=fossgis_osrm_foot&amp;route=37.524000%2C126.899000%3B" in html


def test_an_air_raid_shows_underground_shelters_marked_as_such(district: Any, facilities: Any) -> None:
    html = Client().get("/safety/", {"dong": "dangsan1", "hazard": "air_raid"}).content.decode()
    assert names_in_order(html) == ["당산동 지하주차장 대피소"]
    assert '<span class="badge badge--underground">지하</span>' in html


def test_an_earthquake_sends_residents_to_open_ground(district: Any, facilities: Any) -> None:
    html = Client().get("/safety/", {"dong": "dangsan1", "hazard": "earthquake"}).content.decode()
    assert names_in_order(html) == ["당산공원"]
    assert "동쪽 1.1km" in html


def test_the_answer_is_in_the_pages_language(district: Any, facilities: Any) -> None:
    html = Client().get("/en/safety/", {"dong": "dangsan1", "hazard": "flood"}).content.decode()
    assert 'lang="en"' in html
    assert "Dangsan Elementary School gym" in html
    assert "300m north" in html


def test_a_missing_choice_is_explained_and_nothing_is_searched(district: Any, facilities: Any) -> None:
    response = Client().get("/safety/", {"dong": "", "hazard": "flood"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "행정동을 골라 주세요." in html
    assert "shelter__name" not in html
    html = Client().get("/safety/", {"dong": "dangsan1", "hazard": "meteor"}).content.decode()
    assert "재난을 골라 주세요." in html


def test_the_results_say_they_count_from_the_dongs_centre(district: Any, facilities: Any) -> None:
    html = Client().get("/safety/", {"dong": "dangsan1", "hazard": "flood"}).content.decode()
    assert "당산1동 중심에서 가까운 호우·침수 대피 장소 1곳" in html
    html = Client().get("/en/safety/", {"dong": "dangsan1", "hazard": "flood"}).content.decode()
    assert "1 shelter for Heavy rain and flooding near the centre of Dangsan 1-dong" in html
