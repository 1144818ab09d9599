"""axe-core on the 행복공감 and 구정소식 pages in every language, and on the story form after its errors; screenshots
of a story at desktop and phone widths."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.browser.resident import axe_clean

pytestmark = pytest.mark.browser

PREFIXES = {"ko": "/", "en": "/en/", "zh-hans": "/zh-hans/"}


@pytest.fixture
def demo_site(resident_site: str) -> str:
    from sotong.pages.demo import load_content

    load_content()
    return resident_site


def test_story_and_news_pages_have_no_serious_axe_violation_in_any_language(
    page: Any, demo_site: str, screenshots: Path, subtests: Any
) -> None:
    from sotong.pages.models import NewsPage, StoryPage

    story = StoryPage.objects.live().order_by("-month").first()
    news = NewsPage.objects.live().order_by("-date").first()
    assert story is not None and news is not None
    for lang, prefix in PREFIXES.items():
        paths = {
            "story-index": f"{prefix}stories/",
            "story-index-filtered": f"{prefix}stories/?topic=welfare",
            "news-index": f"{prefix}news/",
        }
        if lang == "ko":
            paths |= {
                "story": story.url,
                "news": news.url,
                "story-month": f"/stories/{story.month:%Y}/{story.month.month}/",
            }
        for kind, path in paths.items():
            name = f"{kind}-{lang}"
            with subtests.test(name):
                response = page.goto(demo_site + path)
                assert response is not None and response.status == 200, (
                    f"{path}: {response and response.status}"
                )
                axe_clean(page, name, screenshots)


def test_a_story_looks_right_on_a_desktop_and_on_a_phone(
    browser: Any, demo_site: str, screenshots: Path
) -> None:
    from playwright.sync_api import expect

    from sotong.pages.models import StoryPage

    story = StoryPage.objects.live().order_by("-month").first()
    assert story is not None
    for width, height in ((1280, 900), (375, 812)):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="ko-KR")
        try:
            page = context.new_page()
            page.goto(demo_site + story.url)
            expect(page.locator("h1.page-title")).to_have_text(story.title)
            expect(page.locator(".story__hero img")).to_have_attribute("alt", story.hero_alt)
            expect(page.locator("#story-map")).to_have_class(re.compile(r"\bstory-map--on\b"))
            width_px = page.evaluate("document.documentElement.scrollWidth")
            assert width_px <= width, f"the story scrolls sideways at {width}px ({width_px}px wide)"
            page.screenshot(path=str(screenshots / f"story-{width}.png"), full_page=True)
        finally:
            context.close()


def test_the_story_form_with_errors_stays_accessible(page: Any, demo_site: str, screenshots: Path) -> None:
    from playwright.sync_api import expect

    page.goto(demo_site + "/stories/submit/")
    page.fill("#id_title", "붕어빵 할머니")
    page.fill("#id_text", "도림동 시장 입구의 붕어빵 가게 이야기입니다.")
    page.fill("#id_credit_name", "김민지")
    page.click(".story-submit-form button[type=submit]")
    expect(page.locator("#form-errors")).to_contain_text("개인정보 수집·이용에 동의해야")
    axe_clean(page, "story-submit-errors-ko", screenshots)
    page.click("label[for=id_consent]")
    expect(page.locator("#id_consent")).to_be_checked()
    page.click(".story-submit-form button[type=submit]")
    expect(page.locator("h1.page-title")).to_have_text("이야기를 받았습니다")
