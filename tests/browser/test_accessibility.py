"""axe-core on every resident page: no serious or critical violation. Each page leaves a screenshot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.resident import ALL_PAGES, HOME, axe_clean, open_page

pytestmark = pytest.mark.browser


def test_no_resident_page_has_a_serious_or_critical_axe_violation(
    page: Any, resident_site: str, screenshots: Path, subtests: Any
) -> None:
    for resident_page in ALL_PAGES:
        with subtests.test(resident_page.name):
            open_page(page, resident_site, resident_page)
            axe_clean(page, resident_page.name, screenshots)


def test_the_official_site_banner_stays_clean_once_its_disclosure_is_opened(
    page: Any, resident_site: str, screenshots: Path, subtests: Any
) -> None:
    for resident_page in HOME:
        with subtests.test(resident_page.name):
            open_page(page, resident_site, resident_page)
            summary = page.locator("#krds-masthead summary")
            summary.focus()
            page.keyboard.press("Enter")
            expect(page.locator("#krds-masthead details")).to_have_attribute("open", "")
            axe_clean(page, f"{resident_page.name}-masthead-open", screenshots)
