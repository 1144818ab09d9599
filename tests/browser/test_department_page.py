"""A department's page: what it handles, as a list, and who answers, by public title and never by name."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.resident import DEPARTMENT, DIRECTORY, open_page

pytestmark = pytest.mark.browser

# The officers resident_site assigns; residents see their public title only.
OFFICER_NAMES = ["박준호", "김도윤", "이소라", "한민호", "junho", "doyun", "sora", "minho"]


def _handles(code: str, lang: str) -> list[str]:
    from django.utils import translation

    from sotong.organisation.models import Department

    with translation.override(lang.lower()):
        return Department.objects.get(code=code).handles_list


def _names_shown(page: Any) -> list[str]:
    text = page.locator("body").inner_text()
    return [name for name in OFFICER_NAMES if re.search(rf"(?<![a-z]){name}(?![a-z])", text)]


def test_the_department_page_lists_what_it_handles(page: Any, resident_site: str, subtests: Any) -> None:
    for resident_page in DEPARTMENT:
        with subtests.test(resident_page.name):
            open_page(page, resident_site, resident_page)

            items = page.locator("ul.handles-list > li").all_inner_texts()
            assert len(items) > 1
            assert items == _handles("roads", resident_page.lang)


# The standard public title, in the reader's language.
PUBLIC_TITLE = {"ko": "SNS 소통 주무관", "en": "SNS communication officer", "zh-Hans": "SNS沟通专员"}


def test_the_directory_and_department_pages_show_sns_officers_by_public_title_not_by_name(
    page: Any, resident_site: str, subtests: Any
) -> None:
    for resident_page in [*DIRECTORY, *DEPARTMENT]:
        with subtests.test(resident_page.name):
            open_page(page, resident_site, resident_page)
            title = PUBLIC_TITLE[resident_page.lang]

            if resident_page in DEPARTMENT:
                answers = page.locator("dl.facts dt + dd").all_inner_texts()
                assert answers.count(title) == 2  # the primary (정) and the backup (부)
            else:
                roads = page.locator("li.department").filter(
                    has=page.locator("a[href$='/departments/roads/']")
                )
                assert title in roads.locator(".department__officer").inner_text()
            assert _names_shown(page) == []
