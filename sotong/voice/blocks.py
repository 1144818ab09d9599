"""What voice shows on the resident site's home page: how to send a case, and the latest answers residents
agreed to publish (masked as on /voice/answered/)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from sotong.core.blocks import Block
from sotong.core.masking import mask_text
from sotong.voice.models import CaseMessage
from sotong.voice.selectors import published_answers

LATEST = 3


def home_context(request: HttpRequest) -> dict[str, Any] | None:
    cases = list(published_answers()[:LATEST])
    answers = {
        m.case_id: m.body
        for m in CaseMessage.objects.filter(case__in=cases, purpose=CaseMessage.Purpose.ANSWER).order_by(
            "created_at"
        )
    }
    latest = [
        {
            "case": case,
            "summary": mask_text(case.title or case.text, names=[case.contact_name])[:100],
            "answer": mask_text(answers.get(case.pk, ""), names=[case.contact_name])[:160],
        }
        for case in cases
    ]
    return {"voice_latest": latest}


HOME = Block(
    key="voice.home", region="home", template="voice/blocks/home.html", context=home_context, order=20
)
