"""내손안의 안전 in Chromium: a resident saves a place and a household, the service worker keeps the pages,
the guides and the facilities, and with the network switched off the page still shows the guide and the
nearest suitable shelters, computed on the device. axe-core is clean on the safety pages; each leaves a
screenshot in artifacts/screenshots/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sotong.safety.tests.pages_fixtures import make_facilities, make_guides, make_layers
from tests.browser.resident import axe_clean

pytestmark = pytest.mark.browser


@pytest.fixture
def safety_site(transactional_db: Any, live_server: Any, site_pages: Any) -> str:
    make_guides()
    make_facilities()
    make_layers()
    return str(live_server.url)


@pytest.fixture
def context(chromium_browser: Any) -> Iterator[Any]:
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 900}, locale="ko-KR")
    context.set_default_timeout(15_000)
    yield context
    context.close()


CACHES_FILLED = """async () => {
  const registration = await navigator.serviceWorker.ready;
  if (!registration.active || registration.active.state !== "activated") return false;
  if (!navigator.serviceWorker.controller) return false;
  const names = await caches.keys();
  const pages = names.find((n) => n.startsWith("safety-pages-ko-"));
  if (!pages || !names.includes("safety-data")) return false;
  const data = await caches.open("safety-data");
  const cache = await caches.open(pages);
  return Boolean(await data.match("/api/safety/facilities.json"))
    && Boolean(await cache.match("/safety/guides/flood/"))
    && Boolean(await cache.match("/safety/"));
}"""


def test_offline_the_page_still_shows_the_guide_and_the_nearest_shelters(
    safety_site: str, context: Any, shots: Path
) -> None:
    page = context.new_page()
    page.goto(safety_site + "/safety/")
    axe_clean(page, "safety-home-ko", shots)

    # My place: home in 당산1동 (no account, kept on the device); my household: an older person.
    page.get_by_label("어떤 장소인가요?").select_option("home")
    page.locator("#place-dong").select_option("dangsan1")
    page.get_by_role("button", name="장소 저장").click()
    page.get_by_text("집 (당산1동) 장소를 저장했습니다.").wait_for()
    page.get_by_label("어르신").check()

    page.wait_for_function(CACHES_FILLED, polling=250, timeout=20_000)

    context.set_offline(True)
    page.reload()
    assert page.evaluate("navigator.onLine") is False
    # Nothing reaches the server now: an API call the worker has never seen fails.
    assert (
        page.evaluate(
            "fetch('/api/safety/shelters/nearest?lat=37.5&lon=126.9&hazard=flood').then(() => 'reached', () => 'failed')"
        )
        == "failed"
    )
    assert page.locator("h1").inner_text() == "내손안의 안전"
    page.get_by_text("인터넷 연결 없이 이 기기에 저장된 시설 자료로 계산했습니다.").first.wait_for()

    page.get_by_label("어떤 재난인가요?").select_option("flood")
    page.get_by_role("button", name="대피 장소 찾기").click()
    results = page.locator("#shelter-results")
    results.get_by_role("heading", name="집 (당산1동)에서 가까운 호우·침수 대피 장소 1곳").wait_for()
    items = results.locator(".shelter-list > li")
    assert items.count() == 1
    first = items.first.inner_text()
    assert "당산초등학교 체육관" in first
    assert "북쪽 300m" in first and "300명" in first and "지금 운영 중" in first
    assert "지하상가" not in results.inner_text()  # never underground in a flood

    page.get_by_label("어떤 재난인가요?").select_option("air_raid")
    page.get_by_role("button", name="대피 장소 찾기").click()
    results.get_by_role("heading", name="집 (당산1동)에서 가까운 민방공 경보 대피 장소 1곳").wait_for()
    assert results.locator(".badge--underground").count() == 1
    page.screenshot(path=str(shots / "safety-home-offline-ko.png"), full_page=True)

    page.goto(safety_site + "/safety/guides/flood/")
    assert page.locator("h1").inner_text() == "호우·침수 행동요령"
    assert page.get_by_text("지하 주차장과 반지하에서 바로 나오세요.").is_visible()
    mine = page.locator(".guide-step--mine")
    assert mine.count() == 1 and "이웃과 함께" in mine.inner_text()
    page.screenshot(path=str(shots / "safety-guide-offline-ko.png"), full_page=True)

    # A page the worker never kept: the offline page, with the kept guides.
    page.goto(safety_site + "/safety/guides/?never-seen=1")
    assert page.locator("h1").count() == 1

    # Back online, the district adds a shelter: the kept list answers first, the worker fetches the new
    # one (its data_version changed) and the page recomputes without being asked.
    context.set_offline(False)
    from sotong.safety.models import Facility

    Facility.objects.create(
        kind="temporary_housing",
        name_ko="당산1동 주민센터 강당",
        lat=37.5245,
        lon=126.8995,
        setting="indoor",
        capacity=80,
        always_open=True,
        source="test",
        source_id="hall",
    )
    page.goto(safety_site + "/safety/")
    page.get_by_label("어떤 재난인가요?").select_option("flood")
    page.get_by_role("button", name="대피 장소 찾기").click()
    results.get_by_role("heading", name="집 (당산1동)에서 가까운 호우·침수 대피 장소 2곳").wait_for()
    assert "당산1동 주민센터 강당" in results.inner_text()


def test_the_safety_pages_have_no_serious_axe_violation(safety_site: str, context: Any, shots: Path) -> None:
    page = context.new_page()
    for prefix, lang in (("", "ko"), ("/en", "en"), ("/zh-hans", "zh-hans")):
        for name, path in (
            ("home-flood", "/safety/?dong=dangsan1&hazard=flood"),
            ("guide", "/safety/guides/flood/"),
            ("guides", "/safety/guides/"),
            ("map", "/safety/map/"),
        ):
            response = page.goto(safety_site + prefix + path)
            assert response is not None and response.status == 200
            if name == "map":
                # The layers are drawn from their GeoJSON (the tiles may never come: no network here).
                page.wait_for_selector("#safety-map .leaflet-interactive", timeout=15_000)
            axe_clean(page, f"safety-{name}-{lang}", shots)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(safety_site + "/safety/?dong=dangsan1&hazard=flood")
    page.screenshot(path=str(shots / "safety-home-phone-ko.png"), full_page=True)


@pytest.fixture
def demo_site(transactional_db: Any, live_server: Any, site_pages: Any) -> str:
    """The demo's content: every guide, the sample facilities and the sample map layers."""
    from sotong.safety.demo_data import load_sample_facilities, load_sample_layers
    from sotong.safety.guides_loading import load_guides

    load_guides()
    load_sample_facilities()
    load_sample_layers()
    return str(live_server.url)


def test_a_new_resident_reads_the_heavy_rain_guide_and_sees_the_shelters_for_two_places(
    demo_site: str, context: Any, shots: Path
) -> None:
    page = context.new_page()
    page.goto(demo_site + "/safety/guides/")
    assert page.locator(".guide-links li").count() == 12
    axe_clean(page, "safety-demo-guides-ko", shots)

    page.goto(demo_site + "/safety/")
    for label, dong in (("home", "dangsan1"), ("work", "yeoui")):
        page.get_by_label("어떤 장소인가요?").select_option(label)
        page.locator("#place-dong").select_option(dong)
        page.get_by_role("button", name="장소 저장").click()
    assert page.locator("#place-list li").count() == 2
    page.get_by_label("어떤 재난인가요?").select_option("flood")
    page.get_by_role("button", name="대피 장소 찾기").click()
    results = page.locator("#shelter-results")
    results.locator("h3").nth(1).wait_for()
    headings = results.locator("h3").all_inner_texts()
    assert headings[0].startswith("집 (당산1동)에서 가까운 호우·침수 대피 장소")
    assert headings[1].startswith("직장 (여의동)에서 가까운 호우·침수 대피 장소")
    assert results.locator(".badge--underground").count() == 0
    assert results.locator(".shelter-list > li").count() >= 2
    axe_clean(page, "safety-demo-home-ko", shots)

    page.get_by_role("link", name="호우·침수 행동요령 읽기").click()
    page.wait_for_url("**/safety/guides/flood/**")
    assert page.locator(".guide-phase").count() >= 3
    axe_clean(page, "safety-demo-guide-flood-ko", shots)

    page.goto(demo_site + "/en/safety/map/")
    page.wait_for_selector("#safety-map .leaflet-marker-icon", timeout=15_000)
    assert page.locator(".layer-section").count() == page.locator("#layer-toggles input").count() >= 3
    axe_clean(page, "safety-demo-map-en", shots)


def test_names_from_imported_data_are_text_on_the_results_map(safety_site: str, context: Any) -> None:
    """Leaflet puts a tooltip given as a string into the page as HTML; facility names come from files
    the district imports, so markup in a name must stay text."""
    from sotong.safety.models import Facility
    from sotong.safety.tests.pages_fixtures import DANGSAN1

    name = '<img id="injected" src="/x.png">침수 <b>쉼터</b>'
    Facility.objects.create(
        kind="temporary_housing",
        name_ko=name,
        lat=DANGSAN1[0] + 0.0009,
        lon=DANGSAN1[1],
        setting="indoor",
        capacity=50,
        always_open=True,
        source="test",
        source_id="markup",
    )
    page = context.new_page()
    page.goto(safety_site + "/safety/")
    page.get_by_label("어떤 장소인가요?").select_option("home")
    page.locator("#place-dong").select_option("dangsan1")
    page.get_by_role("button", name="장소 저장").click()
    page.get_by_label("어떤 재난인가요?").select_option("flood")
    page.get_by_role("button", name="대피 장소 찾기").click()
    page.locator("#shelter-results").get_by_text(name).first.wait_for()

    markers = page.locator("#results-map .leaflet-marker-icon")
    markers.first.wait_for()
    tooltips = []
    for index in range(markers.count()):
        markers.nth(index).hover()
        tooltip = page.locator("#results-map .leaflet-tooltip").last
        tooltip.wait_for()
        tooltips.append(tooltip.inner_text())
    assert name in tooltips, tooltips
    assert page.locator("#injected").count() == 0
    assert page.locator("#results-map .leaflet-tooltip b").count() == 0
