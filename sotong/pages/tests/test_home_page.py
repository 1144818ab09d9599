"""The home page: quick actions, what's new, this month's 행복공감 story and the domains' blocks; complete with
nothing to show and with nothing registered."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sotong.core import blocks
from sotong.pages.tests.content import make_news, make_story, picture
from tests.clock import MONDAY_MORNING

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(MONDAY_MORNING)]


@pytest.fixture
def no_blocks() -> Iterator[None]:
    saved = dict(blocks._blocks)
    blocks._blocks.clear()
    yield
    blocks._blocks.update(saved)


def test_the_home_page_offers_the_four_quick_actions(site_pages: Any) -> None:
    page = Client().get("/").text
    for label, href in (
        ("민원 신청", "/voice/"),
        ("처리 상황 조회", "/voice/track/"),
        ("내 주변 대피소", "/safety/"),
        ("구청장에게 제안", "/mayor/proposals/"),
    ):
        assert f'href="{href}"><span class="quick-action__title">{label}</span>' in page


def test_the_quick_actions_keep_the_language(site_pages: Any) -> None:
    page = Client().get("/en/").text
    assert 'href="/en/voice/"' in page and 'href="/en/mayor/proposals/"' in page


def test_with_nothing_registered_and_no_content_the_home_page_is_still_complete(
    site_pages: Any, no_blocks: None
) -> None:
    response = Client().get("/")
    assert response.status_code == 200
    page = response.text
    assert "아직 올라온 소식이 없습니다." in page
    assert "이달의 행복공감" not in page
    assert 'class="home-block"' not in page


def test_the_home_page_shows_this_months_story_with_its_hero_and_the_latest_news(site_pages: Any) -> None:
    make_story("지난달 이야기", month=datetime.date(2026, 2, 1), image=picture())
    make_story("이달의 문래 이야기", month=datetime.date(2026, 3, 1), image=picture(), sample=True)
    make_news("불법주차 단속 강화", date=datetime.date(2026, 3, 5))
    page = Client().get("/").text
    featured = page.split('id="home-story-title"')[1].split("</section>")[0]
    assert "이달의 문래 이야기" in featured and "지난달 이야기" not in featured
    assert 'alt="철공소 골목에서 용접 불꽃이 튀는 모습"' in featured
    assert "예시 콘텐츠" in featured
    assert "불법주차 단속 강화" in page.split('id="home-news-title"')[1]


def test_the_home_page_says_when_nothing_is_scheduled_on_sotong_tv(site_pages: Any) -> None:
    response = Client().get("/")
    assert response.status_code == 200
    tv = response.text.split('id="home-tv-title"')[1].split("</section>")[0]
    assert "예정된 방송이 없습니다." in tv


def test_the_home_page_links_the_story_feeds(site_pages: Any) -> None:
    head = Client().get("/").text.split("</head>")[0]
    assert 'type="application/rss+xml" href="/stories/feed/rss/"' in head


def test_the_home_page_takes_as_many_queries_with_more_stories_and_news(
    site_pages: Any, client: Client, django_assert_num_queries: Any
) -> None:
    make_story("첫 이야기", month=datetime.date(2026, 3, 1), image=picture())
    make_news("첫 소식", date=datetime.date(2026, 3, 5), image=picture())
    client.get("/")
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    count = len(few)
    with time_machine.travel(MONDAY_MORNING, tick=True):
        for n in range(4):
            make_story(f"이야기 {n}", month=datetime.date(2026, 1, 1), image=picture())
            make_news(f"소식 {n}", date=datetime.date(2026, 3, 1), image=picture())
    client.get("/")
    with django_assert_num_queries(count):
        client.get("/")
