"""The 행복공감 index: filters by month, topic and dong (GET, no JavaScript), the month archive, paging."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sotong.pages.tests.content import make_story, picture

pytestmark = pytest.mark.django_db

MARCH = datetime.date(2026, 3, 1)
APRIL = datetime.date(2026, 4, 1)


@pytest.fixture
def stories(site_pages: Any) -> None:
    make_story("문래 창작촌의 봄", month=MARCH, topic="culture", dong="mullae", image=picture())
    make_story("여의도 벚꽃길 봉사자", month=APRIL, topic="safety", dong="yeoui", image=picture())
    make_story("대림시장 설맞이", month=APRIL, topic="neighbours", dong="daerim2", image=picture())
    make_story("아직 쓰는 중인 이야기", month=APRIL, live=False)


def test_the_index_lists_every_published_story_newest_month_first(stories: None) -> None:
    page = Client().get("/stories/").text
    assert "이야기 3편" in page
    assert page.index("여의도 벚꽃길 봉사자") < page.index("문래 창작촌의 봄")
    assert "아직 쓰는 중인 이야기" not in page


def test_the_topic_filter_keeps_only_that_topic(stories: None) -> None:
    page = Client().get("/stories/?topic=culture").text
    assert "문래 창작촌의 봄" in page and "여의도 벚꽃길 봉사자" not in page
    assert '<option value="culture" selected>' in page


def test_the_dong_filter_keeps_only_that_dong(stories: None) -> None:
    page = Client().get("/stories/?dong=daerim2").text
    assert "대림시장 설맞이" in page and "문래 창작촌의 봄" not in page


def test_the_month_filter_and_the_month_archive_agree(stories: None) -> None:
    by_param = Client().get("/stories/?month=2026-04").text
    archive = Client().get("/stories/2026/4/")
    assert archive.status_code == 200
    for text in (by_param, archive.text):
        assert "여의도 벚꽃길 봉사자" in text and "대림시장 설맞이" in text
        assert "문래 창작촌의 봄" not in text
    assert "2026. 4. 호" in archive.text


def test_filters_combine(stories: None) -> None:
    page = Client().get("/stories/?month=2026-04&topic=safety").text
    assert "이야기 1편" in page and "여의도 벚꽃길 봉사자" in page


def test_an_unknown_topic_or_a_malformed_month_is_ignored_not_an_error(stories: None) -> None:
    response = Client().get("/stories/?topic=<script>&month=2026-13")
    assert response.status_code == 200
    assert "이야기 3편" in response.text


def test_an_archive_month_out_of_range_is_not_found(stories: None) -> None:
    assert Client().get("/stories/2026/13/").status_code == 404


def test_the_archive_lists_every_month_with_stories(stories: None) -> None:
    page = Client().get("/stories/").text
    assert 'href="/stories/2026/4/"' in page and 'href="/stories/2026/3/"' in page


def test_many_stories_are_paged_with_krds_pagination_keeping_the_filters(site_pages: Any) -> None:
    for n in range(11):
        make_story(f"이웃 이야기 {n:02d}", month=datetime.date(2026, 1 + n % 12, 1), topic="neighbours")
    first = Client().get("/stories/?topic=neighbours").text
    assert 'class="krds-pagination"' in first
    assert 'href="?topic=neighbours&amp;page=2"' in first
    second = Client().get("/stories/?topic=neighbours&page=2").text
    assert second.count('class="structured-item story-card"') == 2
    assert 'class="page-link active" aria-current="page" href="?topic=neighbours&amp;page=2">2</a>' in second


def test_a_translated_index_without_stories_shows_the_korean_series_and_says_so(stories: None) -> None:
    page = Client().get("/en/stories/").text
    assert "여의도 벚꽃길 봉사자" in page
    assert "이야기는 한국어로 제공됩니다." in page or "Stories are in Korean." in page


def test_the_index_links_its_feeds_in_the_head(stories: None) -> None:
    page = Client().get("/stories/").text
    head = page.split("</head>")[0]
    assert '<link rel="alternate" type="application/rss+xml" href="/stories/feed/rss/"' in head
    assert '<link rel="alternate" type="application/atom+xml" href="/stories/feed/atom/"' in head


def test_the_index_takes_as_many_queries_for_nine_stories_as_for_three(
    stories: None, django_assert_num_queries: Any, client: Client
) -> None:
    client.get("/stories/")  # warm the per-process caches (site root paths, menus)
    with CaptureQueriesContext(connection) as three:
        client.get("/stories/")
    count = len(three)  # now: the next request clears the connection's query log
    for n in range(6):
        make_story(f"더 많은 이야기 {n}", month=MARCH, image=picture())
    client.get("/stories/")  # the new stories' renditions are made once
    with django_assert_num_queries(count):
        response = client.get("/stories/")
    assert response.context["stories"].paginator.count == 9
