"""소통TV's resident pages in Chromium: axe-core finds no serious or critical violation on the schedule
and a live broadcast's page in each language, and the home page's block links to the live one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sotong.tv.choices import BroadcastState
from sotong.tv.services.ingest import publish_start
from sotong.tv.services.keys import stream_key_issue
from tests.browser.resident import axe_clean

pytestmark = pytest.mark.browser


@pytest.fixture
def tv_site(
    transactional_db: Any, live_server: Any, site_pages: Any, make_broadcast: Any, studio: Any
) -> Any:
    live = make_broadcast(title="겨울철 혈압 관리", title_en="Blood pressure in winter", starts_in=-10)
    assert publish_start(stream_key_issue(live, by=studio)).accepted
    make_broadcast(title="어르신 예방접종 안내", starts_in=24 * 60)
    make_broadcast(title="지난주 구정뉴스", starts_in=-7 * 24 * 60, state=BroadcastState.ENDED)
    return str(live_server.url), live


@pytest.fixture
def page(chromium_browser: Any) -> Iterator[Any]:
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 900}, locale="ko-KR")
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def test_the_tv_pages_are_axe_clean_in_every_language(
    page: Any, tv_site: Any, shots: Path, subtests: Any
) -> None:
    base, live = tv_site
    for prefix, lang in (("", "ko"), ("/en", "en"), ("/zh-hans", "zh-hans")):
        for name, path in (("tv", "/tv/"), ("tv-live", f"/tv/{live.pk}/")):
            with subtests.test(f"{name}-{lang}"):
                response = page.goto(base + prefix + path)
                assert response is not None and response.status == 200
                axe_clean(page, f"{name}-{lang}", shots)


def test_the_home_page_leads_to_the_live_broadcast(page: Any, tv_site: Any) -> None:
    base, live = tv_site
    page.goto(base + "/")
    page.get_by_role("region", name="소통TV").get_by_role("link", name="건강강좌: 겨울철 혈압 관리").click()
    page.wait_for_url(f"**/tv/{live.pk}/")
    assert page.get_by_role("heading", level=1).inner_text() == "겨울철 혈압 관리"
    assert page.locator("h1 ~ .tv-item__when .tv-state").inner_text() == "생방송 중"
