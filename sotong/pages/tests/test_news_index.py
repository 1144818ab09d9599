"""구정소식: the list by category (a filter that works without JavaScript) and a news page."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sotong.pages.tests.content import make_news, picture

pytestmark = pytest.mark.django_db


@pytest.fixture
def news(site_pages: Any) -> None:
    make_news("어린이보호구역 불법주차 단속 강화", date=datetime.date(2026, 3, 5), category="notice")
    make_news(
        "지진옥외대피장소 86곳 재지정", date=datetime.date(2026, 3, 7), category="safety", image=picture()
    )
    make_news("송년 음악회", date=datetime.date(2026, 3, 1), category="event")


def test_the_list_shows_the_newest_first(news: None) -> None:
    page = Client().get("/news/").text
    assert "소식 3건" in page
    assert page.index("지진옥외대피장소") < page.index("불법주차") < page.index("송년 음악회")


def test_a_category_keeps_only_its_news_and_marks_itself_current(news: None) -> None:
    page = Client().get("/news/?category=safety").text
    assert "지진옥외대피장소 86곳 재지정" in page and "불법주차" not in page
    assert 'href="/news/?category=safety" aria-current="page"' in page


def test_an_unknown_category_shows_everything(news: None) -> None:
    assert "소식 3건" in Client().get("/news/?category=nope").text


def test_a_news_page_shows_its_date_category_and_image_with_alt(news: None) -> None:
    from sotong.pages.models import NewsPage

    item = NewsPage.objects.get(title__startswith="지진옥외대피장소")
    page = Client().get(item.url).text
    assert '<time datetime="2026-03-07">' in page
    assert "안전" in page and 'alt="안내 표지판 사진"' in page
    assert "지진옥외대피장소 86곳 재지정 본문" in page


def test_the_news_list_takes_as_many_queries_for_six_items_as_for_three(
    news: None, client: Client, django_assert_num_queries: Any
) -> None:
    client.get("/news/")
    with CaptureQueriesContext(connection) as three:
        client.get("/news/")
    count = len(three)
    for n in range(3):
        make_news(f"추가 소식 {n}", date=datetime.date(2026, 2, 1), image=picture())
    client.get("/news/")
    with django_assert_num_queries(count):
        client.get("/news/")
