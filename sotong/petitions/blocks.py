"""What 열린구청장실 puts on the resident site: open proposals near their threshold, and a link to propose."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from sotong.core.blocks import Block


def home_context(request: HttpRequest) -> dict[str, Any] | None:
    from sotong.petitions.selectors import near_threshold

    return {
        "petitions_near": near_threshold(limit=3),
        "petitions_threshold": settings.PETITIONS_REVIEW_THRESHOLD,
    }


HOME = Block(
    key="petitions.home",
    region="home",
    template="petitions/includes/home.html",
    context=home_context,
    order=60,
)
