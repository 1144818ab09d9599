"""Public pages kept rendered for a few seconds (sotong.pages.cache, decision 0086)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sotong.pages.models import HomePage
from sotong.pages.setup import setup_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def kept(settings: Any) -> None:
    settings.PAGES_CACHE_SECONDS = 30
    cache.clear()


def _queries(client: Any, path: str, **extra: Any) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **extra)
    return len(queries), response


def test_a_second_visit_to_the_home_page_asks_the_database_only_for_wagtails_routing(
    client: Any, kept: None
) -> None:
    setup_site()
    first_count, first = _queries(client, "/")
    second_count, second = _queries(client, "/")
    assert first.status_code == second.status_code == 200
    # What remains is Wagtail finding the page (site, locale, page, its ancestors) and its view restrictions,
    # which must be asked every time: a page made private stops being served at once.
    assert second_count <= 5 < first_count
    assert second.content == first.content


def test_each_language_and_address_is_kept_apart(client: Any, kept: None) -> None:
    setup_site()
    ko = client.get("/")
    en = client.get("/en/")
    assert ko.content != en.content
    assert client.get("/en/").content == en.content
    assert 'lang="en"' in client.get("/en/").content.decode()


def test_publishing_a_page_forgets_what_was_kept(client: Any, kept: None) -> None:
    home = setup_site()
    client.get("/")
    page = HomePage.objects.get(pk=home.pk)
    page.title = "새 제목으로 바꾼 홈"
    page.save_revision().publish()
    assert "새 제목으로 바꾼 홈" in client.get("/").content.decode()


def test_an_alert_being_saved_forgets_the_kept_home_page(
    client: Any, kept: None, django_capture_on_commit_callbacks: Any
) -> None:
    setup_site()
    client.get("/")
    kept_count, _ = _queries(client, "/")
    from sotong.pages import live

    # The receiver pages.live connects to alert and broadcast saves (what it does is what a save triggers).
    with django_capture_on_commit_callbacks(execute=True):
        live._changed("alert")(sender=None, instance=None)
    count, _ = _queries(client, "/")
    assert count > kept_count


def test_a_signed_in_user_a_query_string_and_a_session_are_never_served_from_the_cache(
    client: Any, kept: None, django_user_model: Any
) -> None:
    setup_site()
    client.get("/")
    kept_count, _ = _queries(client, "/")
    count, _ = _queries(client, "/?utm_source=sns")
    assert count > kept_count
    client.cookies["sessionid"] = "abc"
    count, _ = _queries(client, "/")
    assert count > kept_count
    del client.cookies["sessionid"]
    user = django_user_model.objects.create_user(username="editor1", password="x-long-password-1")
    client.force_login(user)
    count, response = _queries(client, "/")
    assert count > kept_count and response.status_code == 200


def test_nothing_is_kept_when_the_setting_is_zero(client: Any, settings: Any) -> None:
    settings.PAGES_CACHE_SECONDS = 0
    cache.clear()
    setup_site()
    client.get("/")
    count, _ = _queries(client, "/")
    assert count > 5
