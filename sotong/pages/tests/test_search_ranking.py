"""The development queries of the Korean search: what the analysis was tuned on (never the benchmark's 30
queries, bench/search_korean_queries.json), over 구정소식 and 행복공감 pages made here."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.test import Client

from sotong.pages.models import NewsIndexPage, NewsPage, StoryIndexPage, StoryPage
from sotong.pages.search.selectors import site_search
from sotong.pages.tests.test_search_page import tasks_run_at_once  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def news(title: str, summary: str, body: str = "", *, days_ago: int = 1) -> NewsPage:
    page = NewsPage(
        title=title,
        date=datetime.date(2026, 11, 30) - datetime.timedelta(days=days_ago),
        category="notice",
        summary=summary,
        body=json.dumps([{"type": "paragraph", "value": f"<p>{body or summary}</p>"}]),
    )
    NewsIndexPage.objects.get(locale__language_code="ko").add_child(instance=page)
    page.save_revision().publish()
    return page


def story(title: str, summary: str, body: str, *, live: bool = True) -> StoryPage:
    page = StoryPage(
        title=title,
        month=datetime.date(2026, 6, 1),
        topic="neighbours",
        summary=summary,
        hero_alt="골목 사진",
        body=json.dumps([{"type": "paragraph", "value": f"<p>{body}</p>"}]),
        live=False,
    )
    StoryIndexPage.objects.get(locale__language_code="ko").add_child(instance=page)
    revision = page.save_revision()
    if live:
        revision.publish()
    return page


@pytest.fixture
def corpus(site_pages: Any) -> dict[str, Any]:
    return {
        "charging": news(
            "전기차 충전구역 불법주차 과태료 부과", "충전구역에 일반 차량을 세우면 과태료를 물립니다."
        ),
        "daycare": news(
            "구립어린이집 입소 대기 신청 안내", "만 0~5세 아이를 둔 가정은 온라인으로 신청하세요."
        ),
        "mosquito": news("여름철 모기 방역 일정", "6월부터 9월까지 주 2회 골목과 하수구를 방역합니다."),
        "share": news(
            "거주자 주차장 공유 사업 참여 안내", "낮 시간 비는 거주자 우선주차구역을 이웃과 나눕니다."
        ),
        "share_body": news(
            "마을 소식 모음",
            "여러 소식을 모았습니다.",
            "주차장 공유 사업 설명회가 열립니다. 주차장 위치도 안내합니다.",
        ),
        "waste": news("쓰레기 바르게 버리기", "종량제 봉투에 담아 저녁 8시 이후 내놓아 주세요."),
        "basket": story(
            "망원시장 상인회의 장바구니 나눔",
            "비닐봉지 대신 장바구니를 빌려 주는 시장",
            "상인들이 장바구니를 모아 손님에게 빌려 줍니다.",
        ),
        "dogs": story(
            "한강 둔치의 새 친구들",
            "주말 아침의 둔치 풍경",
            "양화 둔치에 반려견 놀이터가 문을 열어 이웃들이 모입니다.",
        ),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("충전소 주차", "charging"),  # 충전소 meets 충전구역 by its part 충전
        ("어린이집 신청", "daycare"),  # 어린이집 inside 구립어린이집
        ("모기 방역", "mosquito"),
        ("주차장 공유", "share"),  # in the title before in the body
        ("장바구니", "basket"),
        ("반려견 놀이터", "dogs"),  # found by the story's body
        ("쓰레기 버리는 방법", "waste"),  # 버리는 and 버리기 share the stem 버리
    ],
)
def test_a_development_query_finds_its_page_among_the_first_three(
    corpus: dict[str, Any], query: str, expected: str
) -> None:
    hits = site_search(query=query).hits[:3]
    assert corpus[expected].pk in [h.page_id for h in hits], [h.title for h in hits]


def test_a_page_with_the_words_in_its_title_comes_before_one_with_them_in_its_body(
    corpus: dict[str, Any],
) -> None:
    ids = [h.page_id for h in site_search(query="주차장 공유").hits]
    assert ids.index(corpus["share"].pk) < ids.index(corpus["share_body"].pk)


def test_kinds_are_named_for_stories_and_news(corpus: dict[str, Any]) -> None:
    text = Client().get("/search/", {"q": "장바구니"}).text
    assert "행복공감</span>" in text
    text = Client().get("/search/", {"q": "모기 방역"}).text
    assert "구정소식</span>" in text


def test_the_snippet_is_the_summary_with_the_words_marked(corpus: dict[str, Any]) -> None:
    text = Client().get("/search/", {"q": "과태료"}).text
    assert "<mark>과태료</mark>를 물립니다." in text


def test_a_story_is_found_once_published_and_no_longer_once_unpublished(site_pages: Any) -> None:
    page = story("성수동 수제화 골목의 하루", "구두 장인을 만났습니다", "가죽을 자르는 소리", live=False)
    assert not any(h.page_id == page.pk for h in site_search(query="수제화").hits)
    page.get_latest_revision().publish()
    assert any(h.page_id == page.pk for h in site_search(query="수제화").hits)
    # A word of the body only: the index holds the analysed body.
    assert any(h.page_id == page.pk for h in site_search(query="가죽").hits)
    page.refresh_from_db()
    page.unpublish()
    assert not any(h.page_id == page.pk for h in site_search(query="수제화").hits)
