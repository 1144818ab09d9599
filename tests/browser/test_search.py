"""The site search in a real browser: from the header's search box to the results, axe-clean, with no
Content Security Policy violation from the page's JSON-LD."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.resident import axe_clean

pytestmark = pytest.mark.browser


@pytest.fixture
def parking_news(resident_site: str, site_pages: Any, settings: Any) -> str:
    from sotong.pages.models import HomePage

    # Wagtail's index update, a queued task, runs at once (the live server shares this process).
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default", "urgent"],
        }
    }
    page = HomePage(
        title="어린이보호구역 불법주차 단속 안내", slug="parking-notice", locale=site_pages.locale
    )
    site_pages.add_child(instance=page)
    page.save_revision().publish()
    return resident_site


def collect_csp_violations(page: Any) -> list[str]:
    """Chromium's console reports of CSP violations. JSON-LD is data, never run, so script-src does not
    apply to it; a violation naming a script would show it did."""
    messages: list[str] = []
    page.on(
        "console",
        lambda message: messages.append(message.text) if "Content Security Policy" in message.text else None,
    )
    return messages


def test_a_resident_searches_from_the_header_and_finds_the_compound(
    page: Any, parking_news: str, screenshots: Path
) -> None:
    violations = collect_csp_violations(page)
    page.goto(parking_news + "/")
    page.locator("#site-search-q").fill("주차")
    page.locator("#site-search-q").press("Enter")
    expect(page).to_have_url(parking_news + "/search/?q=%EC%A3%BC%EC%B0%A8")
    results = page.locator(".search-results .structured-item")
    expect(results.first).to_be_visible()
    expect(page.locator(".search-results mark").first).to_have_text("주차")
    expect(page.get_by_role("link", name="어린이보호구역 불법주차 단속 안내")).to_be_visible()
    axe_clean(page, "search-ko-results", screenshots)
    assert [m for m in violations if "script" in m] == [], violations


def test_the_search_page_says_what_is_wrong_with_a_one_letter_query(
    page: Any, resident_site: str, screenshots: Path
) -> None:
    page.goto(resident_site + "/search/?q=%EC%A3%BC")
    expect(page.get_by_role("alert")).to_have_text("검색어를 2글자 이상 입력하세요.")
    axe_clean(page, "search-ko-too-short", screenshots)


@pytest.mark.parametrize("prefix", ["/en", "/zh-hans"])
def test_the_search_page_renders_in_english_and_chinese(
    page: Any, parking_news: str, screenshots: Path, prefix: str
) -> None:
    violations = collect_csp_violations(page)
    response = page.goto(parking_news + prefix + "/search/?q=%EC%A3%BC%EC%B0%A8")
    assert response is not None and response.status == 200
    expect(page.locator("h1.page-title")).to_be_visible()
    expect(page.locator("#search-q")).to_have_value("주차")
    axe_clean(page, f"search{prefix.replace('/', '-')}", screenshots)
    assert [m for m in violations if "script" in m] == [], violations
