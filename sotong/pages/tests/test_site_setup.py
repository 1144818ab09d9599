from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from wagtail.models import Page

from sotong.pages.models import DirectoryPage, HomePage
from sotong.pages.setup import setup_site

pytestmark = pytest.mark.django_db


def test_every_language_has_a_home_page_and_a_directory(site_pages: Any) -> None:
    for code in ("ko", "en", "zh-hans"):
        assert HomePage.objects.filter(locale__language_code=code, live=True).count() == 1
        assert DirectoryPage.objects.filter(locale__language_code=code, live=True).count() == 1


def test_the_tree_is_consistent(site_pages: Any) -> None:
    for page in Page.objects.all():
        assert page.numchild == page.get_children().count(), page


def test_setting_up_twice_changes_nothing(site_pages: Any) -> None:
    pages = Page.objects.count()
    setup_site()
    assert Page.objects.count() == pages


@pytest.mark.parametrize(
    ("path", "title"),
    [("/", "영등포구와 소통하세요"), ("/en/", "Talk with Yeongdeungpo-gu"), ("/zh-hans/", "与永登浦区沟通")],
)
def test_each_home_page_answers_in_its_language(site_pages: Any, path: str, title: str) -> None:
    response = Client().get(path)
    assert response.status_code == 200
    assert title in response.text


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/departments/", "부서 안내"),
        ("/en/departments/", "Departments"),
        ("/zh-hans/departments/", "部门指南"),
    ],
)
def test_each_directory_answers_in_its_language(site_pages: Any, path: str, heading: str) -> None:
    response = Client().get(path)
    assert response.status_code == 200
    assert heading in response.text
