"""StreamField blocks of stories and news."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

RICH_FEATURES = ["bold", "italic", "link", "ol", "ul"]


class PullQuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("인용문"), max_length=300)
    attribution = blocks.CharBlock(label=_("말한 사람"), max_length=80, required=False)

    class Meta:
        icon = "openquote"
        label = _("인용")
        template = "pages/blocks/pull_quote.html"


class GalleryImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("사진"))
    alt = blocks.CharBlock(
        label=_("대체 텍스트"),
        max_length=250,
        help_text=_("사진을 볼 수 없는 사람에게 무엇이 보이는지 한두 문장으로 설명하세요."),
    )
    caption = blocks.CharBlock(label=_("설명"), max_length=200, required=False)

    class Meta:
        icon = "image"


def tv_recordings() -> list[tuple[str, str]]:
    """소통TV broadcasts whose recording is online, newest first (choices of the video block)."""
    from sotong.tv.selectors import public_broadcasts

    try:
        broadcasts = public_broadcasts().filter(recording__state="ready").order_by("-starts_at")[:50]
        return [("", "—")] + [(str(b.pk), f"{b.title_ko} ({b.starts_at:%Y-%m-%d})") for b in broadcasts]
    except Exception:  # the tv tables may not exist yet while migrating
        return [("", "—")]


class VideoBlock(blocks.StructBlock):
    broadcast = blocks.ChoiceBlock(label=_("소통TV 다시보기"), choices=tv_recordings, required=False)
    embed = EmbedBlock(label=_("또는 동영상 주소 (YouTube 등)"), required=False)
    title = blocks.CharBlock(label=_("영상 제목"), max_length=120)

    class Meta:
        icon = "media"
        label = _("동영상")
        template = "pages/blocks/video.html"

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        if not value.get("broadcast") and not value.get("embed"):
            raise blocks.StructBlockValidationError(
                block_errors={
                    "broadcast": ValidationError(_("소통TV 다시보기를 고르거나 동영상 주소를 입력하세요."))
                }
            )
        return value

    def get_context(self, value: Any, parent_context: dict[str, Any] | None = None) -> dict[str, Any]:
        context = super().get_context(value, parent_context)
        if value.get("broadcast"):
            from django.urls import reverse

            context["tv_url"] = reverse("tv:broadcast", args=[int(value["broadcast"])])
        return context


def story_body_blocks() -> list[tuple[str, blocks.Block]]:
    return [
        ("paragraph", blocks.RichTextBlock(label=_("문단"), features=RICH_FEATURES)),
        ("pull_quote", PullQuoteBlock()),
        (
            "gallery",
            blocks.ListBlock(
                GalleryImageBlock(),
                label=_("사진 모음"),
                min_num=1,
                max_num=8,
                template="pages/blocks/gallery.html",
            ),
        ),
        ("video", VideoBlock()),
    ]


def news_body_blocks() -> list[tuple[str, blocks.Block]]:
    return [
        ("paragraph", blocks.RichTextBlock(label=_("문단"), features=RICH_FEATURES)),
        ("pull_quote", PullQuoteBlock()),
    ]


def body_text(body: Any) -> str:
    """The plain text of a story or news body (for search and feeds)."""
    from django.utils.html import strip_tags

    parts: list[str] = []
    for block in body:
        if block.block_type == "paragraph":
            parts.append(strip_tags(str(block.value)))
        elif block.block_type == "pull_quote":
            parts.append(block.value["text"])
        elif block.block_type == "gallery":
            parts.extend(item["caption"] or item["alt"] for item in block.value)
    return " ".join(p.strip() for p in parts if p)
