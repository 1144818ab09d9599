"""The picture an SNS shows beside a shared page: 1200×630, the page's title in Korean type, the
district's name, and the page's hero image when it has one."""

from __future__ import annotations

import functools
import importlib.util
import io
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont, ImageOps

WIDTH, HEIGHT = 1200, 630
PRIMARY = (37, 110, 244)  # KRDS primary-50
DARK = (30, 36, 48)
LIGHT = (246, 248, 251)
MARGIN = 64


@functools.cache
def _font_path(name: str) -> str:
    # NanumGothic (OFL) ships inside koreanize-matplotlib, already a dependency; found without importing
    # the package, which would import matplotlib.
    spec = importlib.util.find_spec("koreanize_matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("koreanize-matplotlib (NanumGothic) is not installed")
    return str(Path(next(iter(spec.submodule_search_locations))) / "fonts" / name)


@functools.cache
def _font(name: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(_font_path(name), size)


def _wrap(
    draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int, lines: int
) -> list[str]:
    """Lines of at most ``width`` pixels, broken at spaces (inside a word too long for a line: between
    syllables, as Korean allows), at most ``lines`` of them, the last ending in … when cut."""
    out: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if draw.textlength(candidate, font=font) <= width:
            current = candidate
            continue
        if current:
            out.append(current)
        current = ""
        for char in word:
            if draw.textlength(current + char, font=font) > width:
                out.append(current)
                current = ""
            current += char
    if current:
        out.append(current)
    if len(out) > lines:
        last = out[lines - 1]
        while last and draw.textlength(last + "…", font=font) > width:
            last = last[:-1]
        out = [*out[: lines - 1], last.rstrip() + "…"]
    return out


def render(*, title: str, district: str, site_name: str, hero: Any = None) -> bytes:
    """The PNG's bytes. ``hero`` is a file-like image or None."""
    canvas = Image.new("RGB", (WIDTH, HEIGHT), LIGHT)
    draw = ImageDraw.Draw(canvas)
    text_width = WIDTH - 2 * MARGIN
    if hero is not None:
        with Image.open(hero) as picture:
            panel = ImageOps.fit(picture.convert("RGB"), (WIDTH * 2 // 5, HEIGHT))
        canvas.paste(panel, (WIDTH - panel.width, 0))
        text_width = WIDTH - panel.width - 2 * MARGIN
    draw.rectangle((0, 0, 16, HEIGHT), fill=PRIMARY)
    draw.text((MARGIN, MARGIN), district, font=_font("NanumGothicBold.ttf", 36), fill=PRIMARY)
    size = 64
    lines = _wrap(draw, title, _font("NanumGothicExtraBold.ttf", size), text_width, 4)
    if len(lines) > 3:
        size = 52
        lines = _wrap(draw, title, _font("NanumGothicExtraBold.ttf", size), text_width, 4)
    y = MARGIN + 90
    for line in lines:
        draw.text((MARGIN, y), line, font=_font("NanumGothicExtraBold.ttf", size), fill=DARK)
        y += int(size * 1.35)
    draw.text((MARGIN, HEIGHT - MARGIN - 32), site_name, font=_font("NanumGothic.ttf", 30), fill=DARK)
    out = io.BytesIO()
    canvas.save(out, format="PNG", optimize=True)
    return out.getvalue()
