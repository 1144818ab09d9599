"""Finding the department that handles something works without JavaScript (progressive enhancement)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.resident import DIRECTORY, HOME, open_page

pytestmark = pytest.mark.browser

KO_HOME, (KO_DIRECTORY, EN_DIRECTORY) = HOME[0], DIRECTORY[:2]


@pytest.fixture
def page_without_js(browser: Any) -> Iterator[Any]:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 800})
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def _search(page: Any, query: str, *, press_enter: bool = False) -> list[str]:
    """Type into the directory's search box and submit it as a resident would; the department names found.
    (The header's site-wide search is the page's other search landmark.)"""
    form = page.get_by_role("main").get_by_role("search")
    form.get_by_role("searchbox").fill(query)
    with page.expect_navigation() as navigation:
        if press_enter:
            form.get_by_role("searchbox").press("Enter")
        else:
            form.get_by_role("button").click()
    assert navigation.value.status == 200
    assert page.get_by_role("main").get_by_role("search").get_by_role("searchbox").input_value() == query
    return [name.strip() for name in page.locator(".department__name").all_inner_texts()]


def test_the_directory_search_finds_the_department_that_handles_it_without_javascript(
    page_without_js: Any, resident_site: str, subtests: Any
) -> None:
    page = page_without_js

    with subtests.test("불법 주차 in the directory finds 주차관리과 and not unrelated departments"):
        open_page(page, resident_site, KO_DIRECTORY)
        everything = page.locator(".department__name").count()

        found = _search(page, "불법 주차")

        assert page.url.startswith(resident_site + "/departments/?q=")
        assert "주차관리과" in found
        assert len(found) < everything
        assert not {"도로과", "복지정책과", "기획예산과", "청소행정과"} & set(found)

    with subtests.test("불법주차 in the home page's box leads to the directory's results"):
        open_page(page, resident_site, KO_HOME)

        found = _search(page, "불법주차", press_enter=True)

        assert page.url.startswith(resident_site + "/departments/?q=")
        assert "주차관리과" in found
        assert "도로과" not in found

    with subtests.test("parking in the English directory finds the Parking Management Division"):
        open_page(page, resident_site, EN_DIRECTORY)

        found = _search(page, "parking")

        assert page.url.startswith(resident_site + "/en/departments/?q=")
        assert "Parking Management Division" in found
        assert not {"Roads Division", "Welfare Policy Division"} & set(found)

    with subtests.test("a search that matches nothing says so"):
        open_page(page, resident_site, KO_DIRECTORY)

        found = _search(page, "우주정거장")

        assert found == []
        assert page.get_by_text("찾는 업무를 담당하는 부서가 없습니다").count() == 1
