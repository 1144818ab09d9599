"""The home page with the demo content: no serious axe violation in any language, no sideways scrolling on a
phone; screenshots at 1280 and 375 px."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.resident import axe_clean

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_site(resident_site: str) -> str:
    from sotong.pages.demo import load_content

    load_content()
    return resident_site


def test_the_home_page_with_content_is_accessible_in_every_language(
    page: Any, demo_site: str, screenshots: Path, subtests: Any
) -> None:
    for lang, prefix in {"ko": "/", "en": "/en/", "zh-hans": "/zh-hans/"}.items():
        with subtests.test(lang):
            response = page.goto(demo_site + prefix)
            assert response is not None and response.status == 200
            axe_clean(page, f"home-content-{lang}", screenshots)


def test_the_home_page_fits_a_desktop_and_a_phone(browser: Any, demo_site: str, screenshots: Path) -> None:
    from playwright.sync_api import expect

    for width, height in ((1280, 900), (375, 812)):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="ko-KR")
        try:
            page = context.new_page()
            page.goto(demo_site + "/")
            expect(page.locator("#home-story-title")).to_be_visible()
            expect(page.locator(".quick-action")).to_have_count(4)
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            assert scroll_width <= width, (
                f"the home page scrolls sideways at {width}px ({scroll_width}px wide)"
            )
            page.screenshot(path=str(screenshots / f"home-{width}.png"), full_page=True)
        finally:
            context.close()
