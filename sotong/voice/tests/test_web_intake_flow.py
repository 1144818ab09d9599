from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from sotong.connectors.models import Delivery
from sotong.voice.choices import Status
from sotong.voice.models import Case, CaseMessage
from sotong.voice.services.handling import case_reply
from sotong.voice.services.routing import case_route

pytestmark = pytest.mark.django_db


def form_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "kind": "report",
        "category": "",
        "title": "",
        "text": "당산역 4번 출구 앞 보도블록이 깨져서 걸려 넘어질 뻔했어요. 고쳐 주세요.",
        "dong": "",
        "address_text": "당산역 4번 출구",
        "contact_name": "김민지",
        "contact_phone": "010-1234-5678",
        "contact_email": "",
        "consent_contact": "on",
        "submission_id": "a" * 32,
        "website": "",
    }
    data.update(overrides)
    return data


def test_a_resident_sends_a_case_and_follows_it_to_the_answer(district: Any, junho: Any) -> None:
    client = Client()
    response = client.post("/voice/", form_data(category="road_damage"))
    assert response.status_code == 302, response.content.decode()[:3000]
    case = Case.objects.get()
    assert response["Location"].startswith(f"/voice/submitted/{case.number}/?t=")
    assert case.status == Status.RECEIVED
    assert case.contact_phone == "01012345678"

    case_route(case=case)
    case.refresh_from_db()
    assert case.department.code == "roads"
    assert case.status == Status.ASSIGNED
    assert case.officer == junho
    assert case.deadline is not None
    ack = case.messages.get(purpose=CaseMessage.Purpose.ACKNOWLEDGEMENT)
    assert Delivery.objects.filter(subject=f"voice.casemessage:{ack.pk}", channel="sms").exists()

    case_reply(case=case, body="내일 오전에 보수하겠습니다.", by=junho)
    case.refresh_from_db()
    assert case.status == Status.ANSWERED

    tracking = client.get(f"/voice/track/{case.number}/", {"t": case.token})
    assert tracking.status_code == 200
    assert "내일 오전에 보수하겠습니다." in tracking.text
    assert "도로과" in tracking.text


def test_a_double_submitted_form_makes_one_case(district: Any) -> None:
    client = Client()
    first = client.post("/voice/", form_data())
    second = client.post("/voice/", form_data())
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Case.objects.count() == 1


def test_a_repeat_leaves_no_gap_in_the_case_numbers(district: Any) -> None:
    client = Client()
    client.post("/voice/", form_data(submission_id="a" * 32))
    client.post("/voice/", form_data(submission_id="a" * 32))
    client.post("/voice/", form_data(submission_id="b" * 32))
    first, second = Case.objects.order_by("pk")
    assert int(second.number.split("-")[1]) == int(first.number.split("-")[1]) + 1


def test_the_tracking_page_needs_the_token(district: Any) -> None:
    client = Client()
    client.post("/voice/", form_data())
    case = Case.objects.get()
    assert client.get(f"/voice/track/{case.number}/").status_code == 404
    assert client.get(f"/voice/track/{case.number}/", {"t": "wrong"}).status_code == 404


def test_contact_without_consent_is_refused_with_a_clear_message(district: Any) -> None:
    response = Client().post("/voice/", form_data(consent_contact=""))
    assert response.status_code == 200
    assert "연락처 수집·이용에 동의해 주세요" in response.text
    # The error summary names the field without its sentence's full stop before the colon.
    assert "연락처 수집·이용에 동의합니다: " in response.text
    assert ".:" not in response.text
    assert Case.objects.count() == 0


def test_an_empty_message_is_refused_in_english_for_an_english_reader(district: Any) -> None:
    response = Client().post("/en/voice/", form_data(text="", consent_contact="on"))
    assert response.status_code == 200
    assert Case.objects.count() == 0
    assert re.search(r"error-summary", response.text)


def test_html_in_a_message_is_shown_as_text(district: Any) -> None:
    client = Client()
    client.post(
        "/voice/", form_data(text="<script>alert('x')</script> 가로등이 꺼졌어요", consent_contact="on")
    )
    case = Case.objects.get()
    page = client.get(f"/voice/track/{case.number}/", {"t": case.token})
    assert "<script>alert('x')</script>" not in page.text
    assert "&lt;script&gt;" in page.text


def test_the_language_switcher_keeps_the_tracking_token(district: Any) -> None:
    client = Client()
    client.post("/voice/", form_data())
    case = Case.objects.get()
    page = client.get(f"/voice/track/{case.number}/", {"t": case.token})
    assert f'href="/en/voice/track/{case.number}/?t={case.token}"' in page.text
    english = client.get(f"/en/voice/track/{case.number}/", {"t": case.token})
    assert english.status_code == 200
    assert "Status" in english.text
