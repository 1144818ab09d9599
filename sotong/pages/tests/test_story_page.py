"""A 행복공감 story page: hero with its alt text, pull quote, gallery, the dong (map and link), related stories,
the sample flag, credit, structured data."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.test import Client, RequestFactory

from sotong.pages.models import StoryPage
from sotong.pages.tests.content import make_story, picture

pytestmark = pytest.mark.django_db
MARCH = datetime.date(2026, 3, 1)


@pytest.fixture
def story(site_pages: Any) -> StoryPage:
    image = picture()
    page = make_story(
        "문래 창작촌의 봄", month=MARCH, topic="culture", dong="mullae", image=image, sample=True
    )
    page.body = json.dumps(
        [
            {"type": "paragraph", "value": "<p>철공소 위층에 작업실이 있습니다.</p>"},
            {
                "type": "pull_quote",
                "value": {"text": "쇠로 그림을 그려요.", "attribution": "조각가 한유진 씨"},
            },
            {
                "type": "gallery",
                "value": [{"image": picture("조각").pk, "alt": "철판으로 만든 물고기 조각", "caption": ""}],
            },
        ]
    )
    page.save_revision().publish()
    return StoryPage.objects.get(pk=page.pk)


def test_the_story_shows_its_hero_with_the_editors_alt_text_and_its_body(story: StoryPage) -> None:
    page = Client().get(story.url).text
    assert 'alt="철공소 골목에서 용접 불꽃이 튀는 모습"' in page
    assert "철공소 위층에 작업실이 있습니다." in page
    assert "<blockquote><p>쇠로 그림을 그려요.</p></blockquote>" in page and "조각가 한유진 씨" in page
    assert 'alt="철판으로 만든 물고기 조각"' in page


def test_a_sample_story_says_so_publicly(story: StoryPage) -> None:
    assert "예시 콘텐츠" in Client().get(story.url).text


def test_without_a_credit_the_story_is_credited_to_anonymous(story: StoryPage) -> None:
    assert "글·사진 익명" in Client().get(story.url).text


def test_the_dong_is_named_with_a_link_to_the_safety_map_and_a_map_for_script(story: StoryPage) -> None:
    page = Client().get(story.url).text
    assert "문래동" in page
    assert 'href="/safety/map/"' in page
    assert 'id="story-map" data-lat="37.516500" data-lon="126.894500"' in page
    assert "vendor/leaflet/leaflet.js" in page


def test_related_stories_share_the_topic_or_the_dong(story: StoryPage) -> None:
    make_story("같은 주제", month=MARCH, topic="culture", dong="yeoui")
    make_story("같은 동네", month=MARCH, topic="welfare", dong="mullae")
    make_story("상관없는 이야기", month=MARCH, topic="welfare", dong="yeoui")
    page = Client().get(story.url).text
    related = page.split('id="related-title"')[1]
    assert "같은 주제" in related and "같은 동네" in related
    assert "상관없는 이야기" not in related


def test_the_story_describes_itself_as_a_news_article_by_the_district(story: StoryPage) -> None:
    request = RequestFactory().get(story.url)
    data = story.schema_org(request)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "문래 창작촌의 봄"
    assert data["publisher"]["@type"] == "GovernmentOrganization"
    assert data["image"][0].startswith("http://testserver/")
    assert data["datePublished"].startswith("20")
    assert story.og_image() == story.hero_image
