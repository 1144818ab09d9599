"""Rate limits on the homepage's public forms: a burst from one address is refused with a page in the
reader's language (429), stores nothing, and other addresses are not affected."""

from __future__ import annotations

import secrets
from typing import Any

import pytest
from django.test import Client

from sotong.core.ratelimit import Limit
from sotong.voice.models import Case
from sotong.voice.tests.test_web_intake_flow import form_data
from tests.clock import MONDAY_MORNING

# Windows are fixed, and one starts at MONDAY_MORNING: a burst never straddles two.
pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(MONDAY_MORNING)]


def fresh(name: str, count: int) -> Limit:
    """A limit of its own for each run: counters in a shared Redis never carry over."""
    return Limit(f"{name}.{secrets.token_hex(4)}", count=count, seconds=600)


def test_the_form_refuses_a_burst_from_one_address_and_stores_nothing_more(
    district: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sotong.voice.views.SUBMIT_LIMIT", fresh("voice.submit", 2))
    client = Client(REMOTE_ADDR="203.0.113.7")
    for n in range(2):
        response = client.post("/voice/", form_data(submission_id=f"{n:032x}"))
        assert response.status_code == 302
    refused = client.post("/voice/", form_data(submission_id=f"{9:032x}"))
    assert refused.status_code == 429
    assert "잠시 후 다시 시도해 주세요" in refused.text and "10분 뒤에" in refused.text
    assert Case.objects.count() == 2

    english = client.post("/en/voice/", form_data(submission_id=f"{10:032x}"))
    assert english.status_code == 429 and "Please try again shortly" in english.text

    # Another address is counted on its own.
    other = Client(REMOTE_ADDR="203.0.113.8").post("/voice/", form_data(submission_id=f"{11:032x}"))
    assert other.status_code == 302
    assert Case.objects.count() == 3


def test_the_tracking_lookup_refuses_guessing(district: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Finding a case by number and contact is limited, so numbers and phones cannot be tried in bulk."""
    monkeypatch.setattr("sotong.voice.views.LOOKUP_LIMIT", fresh("voice.lookup", 3))
    client = Client(REMOTE_ADDR="203.0.113.9")
    for n in range(3):
        response = client.post("/voice/track/", {"number": f"2026-{n:06d}", "contact": "010-1234-5678"})
        assert response.status_code == 200
        assert "접수 번호와 연락처가 맞는 민원이 없습니다." in response.text
    refused = client.post("/voice/track/", {"number": "2026-000009", "contact": "010-1234-5678"})
    assert refused.status_code == 429
    assert "잠시 후 다시 시도해 주세요" in refused.text
