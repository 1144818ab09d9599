"""Home page and department directory in every language: language, landmark, skip link, language switcher.

Each test walks every page in a subtest: the live server's database is rebuilt for every test, so one
test per concern (not per page) keeps the suite fast.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.resident import DIRECTORY, HOME, LANGUAGES, open_page, path_of

pytestmark = pytest.mark.browser


def test_the_home_page_and_directory_declare_their_language_and_have_one_main_landmark(
    page: Any, resident_site: str, subtests: Any
) -> None:
    for resident_page in [*HOME, *DIRECTORY]:
        with subtests.test(resident_page.name):
            open_page(page, resident_site, resident_page)

            assert page.evaluate("document.documentElement.lang") == resident_page.lang
            main = page.get_by_role("main")
            assert main.count() == 1
            assert main.get_attribute("id") == "main"
            assert page.locator("h1").count() == 1
            assert page.locator("h1").inner_text().strip()


FOCUSED = """() => {
  const el = document.activeElement, box = el.getBoundingClientRect();
  return {cls: el.className, href: el.getAttribute('href'), top: box.top, height: box.height};
}"""


def test_the_skip_link_is_the_first_focusable_element_and_moves_focus_to_main(
    page: Any, resident_site: str, subtests: Any
) -> None:
    for resident_page in [*HOME, *DIRECTORY]:
        with subtests.test(resident_page.name):
            open_page(page, resident_site, resident_page)

            page.keyboard.press("Tab")
            focused = page.evaluate(FOCUSED)
            assert (focused["cls"], focused["href"]) == ("skip-link", "#main")
            # Off screen until focused; then a sighted keyboard user must see it.
            assert focused["top"] >= 0
            assert focused["height"] > 0

            page.keyboard.press("Enter")
            expect(page.locator("#main")).to_be_focused(timeout=2_000)
            assert page.url.endswith("#main")


def test_the_language_switcher_links_to_the_same_page_in_every_other_language(
    page: Any, resident_site: str, subtests: Any
) -> None:
    for resident_page in [*HOME, *DIRECTORY]:
        with subtests.test(resident_page.name):
            open_page(page, resident_site, resident_page)

            switcher = page.locator("nav.lang-switcher")
            links = {
                link.get_attribute("hreflang"): (
                    link.get_attribute("href"),
                    link.get_attribute("lang"),  # so that a screen reader says "English" in English
                    link.get_attribute("aria-current"),
                )
                for link in switcher.get_by_role("link").all()
            }
            assert links == {
                lang: (
                    path_of(resident_page.kind, lang),
                    lang,
                    "true" if lang == resident_page.lang else None,
                )
                for lang in LANGUAGES
            }

            for lang in LANGUAGES:
                if lang == resident_page.lang:
                    continue
                target = path_of(resident_page.kind, lang)
                with page.expect_navigation() as navigation:
                    switcher.locator(f"a[hreflang='{lang}']").click()
                assert navigation.value.status == 200, f"{target} answered {navigation.value.status}"
                assert page.url == resident_site + target
                assert page.evaluate("document.documentElement.lang") == lang
                page.go_back()
