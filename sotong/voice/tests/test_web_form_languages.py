"""The homepage form's category and dong lists in the reader's language."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def options(html: str, select_id: str) -> dict[str, str]:
    """{value: label} of a <select>'s options."""
    select = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no #{select_id}"
    return {
        value: re.sub(r"\s+", " ", label).strip()
        for value, label in re.findall(r'<option value="([^"]*)"[^>]*>(.*?)</option>', select.group(1), re.S)
    }


@pytest.mark.parametrize(
    ("prefix", "parking", "yeoui", "general"),
    [
        ("/", "불법 주정차", "여의동", "기타 문의·건의"),
        ("/en/", "Illegal parking", "Yeoui-dong", "Other questions and proposals"),
        ("/zh-hans/", "违法停车", "汝矣洞", "其他咨询·建议"),
    ],
)
def test_the_category_and_dong_lists_read_in_the_pages_language(
    district: Any, prefix: str, parking: str, yeoui: str, general: str
) -> None:
    html = Client().get(f"{prefix}voice/").content.decode()
    categories, dongs = options(html, "id_category"), options(html, "id_dong")
    assert categories["illegal_parking"] == parking
    assert categories["general"] == general
    assert dongs["yeoui"] == yeoui


def test_no_korean_name_is_left_in_the_english_and_chinese_lists(district: Any) -> None:
    hangul = re.compile(r"[\uac00-\ud7a3]")
    for prefix in ("/en/", "/zh-hans/"):
        html = Client().get(f"{prefix}voice/").content.decode()
        for select_id in ("id_category", "id_dong"):
            labels = [label for value, label in options(html, select_id).items() if value]
            assert labels
            assert [label for label in labels if hangul.search(label)] == [], (prefix, select_id)


def test_the_lists_follow_each_request_not_the_language_the_process_started_in(district: Any) -> None:
    client = Client()
    for prefix, expected in [("/en/", "Illegal parking"), ("/", "불법 주정차"), ("/zh-hans/", "违法停车")]:
        html = client.get(f"{prefix}voice/").content.decode()
        assert options(html, "id_category")["illegal_parking"] == expected


@pytest.mark.parametrize(
    "path",
    [ROOT / "organisation" / "data" / "dongs.csv", ROOT / "voice" / "data" / "service_categories.csv"],
    ids=["dongs", "service_categories"],
)
def test_every_dong_and_category_has_its_english_and_chinese_name(path: Path) -> None:
    rows = list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))
    assert rows
    missing = [row["code"] for row in rows if not row["name_en"].strip() or not row["name_zh"].strip()]
    assert missing == []
