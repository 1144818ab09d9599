"""The nearest shelters on /safety/ in Chromium: one block of results per saved place and one for the chosen
dong, each headed by its place; the dong's block counts from the dong's centre and says so."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from sotong.safety.tests.pages_fixtures import make_facilities, make_guides

pytestmark = pytest.mark.browser


@pytest.fixture
def safety_site(transactional_db: Any, live_server: Any, site_pages: Any) -> str:
    make_guides()
    make_facilities()
    return str(live_server.url)


@pytest.fixture
def page(chromium_browser: Any) -> Iterator[Any]:
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 900}, locale="ko-KR")
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def save_place(page: Any, label: str, dong: str) -> None:
    page.get_by_label("어떤 장소인가요?").select_option(label)
    page.locator("#place-dong").select_option(dong)
    page.get_by_role("button", name="장소 저장").click()


def headings(page: Any, count: int) -> list[str]:
    results = page.locator("#shelter-results")
    results.locator("h3").nth(count - 1).wait_for()
    page.wait_for_timeout(300)  # nothing more comes
    return list(results.locator("h3").all_inner_texts())


def test_the_chosen_dong_is_not_a_second_block_when_a_saved_place_is_its_centre(
    safety_site: str, page: Any
) -> None:
    page.goto(safety_site + "/safety/")
    save_place(page, "home", "dangsan1")

    page.get_by_label("어떤 재난인가요?").select_option("flood")
    page.locator("#dong").select_option("dangsan1")
    page.get_by_role("button", name="대피 장소 찾기").click()

    assert headings(page, 1) == ["집 (당산1동)에서 가까운 호우·침수 대피 장소 1곳"]
    assert page.locator("#shelter-results .shelter-list").count() == 1


def test_another_chosen_dong_gets_its_own_block_named_after_its_centre(safety_site: str, page: Any) -> None:
    page.goto(safety_site + "/safety/")
    save_place(page, "home", "dangsan1")

    page.get_by_label("어떤 재난인가요?").select_option("earthquake")
    page.locator("#dong").select_option("dangsan2")
    page.get_by_role("button", name="대피 장소 찾기").click()

    found = headings(page, 2)
    assert found[0].startswith("집 (당산1동)에서 가까운 지진 대피 장소")
    assert found[1].startswith("당산2동 중심에서 가까운 지진 대피 장소")
    assert not any(heading.startswith(("(", " (")) for heading in found)


def test_the_headings_count_in_the_pages_language(safety_site: str, page: Any) -> None:
    from sotong.safety.models import Facility

    Facility.objects.create(
        kind="temporary_housing",
        name_ko="당산1동 주민센터 강당",
        name_en="Dangsan 1-dong community hall",
        lat=37.5245,
        lon=126.8995,
        setting="indoor",
        always_open=True,
    )
    page.goto(safety_site + "/en/safety/")
    page.locator("#place-label").select_option("home")
    page.locator("#place-dong").select_option("dangsan1")
    page.locator("#place-form button[type=submit]").click()

    page.locator("#hazard").select_option("flood")
    page.locator("#nearest-form button[type=submit]").click()
    assert headings(page, 1) == ["2 shelters for Heavy rain and flooding near Home (Dangsan 1-dong)"]

    page.locator("#hazard").select_option("earthquake")
    page.locator("#nearest-form button[type=submit]").click()
    page.locator("#shelter-results h3", has_text="Earthquake").wait_for()
    assert headings(page, 1) == ["1 shelter for Earthquake near Home (Dangsan 1-dong)"]
