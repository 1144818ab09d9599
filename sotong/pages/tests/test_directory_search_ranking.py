"""The department directory's search: most relevant department first, and no internal codes."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[2] / "organisation" / "data"


def found(prefix: str, query: str) -> list[str]:
    """Department names the directory lists for ``query``, in the order it lists them."""
    page = Client().get(f"{prefix}departments/", {"q": query}).content.decode()
    return [
        re.sub(r"<[^>]+>", "", name).strip()
        for name in re.findall(r'<h3 class="department__name">(.*?)</h3>', page, re.S)
    ]


@pytest.mark.parametrize(
    ("prefix", "query", "first"),
    [
        ("/", "불법 주차", "주차관리과"),
        ("/", "불법주차", "주차관리과"),
        ("/", "가로등", "도로과"),
        ("/", "기초연금", "어르신복지과"),
        ("/", "어린이집", "보육지원과"),
        ("/", "하수구 악취", "치수과"),
        ("/en/", "streetlight", "Roads Division"),
        ("/en/", "illegal parking", "Parking Management Division"),
        ("/zh-hans/", "违法停车", "停车管理科"),
    ],
)
def test_the_department_that_handles_the_matter_comes_first(
    site_pages: Any, prefix: str, query: str, first: str
) -> None:
    names = found(prefix, query)
    assert names and names[0] == first, names


def test_a_department_that_only_points_elsewhere_comes_after_the_one_it_points_to(site_pages: Any) -> None:
    names = found("/", "불법 주차")
    assert names.index("주차관리과") < names.index("장애인복지과") < names.index("교통행정과")


def test_search_results_name_their_bureau(site_pages: Any) -> None:
    page = Client().get("/departments/", {"q": "불법 주차"}).content.decode()
    assert '<p class="department__bureau">교통건설국</p>' in page


def test_no_internal_code_reaches_residents(site_pages: Any) -> None:
    codes = {
        row["code"] for row in csv.DictReader((DATA / "departments.csv").read_text("utf-8").splitlines())
    }
    code_in_parentheses = re.compile(r"[(（](" + "|".join(sorted(codes)) + r")[)）]")
    for prefix in ("/", "/en/", "/zh-hans/"):
        for query in ("", "불법 주차", "parking", "停车"):
            page = Client().get(f"{prefix}departments/", {"q": query} if query else {}).content.decode()
            assert not code_in_parentheses.search(page), (prefix, query, code_in_parentheses.search(page))
    page = Client().get("/departments/disability/").content.decode()
    assert "일반 불법주차는 주차관리과)" in page


@pytest.mark.parametrize("name", ["departments.csv", "departments_i18n.csv"])
def test_the_district_data_names_departments_without_their_codes(name: str) -> None:
    codes = {
        row["code"] for row in csv.DictReader((DATA / "departments.csv").read_text("utf-8").splitlines())
    }
    pattern = re.compile(r"[(（](" + "|".join(sorted(codes)) + r")[)）]")
    for row in csv.DictReader((DATA / name).read_text("utf-8").splitlines()):
        for column, value in row.items():
            if column.startswith("handles"):
                assert not pattern.search(value), (row["code"], column, pattern.search(value))


def test_the_search_takes_a_fixed_number_of_queries(
    site_pages: Any, django_assert_max_num_queries: Any
) -> None:
    client = Client()
    client.get("/departments/", {"q": "주차"})
    with django_assert_max_num_queries(16):
        client.get("/departments/", {"q": "주차"})
