"""Building stories and news for tests: small real images, pages published through revisions."""

from __future__ import annotations

import datetime
import io
import json
from typing import Any

from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images import get_image_model

from sotong.organisation.models import Dong
from sotong.pages.models import NewsIndexPage, NewsPage, StoryIndexPage, StoryPage


def picture(title: str = "골목 사진", colour: tuple[int, int, int] = (200, 90, 60)) -> Any:
    out = io.BytesIO()
    PILImage.new("RGB", (64, 36), colour).save(out, "PNG")
    image = get_image_model()(title=title, file=ImageFile(io.BytesIO(out.getvalue()), name="test.png"))
    image.save()
    return image


def story_index(language: str = "ko") -> StoryIndexPage:
    return StoryIndexPage.objects.get(locale__language_code=language)


def news_index(language: str = "ko") -> NewsIndexPage:
    return NewsIndexPage.objects.get(locale__language_code=language)


def make_story(
    title: str,
    *,
    month: datetime.date,
    topic: str = "neighbours",
    dong: str | None = "mullae",
    image: Any = None,
    hero_alt: str = "철공소 골목에서 용접 불꽃이 튀는 모습",
    live: bool = True,
    sample: bool = False,
    paragraphs: tuple[str, ...] = ("문래동 철공소 골목 이야기입니다.",),
) -> StoryPage:
    index = story_index()
    page = StoryPage(
        title=title,
        month=month,
        topic=topic,
        dong=Dong.objects.get(code=dong) if dong else None,
        summary=f"{title} 요약",
        hero_image=image,
        hero_alt=hero_alt,
        body=json.dumps([{"type": "paragraph", "value": f"<p>{p}</p>"} for p in paragraphs]),
        is_sample=sample,
        live=live,
    )
    index.add_child(instance=page)
    revision = page.save_revision()
    if live:
        revision.publish()
    return StoryPage.objects.get(pk=page.pk)


def make_news(title: str, *, date: datetime.date, category: str = "notice", image: Any = None) -> NewsPage:
    index = news_index()
    page = NewsPage(
        title=title,
        date=date,
        category=category,
        summary=f"{title} 요약",
        body=json.dumps([{"type": "paragraph", "value": f"<p>{title} 본문</p>"}]),
        image=image,
        image_alt="안내 표지판 사진" if image else "",
    )
    index.add_child(instance=page)
    page.save_revision().publish()
    return NewsPage.objects.get(pk=page.pk)
