"""The demo's site content: a living year of 행복공감 stories (illustrated with generated pictures), 구정소식 news,
the editors' accounts and one story waiting in 팀장 review. Everything here is marked as sample content."""

from __future__ import annotations

import datetime
import io
import json
import math
import random
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.images import get_image_model

from sotong.organisation.demo import DEMO_PASSWORD
from sotong.organisation.models import Dong
from sotong.pages import demo_content
from sotong.pages.models import NewsIndexPage, NewsPage, StoryIndexPage, StoryPage, StorySubmission
from sotong.pages.setup import setup_site
from sotong.pages.workflow import EDITORS, LEADS, WORKFLOW_NAME

EDITOR_ACCOUNTS = [
    ("story.editor", "한편집", EDITORS, "행복공감 편집자: 이야기를 쓰고 팀장 검토를 요청"),
    ("story.lead", "오팀장", LEADS, "홈페이지 팀장: 검토하고 게시"),
]


def _hex(value: str) -> tuple[int, int, int]:
    value = value.lstrip("#")
    return (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16))


def _mix(a: tuple[int, int, int], b: tuple[int, int, int], t: float) -> tuple[int, int, int]:
    return (round(a[0] + (b[0] - a[0]) * t), round(a[1] + (b[1] - a[1]) * t), round(a[2] + (b[2] - a[2]) * t))


def illustration(*, motif: str, palette: list[str], seed: str, size: tuple[int, int] = (1200, 675)) -> bytes:
    """A simple flat illustration (sky, ground and the motif's shapes) as JPEG bytes."""
    rnd = random.Random(seed)  # noqa: S311 - pictures, not secrets
    width, height = size
    main, accent = _hex(palette[0]), _hex(palette[1])
    sky_top, sky_bottom = _mix(accent, (255, 255, 255), 0.55), _mix(accent, (255, 255, 255), 0.85)
    image = PILImage.new("RGB", size, sky_bottom)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        draw.line([(0, y), (width, y)], fill=_mix(sky_top, sky_bottom, y / height))
    horizon = int(height * 0.68)
    # Buildings of the district on the horizon.
    x = 0
    while x < width:
        w, h = rnd.randint(50, 130), rnd.randint(60, 220)
        draw.rectangle([x, horizon - h, x + w, horizon], fill=_mix(main, (255, 255, 255), 0.55))
        for wy in range(horizon - h + 12, horizon - 10, 26):
            for wx in range(x + 10, x + w - 12, 22):
                if rnd.random() < 0.6:
                    draw.rectangle([wx, wy, wx + 9, wy + 12], fill=_mix(accent, (255, 255, 255), 0.3))
        x += w + rnd.randint(4, 20)
    draw.rectangle([0, horizon, width, height], fill=_mix(main, (0, 0, 0), 0.15))
    if motif in {"river", "garden"}:
        for i in range(6):
            y = horizon + 20 + i * 28
            points = [(px, y + 8 * math.sin(px / 60 + i)) for px in range(0, width + 20, 20)]
            draw.line(points, fill=_mix(main, (255, 255, 255), 0.6), width=4)
    if motif in {"blossoms", "garden", "field"}:
        for _ in range(9):
            tx = rnd.randint(40, width - 40)
            draw.rectangle([tx - 8, horizon - 120, tx + 8, horizon + 10], fill=(110, 80, 50))
            for _ in range(26):
                r = rnd.randint(14, 30)
                cx, cy = tx + rnd.randint(-70, 70), horizon - 130 + rnd.randint(-60, 40)
                draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=_mix(main, accent, rnd.random() * 0.5))
    if motif in {"lanterns", "lights"}:
        draw.line([(0, 60), (width, 110)], fill=(60, 60, 60), width=3)
        for i in range(14):
            cx = 40 + i * (width - 80) // 13
            cy = 60 + 50 * cx // width + 40
            draw.ellipse([cx - 24, cy - 30, cx + 24, cy + 30], fill=accent if motif == "lights" else main)
    if motif in {"market", "kitchen", "books", "workshop", "map"}:
        for i in range(5):
            bx = 60 + i * (width - 120) // 5
            draw.rectangle([bx, horizon - 40, bx + 180, horizon + 90], fill=_mix(main, (255, 255, 255), 0.2))
            draw.polygon(
                [
                    (bx - 10, horizon - 40),
                    (bx + 190, horizon - 40),
                    (bx + 170, horizon - 90),
                    (bx + 10, horizon - 90),
                ],
                fill=accent,
            )
            for _ in range(8):
                r = rnd.randint(8, 16)
                cx, cy = bx + rnd.randint(20, 160), horizon + rnd.randint(-20, 60)
                draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=_mix(accent, main, rnd.random()))
    if motif == "sun":
        draw.ellipse([width - 260, 40, width - 80, 220], fill=accent)
    # People: simple figures walking through the scene.
    for _ in range(7):
        px, py = rnd.randint(40, width - 40), rnd.randint(horizon + 40, height - 40)
        colour = _mix(main, (20, 20, 20), rnd.random() * 0.6)
        draw.ellipse([px - 12, py - 70, px + 12, py - 46], fill=(240, 200, 170))
        draw.rounded_rectangle([px - 16, py - 46, px + 16, py + 10], radius=8, fill=colour)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=82)
    return out.getvalue()


def _image(
    title: str, *, motif: str, palette: list[str], seed: str, size: tuple[int, int] = (1200, 675)
) -> Any:
    Image = get_image_model()
    existing = Image.objects.filter(title=title).first()
    if existing is not None:
        return existing
    data = illustration(motif=motif, palette=palette, seed=seed, size=size)
    image = Image(title=title, file=ImageFile(io.BytesIO(data), name=f"{seed}.jpg"))
    image.save()
    return image


def _story_body(story: dict[str, Any]) -> str:
    blocks: list[dict[str, Any]] = []
    gallery = [
        {
            "image": _image(
                f"{story['title']} ({n + 1})",
                motif=story["motif"],
                palette=list(reversed(story["palette"])),
                seed=f"{story['slug']}-{n}",
                size=(960, 720),
            ).pk,
            "alt": alt,
            "caption": "",
        }
        for n, alt in enumerate(story["gallery_alts"])
    ]
    for n, paragraph in enumerate(story["paragraphs"]):
        blocks.append({"type": "paragraph", "value": f"<p>{escape(paragraph)}</p>"})
        if n == 1:
            blocks.append({"type": "pull_quote", "value": story["pull_quote"]})
    blocks.append({"type": "gallery", "value": gallery})
    return json.dumps(blocks)


def _story_page(story: dict[str, Any], month: datetime.date, dongs: dict[str, Dong]) -> StoryPage:
    hero = _image(story["title"], motif=story["motif"], palette=story["palette"], seed=story["slug"])
    return StoryPage(
        title=story["title"],
        slug=story["slug"],
        month=month,
        topic=story["topic"],
        dong=dongs.get(story["dong"]),
        summary=story["summary"],
        hero_image=hero,
        hero_alt=story["hero_alt"],
        body=_story_body(story),
        credit="" if story["credit"] == "익명" else story["credit"],
        is_sample=True,
        search_description=story["summary"][:160],
    )


def _accounts() -> tuple[list[dict[str, str]], dict[str, Any]]:
    User = get_user_model()
    password = make_password(DEMO_PASSWORD)
    accounts, users = [], {}
    for username, display_name, group_name, description in EDITOR_ACCOUNTS:
        user, _ = User.objects.get_or_create(
            username=username, defaults={"display_name": display_name, "password": password}
        )
        user.groups.add(Group.objects.get(name=group_name))
        users[group_name] = user
        accounts.append({"username": username, "password": DEMO_PASSWORD, "description": description})
    return accounts, users


@transaction.atomic
def load_content(*, today: datetime.date | None = None) -> list[dict[str, str]]:
    today = today or timezone.localdate()
    home = setup_site()
    accounts, users = _accounts()
    dongs = {d.code: d for d in Dong.objects.all()}
    stories = StoryIndexPage.objects.child_of(home).get()
    for story in demo_content.STORIES:
        if StoryPage.objects.child_of(stories).filter(slug=story["slug"]).exists():
            continue
        month = demo_content.story_date(story["month"], today)
        page = _story_page(story, month, dongs)
        page.first_published_at = timezone.make_aware(datetime.datetime.combine(month, datetime.time(9)))
        stories.add_child(instance=page)
        page.save_revision(user=users[LEADS]).publish(user=users[LEADS])
        stories = StoryIndexPage.objects.get(pk=stories.pk)

    review = demo_content.REVIEW_STORY
    if not StoryPage.objects.child_of(stories).filter(slug=review["slug"]).exists():
        page = _story_page(review, today.replace(day=1), dongs)
        page.live = False
        page.owner = users[EDITORS]
        stories.add_child(instance=page)
        revision = page.save_revision(user=users[EDITORS])
        from wagtail.models import Workflow

        Workflow.objects.get(name=WORKFLOW_NAME).start(page, users[EDITORS])
        del revision

    news = NewsIndexPage.objects.child_of(home).get()
    for item in demo_content.NEWS:
        if NewsPage.objects.child_of(news).filter(slug=item["slug"]).exists():
            continue
        date = demo_content.news_date(item["days_ago"], today)
        image = (
            _image(item["title"], motif="map", palette=["#1f5fa8", "#9ecbf0"], seed=item["slug"])
            if item["image_alt"]
            else None
        )
        page = NewsPage(
            title=item["title"],
            slug=item["slug"],
            date=date,
            category=item["category"],
            summary=item["summary"],
            body=json.dumps(
                [{"type": "paragraph", "value": f"<p>{escape(p)}</p>"} for p in item["paragraphs"]]
            ),
            image=image,
            image_alt=item["image_alt"],
            is_sample=True,
            search_description=item["summary"][:160],
        )
        page.first_published_at = timezone.make_aware(datetime.datetime.combine(date, datetime.time(10)))
        news.add_child(instance=page)
        page.save_revision(user=users[LEADS]).publish(user=users[LEADS])
        news = NewsIndexPage.objects.get(pk=news.pk)

    if not StorySubmission.objects.exists():
        StorySubmission.objects.create(
            title="우리 골목 붕어빵 할머니",
            text="도림동 시장 입구에서 30년째 붕어빵을 굽는 할머니 이야기를 소개하고 싶어요.\n\n"
            "겨울마다 동네 아이들에게 하나씩 더 얹어 주십니다. (예시 제보)",
            dong=dongs.get("dorim"),
            credit_name="김민지",
            contact="010-1234-5678",
            consent_at=timezone.now(),
        )
    return accounts


def load_demo(*, stdout: Any) -> list[dict[str, str]]:
    accounts = load_content()
    stdout.write(
        f"Home page, directory, {len(demo_content.STORIES)} 행복공감 stories (one waiting in 팀장 review) and "
        f"{len(demo_content.NEWS)} news items ready in 한국어, English, 简体中文 (sample content)."
    )
    return accounts
