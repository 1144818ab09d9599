"""RSS 2.0 and Atom feeds of the 행복공감 stories and of the 구정소식 news: well-formed XML of the right shape."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from defusedxml import ElementTree
from django.test import Client

from sotong.pages.tests.content import make_news, make_story

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def content(site_pages: Any) -> None:
    make_story("여의도 벚꽃길 봉사자", month=datetime.date(2026, 4, 1), topic="safety")
    make_story("쓰는 중", month=datetime.date(2026, 4, 1), live=False)
    make_news("지진옥외대피장소 재지정", date=datetime.date(2026, 3, 2), category="safety")


@pytest.mark.parametrize(
    ("section", "title"), [("stories", "여의도 벚꽃길 봉사자"), ("news", "지진옥외대피장소 재지정")]
)
def test_the_rss_feed_is_rss_2_with_one_item_per_published_page(
    content: None, section: str, title: str
) -> None:
    response = Client().get(f"/{section}/feed/rss/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ElementTree.fromstring(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    assert channel is not None and channel.findtext("title")
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == [title]
    assert items[0].findtext("link", "").startswith("http://testserver/")
    assert items[0].findtext("pubDate")
    assert items[0].findtext("guid", "").startswith("urn:sotong:page:")


@pytest.mark.parametrize(
    ("section", "title"), [("stories", "여의도 벚꽃길 봉사자"), ("news", "지진옥외대피장소 재지정")]
)
def test_the_atom_feed_is_atom_1_with_ids_and_update_times(content: None, section: str, title: str) -> None:
    response = Client().get(f"/{section}/feed/atom/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    assert root.findtext(f"{ATOM}id") and root.findtext(f"{ATOM}updated")
    self_link = [link for link in root.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert self_link and self_link[0].get("href", "").endswith(f"/{section}/feed/atom/")
    entries = root.findall(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == [title]
    assert entries[0].findtext(f"{ATOM}id") and entries[0].findtext(f"{ATOM}updated")


def test_a_translated_section_feeds_the_korean_items(content: None) -> None:
    root = ElementTree.fromstring(Client().get("/en/stories/feed/rss/").content)
    assert [i.findtext("title") for i in root.iter("item")] == ["여의도 벚꽃길 봉사자"]
