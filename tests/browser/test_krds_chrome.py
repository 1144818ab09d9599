"""The KRDS chrome on every resident page in every language: the official-site banner with its disclosure
(which opens without JavaScript), the header's emblem, home link and search, and the footer's emblem,
contacts, emergency numbers and policy links (개인정보처리방침 in bold, as Korean public sites show it)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.resident import LANGUAGES

pytestmark = pytest.mark.browser

PATHS = [
    "",
    "departments/",
    "departments/roads/",
    "voice/",
    "voice/track/",
    "voice/answered/",
    "voice/stats/",
    "safety/",
    "safety/guides/",
    "safety/map/",
    "safety/alerts/",
    "tv/",
    "privacy/",
    "terms/",
]


@pytest.fixture
def page_without_js(browser: Any) -> Any:
    context = browser.new_context(viewport={"width": 375, "height": 800}, java_script_enabled=False)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_every_resident_page_carries_the_masthead_header_and_footer_in_its_language(
    page_without_js: Any, resident_site: str, subtests: Any
) -> None:
    page = page_without_js
    for lang, prefix in LANGUAGES.items():
        for path in PATHS:
            with subtests.test(f"{prefix}{path}"):
                response = page.goto(resident_site + prefix + path)
                assert response is not None and response.status == 200
                assert page.evaluate("document.documentElement.lang") == lang

                masthead = page.locator("#krds-masthead")
                expect(masthead.locator(".nuri-txt")).to_be_visible()
                body = masthead.locator(".masthead-check__body")
                expect(body).to_be_hidden()
                masthead.locator("summary").click()  # <details>: no script needed
                expect(body).to_be_visible()
                expect(body).to_contain_text("go.kr")

                brand = page.locator("header .site-brand")
                assert brand.get_attribute("href") == prefix
                expect(brand.locator("img.site-emblem")).to_be_visible()
                assert page.locator("header form[role=search]").get_attribute("action") == f"{prefix}search/"

                footer = page.locator("footer#krds-footer")
                expect(footer.locator("img.site-emblem")).to_be_visible()
                expect(footer.locator("address")).to_be_visible()
                expect(footer.locator('a[href^="tel:"]')).to_have_text("02-2670-3114")
                expect(footer.locator(".site-footer__note")).to_contain_text("119")
                expect(footer.locator(".site-footer__note")).to_contain_text("112")
                privacy = footer.locator(f'a[href="{prefix}privacy/"]')
                expect(privacy).to_be_visible()
                assert (
                    privacy.evaluate("a => getComputedStyle(a.querySelector('strong')).fontWeight") == "700"
                )
                expect(footer.locator(f'a[href="{prefix}terms/"]')).to_be_visible()
                expect(footer.locator(".f-copy")).to_contain_text("©")


def test_the_policy_links_lead_to_the_policies_in_the_same_language(
    page_without_js: Any, resident_site: str, subtests: Any
) -> None:
    page = page_without_js
    titles = {
        "ko": ("개인정보처리방침", "이용약관"),
        "en": ("Privacy Policy", "Terms of Use"),
        "zh-Hans": ("个人信息处理方针", "使用条款"),
    }
    for lang, prefix in LANGUAGES.items():
        for index, kind in enumerate(("privacy", "terms")):
            with subtests.test(f"{kind} ({lang})"):
                page.goto(f"{resident_site}{prefix}voice/")
                with page.expect_navigation():
                    page.locator(f'footer a[href="{prefix}{kind}/"]').click()
                expect(page.locator("h1")).to_have_text(titles[lang][index])
                crumbs = page.locator("main nav.krds-breadcrumb-wrap")
                expect(crumbs.locator("li.home a")).to_have_attribute("href", prefix)
                expect(crumbs.locator("a[aria-current=page]")).to_have_text(titles[lang][index])


def test_the_chrome_speaks_english_and_chinese_once_translated(
    page: Any, resident_site: str, subtests: Any
) -> None:
    """Waits for the coordinator's compiled translations of /tmp/i18n/krds.json."""
    expected = {
        "/en/": (
            "This is an official e-government website of the Republic of Korea.",
            "Privacy Policy",
            "Terms of Use",
        ),
        "/zh-hans/": ("本网站是大韩民国官方电子政府网站。", "个人信息处理方针", "使用条款"),
    }
    for prefix, (banner, privacy, terms) in expected.items():
        with subtests.test(prefix):
            page.goto(resident_site + prefix)
            expect(page.locator("#krds-masthead .nuri-txt")).to_have_text(banner)
            expect(page.locator(f'footer a[href="{prefix}privacy/"]')).to_have_text(privacy)
            expect(page.locator(f'footer a[href="{prefix}terms/"]')).to_have_text(terms)
