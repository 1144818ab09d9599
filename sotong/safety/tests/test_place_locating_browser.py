"""A resident saves a place by typing its name or address: the page finds it on the device among the
facilities' names and addresses (a station's name, the district office's address) and uses that point; when it
finds nothing, it counts from the chosen dong's centre and says so, at saving, in the list and above the
results. A place saved before at the dong's centre is found again once the facilities are on the device."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sotong.safety.models import Facility
from sotong.safety.tests.pages_fixtures import make_facilities, make_guides
from tests.browser.resident import axe_clean

pytestmark = pytest.mark.browser

STATION = (37.5179, 126.895)
OFFICE = (37.5264, 126.8962)
DANGSAN2_CENTRE = (37.533, 126.9)


@pytest.fixture
def safety_site(transactional_db: Any, live_server: Any, site_pages: Any) -> str:
    make_guides()
    make_facilities()
    Facility.objects.create(
        kind="civil_defence",
        name_ko="문래역 지하 대합실",
        name_en="Mullae station concourse",
        lat=STATION[0],
        lon=STATION[1],
        setting="underground",
        capacity=4000,
        always_open=True,
    )
    Facility.objects.create(
        kind="civil_defence",
        name_ko="영등포구청 지하주차장",
        address="서울특별시 영등포구 당산로 123",
        lat=OFFICE[0],
        lon=OFFICE[1],
        setting="underground",
        capacity=900,
        always_open=True,
    )
    return str(live_server.url)


@pytest.fixture
def page(chromium_browser: Any) -> Iterator[Any]:
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 900}, locale="ko-KR")
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def save(page: Any, label: str, dong: str, typed: str) -> str:
    page.locator("#place-label").select_option(label)
    page.locator("#place-dong").select_option(dong)
    page.locator("#place-address").fill(typed)
    page.get_by_role("button", name="장소 저장").click()
    status = page.locator("#place-status")
    status.get_by_text("장소를 저장했습니다.", exact=False).wait_for()
    return str(status.inner_text())


def saved_points(page: Any) -> dict[str, tuple[float, float]]:
    places = json.loads(page.evaluate("localStorage.getItem('sotong.safety.places')") or "[]")
    return {p["address"]: (p["lat"], p["lon"]) for p in places}


def test_a_typed_station_name_is_found_among_the_facilities(safety_site: str, page: Any) -> None:
    page.goto(safety_site + "/safety/")

    status = save(page, "home", "mullae", "문래역")

    assert saved_points(page)["문래역"] == STATION
    assert "문래역 지하 대합실의 위치를 썼습니다." in status
    assert "중심" not in status
    assert "중심 기준" not in page.locator("#place-list").inner_text()


def test_a_typed_address_is_found_by_a_facilitys_address(safety_site: str, page: Any) -> None:
    page.goto(safety_site + "/safety/")

    save(page, "work", "", "영등포구 당산로 123")

    assert saved_points(page)["영등포구 당산로 123"] == OFFICE


def test_a_name_nothing_matches_counts_from_the_dongs_centre_and_says_so(
    safety_site: str, page: Any, shots: Path
) -> None:
    page.goto(safety_site + "/safety/")

    status = save(page, "other", "dangsan2", "우리 아파트 놀이터")

    assert saved_points(page)["우리 아파트 놀이터"] == DANGSAN2_CENTRE
    assert "‘우리 아파트 놀이터’의 위치를 찾지 못해 당산2동 중심에서 거리를 잽니다." in status
    assert "당산2동 중심 기준" in page.locator("#place-list").inner_text()
    page.get_by_label("어떤 재난인가요?").select_option("air_raid")
    page.get_by_role("button", name="대피 장소 찾기").click()
    results = page.locator("#shelter-results")
    results.get_by_role("heading", name="기타 (우리 아파트 놀이터)에서 가까운", exact=False).wait_for()
    note = results.locator(".results-note")
    assert note.count() == 1
    assert "당산2동 중심에서 거리를 잽니다" in note.inner_text()
    axe_clean(page, "safety-home-place-not-found-ko", shots)


def test_a_place_saved_at_the_dongs_centre_before_is_found_again(safety_site: str, page: Any) -> None:
    page.goto(safety_site + "/safety/")
    old = {
        "id": "0b9f3c1e-5b55-4a41-9d55-6f4d7f2a9c10",
        "updated_at": "2026-11-01T00:00:00.000Z",
        "label": "home",
        "dong": "dangsan2",
        "dongName": "당산2동",
        "address": "문래역",
        "lat": DANGSAN2_CENTRE[0],
        "lon": DANGSAN2_CENTRE[1],
    }
    page.evaluate("p => localStorage.setItem('sotong.safety.places', JSON.stringify([p]))", old)

    page.reload()

    page.wait_for_function(
        "lat => JSON.parse(localStorage.getItem('sotong.safety.places'))[0].lat !== lat",
        arg=DANGSAN2_CENTRE[0],
    )
    assert saved_points(page)["문래역"] == STATION
