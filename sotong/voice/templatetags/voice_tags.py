from __future__ import annotations

import zlib
from typing import Any

from django import template
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from sotong.organisation.models import Department
from sotong.voice.choices import Channel, Kind, Status
from sotong.voice.routing import RECOMMENDED_THRESHOLD

register = template.Library()

# The router's confidence in words for officers, from how often its suggestion was right out of fold
# (bench/similar_threshold.py, decision 0070): high from 0.8 (about 96 % right), medium from the routing
# threshold (about 75 %), low below it, where cases go to triage (about 59 %).
CONFIDENCE_HIGH = 0.8
CONFIDENCE_MEDIUM = RECOMMENDED_THRESHOLD


@register.filter
def as_heading(label: object) -> str:
    """A field label as the head of "label: error" (a sentence label's full stop would read ".:")."""
    return str(label).rstrip(".。 ")


@register.filter
def channel_label(code: str) -> str:
    """A channel's name for staff: 문자, 카카오톡, 이메일 (the code for channels the voice does not name)."""
    return str(Channel(code).label) if code in Channel.values else code


@register.filter
def confidence_level(value: float | None) -> str:
    """높음, 보통 or 낮음 for a routing confidence (a probability); "" when there is none."""
    from django.utils.translation import gettext as _

    if value is None:
        return ""
    if value >= CONFIDENCE_HIGH:
        return _("높음")
    if value >= CONFIDENCE_MEDIUM:
        return _("보통")
    return _("낮음")


@register.filter
def department_name(code: str | None) -> str:
    """A department's name for the code a case's history keeps; no department is the comms team's triage."""
    if not code:
        return _("통합접수(분류 대기)")
    department = Department.objects.filter(code=code).only("name_ko").first()
    return department.name_ko if department is not None else str(code)


@register.filter
def content_lang(case: Any) -> str:
    """The BCP 47 tag of the language a resident wrote in, for a lang attribute on their words (and the
    answer written back in it) wherever a page in another language shows them (WCAG 3.1.2)."""
    return {"ko": "ko", "en": "en", "zh": "zh-Hans"}.get(getattr(case, "language", "") or "ko", "ko")


@register.filter
def place(case: Any) -> str:
    """Where the case happened: the dong's name and the address the resident wrote, without the dong twice
    when the address starts with it ("당산1동 주민센터 앞", not "당산1동 당산1동 주민센터 앞")."""
    dong = case.dong.name if case.dong is not None else ""
    address = (case.address_text or "").strip()
    names = {n for n in (getattr(case.dong, "name_ko", ""), dong) if n}
    if address and any(address.startswith(name) for name in names):
        return address
    return " ".join(part for part in (dong, address) if part)


@register.filter
def kind_label(code: str) -> str:
    return str(Kind(code).label) if code in Kind.values else code


@register.filter
def status_label(code: str) -> str:
    return str(Status(code).label) if code in Status.values else code


@register.filter
def hours(value: float | None) -> str:
    """Elapsed hours in words residents read at a glance: 45분, 3.5시간, 2.1일."""
    from django.utils.translation import gettext as _

    if value is None:
        return "—"
    if value < 1:
        return _("%(n)d분") % {"n": round(value * 60)}
    if value < 48:
        return _("%(n).1f시간") % {"n": value}
    return _("%(n).1f일") % {"n": value / 24}


@register.filter
def is_overdue(case: Any) -> bool:
    return bool(case.is_open and case.deadline and case.deadline < timezone.now())


@register.simple_tag
def bar_chart(rows: list[tuple[str, int]], title: str, unit: str = "") -> SafeString:
    """A horizontal bar chart as inline SVG with a title; the same numbers stand in a table beside it."""
    if not rows:
        return SafeString("")
    top = max(n for _, n in rows) or 1
    bar_h, gap, label_w, width = 22, 6, 150, 560
    height = len(rows) * (bar_h + gap) + gap
    bars = format_html_join(
        "",
        '<g><text x="{}" y="{}" text-anchor="end" class="chart__label">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="{}" class="chart__bar"></rect>'
        '<text x="{}" y="{}" class="chart__value">{}{}</text></g>',
        (
            (
                label_w - 8,
                gap + i * (bar_h + gap) + bar_h * 0.7,
                label,
                label_w,
                gap + i * (bar_h + gap),
                max(1, round((width - label_w - 60) * n / top)),
                bar_h,
                label_w + max(1, round((width - label_w - 60) * n / top)) + 6,
                gap + i * (bar_h + gap) + bar_h * 0.7,
                n,
                unit,
            )
            for i, (label, n) in enumerate(rows)
        ),
    )
    return format_html(
        '<svg class="chart" role="img" aria-labelledby="{id}" viewBox="0 0 {w} {h}" preserveAspectRatio="xMinYMin meet">'
        '<title id="{id}">{title}</title>{bars}</svg>',
        id=f"chart-{zlib.crc32(title.encode()):08x}",
        w=width,
        h=height,
        title=title,
        bars=bars,
    )
