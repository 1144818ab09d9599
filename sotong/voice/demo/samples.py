"""The demo's sample matters (data/demo_cases.json) and the checks that keep them coherent."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from sotong.organisation.models import Department
from sotong.organisation.selectors import dong_named_in
from sotong.voice.choices import RESIDENT_KINDS, Channel
from sotong.voice.models import ServiceCategory

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "demo_cases.json"
# Residents write at any hour, more in the evening on chat: (hour in Seoul, weight) per channel.
HOURS = {
    Channel.WEB: [
        (7, 1),
        (9, 3),
        (10, 3),
        (11, 3),
        (13, 3),
        (14, 3),
        (15, 3),
        (16, 2),
        (19, 2),
        (21, 2),
        (23, 1),
    ],
    Channel.KAKAO: [(8, 2), (12, 2), (18, 3), (19, 3), (20, 3), (21, 3), (22, 2), (0, 1)],
    Channel.OPEN311: [(7, 2), (8, 3), (12, 2), (17, 2), (18, 3), (19, 2), (22, 1)],
    Channel.EMAIL: [(9, 3), (10, 3), (11, 2), (14, 3), (15, 2), (16, 2), (20, 1)],
}


@cache
def demo_samples() -> dict[str, Any]:
    """The sample matters and reply templates written in data/demo_cases.json."""
    return dict(json.loads(DATA_FILE.read_text(encoding="utf-8")))


def check_sample(sample: dict[str, Any], *, categories: dict[str, ServiceCategory]) -> None:
    """Refuse a sample whose parts disagree: the demo shows nothing a real channel could not have made."""

    def problem(text: str) -> ValueError:
        return ValueError(f"demo sample {sample['id']}: {text}")

    department = sample["department"]
    if not Department.objects.filter(code=department).exists():
        raise problem(f"no department {department}")
    if sample["kind"] not in RESIDENT_KINDS:
        raise problem(f"kind {sample['kind']} is not one residents choose")
    category = categories.get(sample.get("category") or "general")
    if category is None or (category.department is not None and category.department.code != department):
        raise problem(f"category {sample.get('category')} belongs to another department")
    for variant in sample["variants"]:
        channel, dong = variant["channel"], variant.get("dong")
        if channel not in HOURS:
            raise problem(f"channel {channel} is not a demo channel")
        named = dong_named_in(variant["text"])
        if named is not None and named.code != dong:
            raise problem(f"the text names {named.code}, the case says {dong}")
        if channel == Channel.EMAIL and dong:
            raise problem("e-mail intake sets no dong")
        if channel == Channel.KAKAO and dong != getattr(
            dong_named_in(variant.get("place", "")), "code", None
        ):
            raise problem("a KakaoTalk case's dong is the one its place names")
        if channel == Channel.OPEN311 and (
            category.department is None or not dong or sample["kind"] != category.kind
        ):
            raise problem(
                "an Open311 request has a service with a department, a place and the service's kind"
            )
