"""The share picture of a page (/share/<page id>.png): 1200×630, made for live public pages only."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from PIL import Image
from wagtail.models import PageViewRestriction

from sotong.pages.models import HomePage

pytestmark = pytest.mark.django_db


def child_page(home: Any, title: str, *, publish: bool = True) -> HomePage:
    page = HomePage(title=title, slug=f"share-{HomePage.objects.count()}", locale=home.locale)
    home.add_child(instance=page)
    if publish:
        page.save_revision().publish()
    else:
        page.live = False
        page.save()
    return page


def test_a_live_page_gets_a_1200_by_630_png(site_pages: Any, artifacts_dir: Any) -> None:
    page = child_page(site_pages, "여의도 한강공원 봄꽃축제, 올해는 밤 10시까지 불을 밝힙니다")
    response = Client().get(f"/share/{page.pk}.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "max-age=" in response["Cache-Control"]
    assert response["Last-Modified"]
    image = Image.open(io.BytesIO(response.content))
    assert image.size == (1200, 630)
    (artifacts_dir / "share-image.png").write_bytes(response.content)
    # The title is drawn: the picture is not one plain colour.
    assert len(image.convert("L").getcolors(maxcolors=100_000) or []) > 50


def test_the_picture_is_made_again_only_when_the_page_is_published_again(site_pages: Any) -> None:
    page = child_page(site_pages, "첫 제목")
    first = Client().get(f"/share/{page.pk}.png").content
    page.title = "두 번째 제목은 훨씬 더 깁니다"
    page.save_revision()  # a draft changes nothing
    assert Client().get(f"/share/{page.pk}.png").content == first
    page.get_latest_revision().publish()
    assert Client().get(f"/share/{page.pk}.png").content != first


def test_a_draft_has_no_picture(site_pages: Any) -> None:
    page = child_page(site_pages, "초안", publish=False)
    assert Client().get(f"/share/{page.pk}.png").status_code == 404


def test_a_private_page_has_no_picture(site_pages: Any) -> None:
    page = child_page(site_pages, "직원 전용 안내")
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    assert Client().get(f"/share/{page.pk}.png").status_code == 404


def test_an_unknown_page_has_no_picture(site_pages: Any) -> None:
    assert Client().get("/share/999999.png").status_code == 404


def test_the_site_picture_exists_in_each_language_and_no_other(site_pages: Any) -> None:
    for language in ("ko", "en", "zh-hans"):
        response = Client().get(f"/share/site-{language}.png")
        assert response.status_code == 200
        assert Image.open(io.BytesIO(response.content)).size == (1200, 630)
    assert Client().get("/share/site-fr.png").status_code == 404


def test_a_page_with_a_hero_image_shows_it_beside_the_title(site_pages: Any, artifacts_dir: Any) -> None:
    from django.core.files.images import ImageFile
    from wagtail.images import get_image_model

    from sotong.pages.models import NewsIndexPage, NewsPage

    picture = io.BytesIO()
    Image.new("RGB", (800, 450), (200, 40, 40)).save(picture, "PNG")
    hero = get_image_model()(
        title="붉은 사진", file=ImageFile(io.BytesIO(picture.getvalue()), name="hero.png")
    )
    hero.save()
    page = NewsPage(
        title="제설함 위치 안내", category="notice", summary="요약", image=hero, image_alt="제설함 사진"
    )
    NewsIndexPage.objects.get(locale__language_code="ko").add_child(instance=page)
    page.save_revision().publish()
    response = Client().get(f"/share/{page.pk}.png")
    assert response.status_code == 200
    image = Image.open(io.BytesIO(response.content)).convert("RGB")
    (artifacts_dir / "share-image-hero.png").write_bytes(response.content)
    assert image.getpixel((1100, 315)) == (200, 40, 40)  # the hero fills the right side
    assert image.getpixel((30, 315)) != (200, 40, 40)
