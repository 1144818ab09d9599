from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_directory_lists_every_active_department_by_bureau(site_pages: Any) -> None:
    response = Client().get("/departments/")
    assert response.status_code == 200
    assert "부서 48곳" in response.text
    assert "교통건설국" in response.text
    assert "/departments/parking/" in response.text


def test_searching_by_what_residents_call_the_matter_finds_the_department(site_pages: Any) -> None:
    response = Client().get("/departments/", {"q": "불법 주정차"})
    assert response.status_code == 200
    assert "주차관리과" in response.text
    assert "기획예산과" not in response.text


def test_english_search_matches_english_handles(site_pages: Any) -> None:
    response = Client().get("/en/departments/", {"q": "streetlight"})
    assert response.status_code == 200
    assert "Road" in response.text or "road" in response.text
    assert "Planning and Budget" not in response.text


def test_a_search_with_no_match_says_so_and_offers_the_phone(site_pages: Any) -> None:
    response = Client().get("/departments/", {"q": "우주정거장"})
    assert "담당하는 부서가 없습니다" in response.text


def test_html_in_the_query_is_shown_as_text(site_pages: Any) -> None:
    response = Client().get("/departments/", {"q": "<script>alert(1)</script>"})
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;" in response.text


def test_the_department_page_shows_the_officer_title_not_the_name(site_pages: Any, junho: Any) -> None:
    response = Client().get("/departments/roads/")
    assert response.status_code == 200
    assert "SNS 소통 주무관" in response.text
    assert "박준호" not in response.text
    assert "월–금 09:00–18:00" in response.text


def test_an_unknown_department_is_not_found(site_pages: Any) -> None:
    assert Client().get("/departments/no-such-thing/").status_code == 404


def test_the_directory_takes_a_fixed_number_of_queries(
    site_pages: Any, junho: Any, django_assert_max_num_queries: Any
) -> None:
    # Wagtail's routing and menus take about ten; the directory itself three (bureaus, departments,
    # officers) however many departments and officers there are.
    client = Client()
    client.get("/departments/")
    with django_assert_max_num_queries(16):
        client.get("/departments/")
