"""The site search (/search/?q=) across pages, departments and published answers, in Korean."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from wagtail.models import Locale, Page

from sotong.organisation.models import Department
from sotong.pages.models import HomePage
from sotong.voice.models import Case
from sotong.voice.services import handling
from sotong.voice.tests.test_inbox_pages import roads_case

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings: Any) -> None:
    """Wagtail queues an index update on every save, which the worker runs (the database queue embedded,
    RQ at scale, where other test runs share the queue): here the task runs at once, in this process."""
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default", "urgent"],
        }
    }


def published_page(title: str, *, language: str = "ko", slug: str | None = None) -> HomePage:
    """A page under the home page of its language, published (a HomePage: the tests add no page types)."""
    root = HomePage.objects.get(locale__language_code=language, depth=2)
    page = HomePage(
        title=title,
        slug=slug or f"search-test-{Page.objects.count()}",
        locale=Locale.objects.get(language_code=language),
        search_description=f"{title}에 관한 안내입니다.",
    )
    root.add_child(instance=page)
    page.save_revision().publish()
    return page


def published_answer(text: str, sora: Any, *, name: str = "최서연") -> Case:
    case = roads_case(text, consent_publish=True, contact_name=name)
    Case.objects.filter(pk=case.pk).update(department=Department.objects.get(code="welfare"))
    case.refresh_from_db()
    handling.case_reply(case=case, body="확인하고 조치했습니다.", by=sora)
    return case


def test_a_part_of_a_compound_finds_the_compound(site_pages: Any) -> None:
    published_page("불법주차 집중 단속 기간 안내")
    response = Client().get("/search/", {"q": "주차"})
    assert response.status_code == 200
    assert "불법<mark>주차</mark> 집중 단속 기간 안내" in response.text


def test_a_word_finds_a_compound_it_shares_a_part_with(site_pages: Any) -> None:
    published_page("지진옥외대피장소 위치 안내")
    response = Client().get("/search/", {"q": "대피소"})
    assert "지진옥외<mark>대피</mark>장소 위치 안내" in response.text


def test_the_kind_of_each_result_is_shown(site_pages: Any) -> None:
    published_page("주차장 개방 안내")
    response = Client().get("/search/", {"q": "주차장"})
    assert 'krds-badge bg-light-primary">페이지</span>' in response.text
    # The parking department handles it too.
    assert "<mark>주차</mark>관리과" in response.text
    assert 'bg-light-success">부서</span>' in response.text


def test_a_department_is_found_by_what_it_handles(site_pages: Any) -> None:
    response = Client().get("/search/", {"q": "불법 주정차"})
    assert "/departments/parking/" in response.text


def test_a_published_answer_is_found_with_personal_data_masked(site_pages: Any, sora: Any) -> None:
    published_answer("최서연입니다. 경로당 무더위쉼터 에어컨이 고장났어요 010-5555-7777", sora)
    response = Client().get("/search/", {"q": "무더위쉼터"})
    assert '"krds-badge bg-light-warning">답변 사례</span>' in response.text
    assert "<mark>무더위쉼터</mark>" in response.text
    assert "최서연" not in response.text
    assert "5555-7777" not in response.text


def test_an_answer_not_allowed_for_publication_is_never_found(site_pages: Any) -> None:
    roads_case("경로당 무더위쉼터 에어컨이 고장났어요", consent_publish=False)
    response = Client().get("/search/", {"q": "무더위쉼터"})
    assert "답변 사례</span>" not in response.text


def test_a_page_is_found_once_published_and_no_longer_once_unpublished(site_pages: Any) -> None:
    page = published_page("구민체육대회 참가 신청")
    assert f'href="{page.url}"' in Client().get("/search/", {"q": "체육대회"}).text
    page.unpublish()
    assert f'href="{page.url}"' not in Client().get("/search/", {"q": "체육대회"}).text


def test_a_draft_is_never_found(site_pages: Any) -> None:
    root = HomePage.objects.get(locale__language_code="ko", depth=2)
    draft = HomePage(title="비공개 초안 청소년 축제", slug="draft-festival", live=False)
    root.add_child(instance=draft)
    draft.save_revision()
    assert "비공개 초안" not in Client().get("/search/", {"q": "청소년 축제"}).text


def test_pages_are_found_in_the_language_of_the_request(site_pages: Any) -> None:
    published_page("Parking enforcement week", language="en")
    published_page("불법주차 단속 주간")
    english = Client().get("/en/search/", {"q": "parking"})
    assert "<mark>Parking</mark> enforcement week" in english.text
    assert "단속 주간" not in english.text
    korean = Client().get("/search/", {"q": "주차"})
    assert "Parking enforcement week" not in korean.text


def test_html_in_the_query_and_the_titles_is_escaped(site_pages: Any) -> None:
    published_page("<b>주차</b> 요금 안내")
    response = Client().get("/search/", {"q": "<script>주차</script>"})
    assert "<script>주차" not in response.text
    assert "&lt;b&gt;<mark>주차</mark>&lt;/b&gt; 요금 안내" in response.text


def test_a_one_letter_query_asks_for_more(site_pages: Any) -> None:
    response = Client().get("/search/", {"q": "주"})
    assert "검색어를 2글자 이상 입력하세요." in response.text
    assert 'aria-invalid="true"' in response.text


def test_a_very_long_query_is_refused_with_a_message(site_pages: Any) -> None:
    response = Client().get("/search/", {"q": "주차 " * 60})
    assert "검색어는 100글자까지 입력할 수 있습니다." in response.text
    assert "structured-item" not in response.text


def test_nothing_found_says_so_and_suggests_words(site_pages: Any) -> None:
    response = Client().get("/search/", {"q": "화성탐사 로버"})
    assert "찾는 내용이 없습니다" in response.text
    assert 'href="?q=%EC%A3%BC%EC%B0%A8"' in response.text  # 주차
    assert "/voice/" in response.text


def test_the_empty_search_page_shows_the_form_only(site_pages: Any) -> None:
    response = Client().get("/search/")
    assert response.status_code == 200
    assert 'id="search-q"' in response.text
    assert "찾는 내용이 없습니다" not in response.text


def test_results_come_in_pages_of_ten(site_pages: Any) -> None:
    for n in range(12):
        published_page(f"어린이 놀이터 안전점검 결과 {n + 1}")
    first = Client().get("/search/", {"q": "놀이터"})
    total = int(re.search(r"검색 결과 (\d+)건", first.text)[1])  # type: ignore[index]
    assert total >= 12  # the departments that look after playgrounds too
    assert first.text.count('class="structured-item"') == 10
    assert 'aria-current="page" href="?q=%EB%86%80%EC%9D%B4%ED%84%B0&amp;page=1"' in first.text
    second = Client().get("/search/", {"q": "놀이터", "page": "2"})
    assert second.text.count('class="structured-item"') == total - 10
    assert Client().get("/search/", {"q": "놀이터", "page": "x"}).status_code == 200


def test_the_search_takes_a_bounded_number_of_queries(
    site_pages: Any, sora: Any, django_assert_max_num_queries: Any
) -> None:
    for n in range(6):
        published_page(f"주차장 공유 사업 {n}")
        published_answer(f"공영주차장 요금 문의 {n}", sora)
    Client().get("/search/", {"q": "주차장"})  # Kiwi and the content types warmed up
    with django_assert_max_num_queries(25):
        response = Client().get("/search/", {"q": "주차장"})
    assert response.text.count('class="structured-item"') == 10
