"""소통TV's resident pages in Chromium: axe-core finds no serious or critical violation on the schedule
and a live broadcast's page in each language, and the home page's block links to the live one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

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


def test_a_lost_signal_without_a_slate_covers_the_picture_and_is_said_then_cleared(
    page: Any, tv_site: Any, shots: Path
) -> None:
    """What the chat's websocket brings (chat.js hands every event on as "sotong:tv"): the scaled shape's loss
    without a slate, then the signal back."""
    base, live = tv_site
    # No HLS here: without hls.js the player makes no requests whose failures would rewrite the status line
    # while the signal events are checked (it says once that it cannot play, then only what they say).
    page.route("**/hls.min.js", lambda route: route.fulfill(body="", content_type="application/javascript"))
    page.goto(f"{base}/tv/{live.pk}/")
    cover = page.locator("#tv-player-cover")
    status = page.locator("#tv-player-status")
    assert cover.is_hidden()

    def signal(state: str, slate: bool) -> None:
        page.evaluate(
            "([state, slate]) => document.dispatchEvent(new CustomEvent('sotong:tv', "
            "{ detail: { type: 'signal', state: state, slate: slate } }))",
            [state, slate],
        )

    signal("lost", False)
    assert cover.is_visible() and cover.inner_text() == "방송 신호가 잠시 끊겼습니다. 곧 다시 이어집니다."
    assert status.inner_text() == "방송 신호가 잠시 끊겼습니다. 곧 다시 이어집니다."
    assert cover.get_attribute("aria-hidden") == "true"  # said once, by the status line
    axe_clean(page, "tv-live-signal-lost", shots)

    signal("back", False)  # nginx's playlist starts again: the player loads it anew
    assert cover.is_hidden()
    expect(status).not_to_have_text("방송 신호가 잠시 끊겼습니다. 곧 다시 이어집니다.")

    signal("lost", True)  # a slate is on air: the picture says it, the status line says it to screen readers
    assert cover.is_hidden() and status.inner_text() == "방송 신호가 잠시 끊겼습니다. 곧 다시 이어집니다."
    signal("back", True)
    assert status.inner_text() == "방송이 다시 이어집니다."
    expect(status).to_be_empty(timeout=10_000)  # said, then cleared
    signal("over", True)
    assert cover.is_visible() and "돌아오지 않았습니다" in cover.inner_text()
