"""The 재난안전생활지도 in Chromium opens with the shelters' layer only (fetching nothing else); another layer is
one tap away, and this device remembers what the resident chose."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sotong.safety.tests.pages_fixtures import make_facilities, make_layers
from tests.browser.resident import axe_clean

pytestmark = pytest.mark.browser


@pytest.fixture
def safety_site(transactional_db: Any, live_server: Any, site_pages: Any) -> str:
    make_facilities()
    make_layers()
    return str(live_server.url)


@pytest.fixture
def page(chromium_browser: Any) -> Iterator[Any]:
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 900}, locale="ko-KR")
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def checked(page: Any) -> dict[str, bool]:
    return dict(
        page.eval_on_selector_all("#layer-toggles input", "boxes => boxes.map(b => [b.value, b.checked])")
    )


def test_the_map_opens_with_the_shelters_and_remembers_the_residents_choice(
    safety_site: str, page: Any, shots: Path
) -> None:
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url) if ".geojson" in r.url else None)

    page.goto(safety_site + "/safety/map/")
    page.wait_for_selector("#safety-map .leaflet-marker-icon")

    assert checked(page) == {"shelters": True, "flood-risk": False}
    assert [url.split("/")[-1].split("?")[0] for url in fetched] == ["shelters.geojson"]
    assert page.locator("#safety-map path.leaflet-interactive").count() == 0  # no flood zone drawn
    assert page.locator(".safety-legend__row").all_inner_texts() == [" 대피 장소"]
    axe_clean(page, "safety-map-default-ko", shots)

    page.get_by_role("checkbox", name="침수 위험 지역").check()
    page.wait_for_selector("#safety-map path.leaflet-interactive")
    page.get_by_role("checkbox", name="대피 장소").uncheck()
    page.wait_for_selector("#safety-map .leaflet-marker-icon", state="detached")

    page.reload()
    page.wait_for_selector("#safety-map path.leaflet-interactive")
    assert checked(page) == {"shelters": False, "flood-risk": True}
    assert page.locator("#safety-map .leaflet-marker-icon").count() == 0
    assert page.locator(".safety-legend__row").all_inner_texts() == [" 침수 위험 지역"]
    page.screenshot(path=str(shots / "safety-map-remembered-ko.png"))
