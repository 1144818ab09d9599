from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sotong.pages.models import DirectoryPage

pytestmark = pytest.mark.django_db


def _directory() -> DirectoryPage:
    return DirectoryPage.objects.get(locale__language_code="ko")


def test_the_menu_lists_pages_in_menus_and_marks_the_current_one(site_pages: Any) -> None:
    page = Client().get("/departments/").text
    assert f'<a href="/departments/" aria-current="page">{_directory().title}</a>' in page


def test_the_menu_is_read_once_then_kept(site_pages: Any) -> None:
    client = Client()
    client.get("/voice/answered/")
    with CaptureQueriesContext(connection) as again:
        client.get("/voice/answered/")
    assert not [q for q in again.captured_queries if "wagtailcore_page" in q["sql"]]


def test_a_renamed_page_shows_at_once_when_published(site_pages: Any) -> None:
    client = Client()
    assert "부서 안내" in client.get("/voice/answered/").text
    directory = _directory()
    directory.title = "부서와 담당자"
    directory.save_revision().publish()
    assert "부서와 담당자" in client.get("/voice/answered/").text


def test_an_unpublished_page_leaves_the_menu_at_once(site_pages: Any) -> None:
    client = Client()
    assert 'href="/departments/"' in client.get("/voice/answered/").text
    _directory().unpublish()
    assert 'href="/departments/"' not in client.get("/voice/answered/").text


def test_each_language_has_its_own_menu(site_pages: Any) -> None:
    client = Client()
    assert 'href="/departments/"' in client.get("/voice/answered/").text
    assert 'href="/en/departments/"' in client.get("/en/voice/answered/").text
