"""Publishing a story needs its hero image and the image's text alternative; a draft does not (through Wagtail's
own admin views)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from sotong.pages.models import StoryPage
from sotong.pages.tests.content import make_story, picture, story_index

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(site_pages: Any) -> Client:
    from django.contrib.auth.models import Group

    user = get_user_model().objects.create_user(
        username="lead", password="correct horse 42", display_name="오팀장"
    )
    user.groups.add(Group.objects.get(name="팀장"))
    client = Client()
    client.force_login(user)
    return client


def story_form(**overrides: Any) -> dict[str, Any]:
    data = {
        "title": "안양천 생태 지킴이",
        "slug": "anyangcheon-watch",
        "month": "2026-05-01",
        "topic": "environment",
        "dong": "",
        "summary": "주민들이 물새를 셉니다.",
        "hero_image": "",
        "hero_alt": "",
        "credit": "",
        "body-count": "0",
        "seo_title": "",
        "search_description": "",
    }
    data.update(overrides)
    return data


def add_url() -> str:
    return reverse("wagtailadmin_pages:add", args=["pages", "storypage", story_index().pk])


def test_a_draft_without_hero_image_or_alt_text_is_saved(lead: Client) -> None:
    response = lead.post(add_url(), story_form())
    assert response.status_code == 302, response.content.decode()[:2000]
    story = StoryPage.objects.get(slug="anyangcheon-watch")
    assert not story.live and story.hero_image is None


def test_publishing_without_the_hero_alt_text_is_refused_with_a_korean_message(lead: Client) -> None:
    image = picture()
    response = lead.post(add_url(), story_form(hero_image=str(image.pk), **{"action-publish": "1"}))
    assert response.status_code == 200
    assert "대표 사진의 대체 텍스트 없이는 게시할 수 없습니다." in response.content.decode()
    assert not StoryPage.objects.filter(slug="anyangcheon-watch").exists()


def test_publishing_without_a_hero_image_is_refused(lead: Client) -> None:
    response = lead.post(add_url(), story_form(hero_alt="갈대밭의 왜가리", **{"action-publish": "1"}))
    assert response.status_code == 200
    assert "대표 사진 없이는 게시할 수 없습니다." in response.content.decode()


def test_publishing_with_the_hero_and_its_alt_text_goes_live(lead: Client) -> None:
    image = picture()
    response = lead.post(
        add_url(),
        story_form(
            hero_image=str(image.pk),
            hero_alt="갈대밭에서 망원경으로 왜가리를 보는 주민들",
            **{"action-publish": "1"},
        ),
    )
    assert response.status_code == 302
    story = StoryPage.objects.get(slug="anyangcheon-watch")
    assert story.live
    assert 'alt="갈대밭에서 망원경으로 왜가리를 보는 주민들"' in Client().get(story.url).text


def test_a_saved_draft_cannot_be_published_later_while_its_alt_text_is_missing(lead: Client) -> None:
    story = make_story(
        "문래 창작촌", month=datetime.date(2026, 3, 1), image=picture(), hero_alt="", live=False
    )
    url = reverse("wagtailadmin_pages:edit", args=[story.pk])
    data = story_form(
        title=story.title, slug=story.slug, hero_image=str(story.hero_image_id), **{"action-publish": "1"}
    )
    response = lead.post(url, data)
    assert response.status_code == 200
    assert "대표 사진의 대체 텍스트 없이는 게시할 수 없습니다." in response.content.decode()
    story.refresh_from_db()
    assert not story.live
