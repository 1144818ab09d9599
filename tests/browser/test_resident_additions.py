"""Resident pages in Chromium, in every language, axe-core clean: directory search results, the form opened
from a department's page, and the receipt with its tracking address (copied by the button with JavaScript,
there to read and select without)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.browser.resident import LANGUAGES, axe_clean

pytestmark = pytest.mark.browser


def test_search_results_the_department_form_and_the_receipt_are_accessible(
    resident_site: str, context: Any, screenshots: Path, subtests: Any
) -> None:
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    for lang, prefix in LANGUAGES.items():
        name = lang.lower()
        with subtests.test(f"directory search ({lang})"):
            page.goto(f"{resident_site}{prefix}departments/?q=parking")
            assert page.locator(".department__name").count() >= 1
            axe_clean(page, f"directory-search-{name}", screenshots)

        with subtests.test(f"the form from a department's page, then the receipt ({lang})"):
            page.goto(f"{resident_site}{prefix}departments/roads/")
            page.locator("main a.button").first.click()
            page.wait_for_url(re.compile(r"/voice/\?department=roads$"))
            axe_clean(page, f"voice-form-roads-{name}", screenshots)

            page.select_option("#id_category", "streetlight")
            page.fill("#id_text", "당산역 4번 출구 앞 가로등이 꺼져서 밤에 어두워요.")
            page.locator("form.case-form button[type=submit]").click()
            page.wait_for_url(re.compile(r"/voice/submitted/\d{4}-\d{6}/"))
            address = page.locator("#tracking-address").inner_text().strip()
            assert re.fullmatch(
                rf"https?://[^/]+{re.escape(prefix)}voice/track/\d{{4}}-\d{{6}}/\?t=\S+", address
            )
            button = page.locator("button[data-copy]")
            assert button.is_visible()
            button.click()
            assert page.evaluate("navigator.clipboard.readText()") == address
            page.locator(".tracking-address [role=status]").filter(has_text=re.compile(".+")).wait_for()
            axe_clean(page, f"voice-receipt-{name}", screenshots)


def test_without_javascript_the_receipt_shows_the_address_and_no_dead_button(
    resident_site: str, browser: Any
) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(f"{resident_site}/voice/")
        page.fill("#id_text", "문래동 골목 보도블록이 깨졌어요. 고쳐 주세요.")
        page.locator("form.case-form button[type=submit]").click()
        page.wait_for_url(re.compile(r"/voice/submitted/"))
        address = page.locator("#tracking-address")
        assert address.is_visible() and "/voice/track/" in address.inner_text()
        assert not page.locator("button[data-copy]").is_visible()
        # The whole address fits the phone's width (it wraps inside itself).
        box = address.bounding_box()
        assert box is not None and box["x"] + box["width"] <= 390
    finally:
        context.close()
