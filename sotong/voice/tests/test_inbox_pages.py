from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from sotong.core.models import AuditEvent
from sotong.organisation.models import Department
from sotong.voice.choices import Channel, Status
from sotong.voice.models import Case
from sotong.voice.services.intake import Submission, case_receive
from sotong.voice.services.routing import case_route

pytestmark = pytest.mark.django_db


def roads_case(text: str = "가로등이 꺼져 있어요", **extra: Any) -> Case:
    from sotong.voice.models import ServiceCategory

    case, _ = case_receive(
        submission=Submission(
            channel=Channel.WEB,
            external_id=f"t-{Case.objects.count()}",
            text=text,
            category=ServiceCategory.objects.get(code="streetlight"),
            contact_phone="010-2222-3333",
            consent_contact=True,
            **extra,
        )
    )
    return case_route(case=case)


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_officer_sees_the_case_in_the_department_inbox(junho: Any) -> None:
    case = roads_case()
    response = signed_in(junho).get("/admin/voice/")
    assert response.status_code == 200
    assert case.number in response.text


def test_an_officer_of_another_department_cannot_open_the_case(sora: Any, junho: Any) -> None:
    case = roads_case()
    response = signed_in(sora).get(f"/admin/voice/cases/{case.number}/")
    assert response.status_code in {302, 403}
    assert case.text not in signed_in(sora).get("/admin/voice/").text


def test_the_case_page_hides_contact_details_until_asked_and_audits_the_view(junho: Any) -> None:
    case = roads_case()
    client = signed_in(junho)
    page = client.get(f"/admin/voice/cases/{case.number}/")
    assert page.status_code == 200
    assert "01022223333" not in page.text
    client.post(f"/admin/voice/cases/{case.number}/act/", {"action": "reveal_contact"})
    revealed = client.get(f"/admin/voice/cases/{case.number}/")
    assert "01022223333" in revealed.text
    event = AuditEvent.objects.get(action="voice.contact_viewed")
    assert event.actor == junho
    assert event.target_id == str(case.pk)


def test_the_officer_answers_from_the_case_page(junho: Any) -> None:
    case = roads_case()
    client = signed_in(junho)
    response = client.post(
        f"/admin/voice/cases/{case.number}/act/", {"action": "answer", "body": "교체했습니다."}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.ANSWERED


def test_a_transfer_moves_the_case_and_is_counted(junho: Any, sora: Any) -> None:
    case = roads_case("복지 상담을 받고 싶어요")
    client = signed_in(junho)
    client.post(
        f"/admin/voice/cases/{case.number}/act/",
        {"action": "transfer", "department": "welfare", "reason": "복지 상담"},
    )
    case.refresh_from_db()
    assert case.department == Department.objects.get(code="welfare")
    assert case.transfer_count == 1
    assert signed_in(sora).get(f"/admin/voice/cases/{case.number}/").status_code == 200


def test_html_in_a_message_is_text_in_the_inbox(junho: Any) -> None:
    case = roads_case("<img src=x onerror=alert(1)> 가로등")
    page = signed_in(junho).get(f"/admin/voice/cases/{case.number}/")
    assert "<img src=x onerror=alert(1)>" not in page.text
    inbox = signed_in(junho).get("/admin/voice/")
    assert "<img src=x onerror=alert(1)>" not in inbox.text


def test_the_inbox_takes_a_fixed_number_of_queries(junho: Any, django_assert_max_num_queries: Any) -> None:
    for n in range(3):
        roads_case(f"가로등 {n}")
    client = signed_in(junho)
    client.get("/admin/voice/")
    with django_assert_max_num_queries(40) as few:
        client.get("/admin/voice/")
    baseline = len(few.captured_queries)
    for n in range(10):
        roads_case(f"가로등 추가 {n}")
    with django_assert_max_num_queries(baseline):
        client.get("/admin/voice/")


def test_an_editor_does_not_handle_residents_cases(junho: Any) -> None:
    from django.contrib.auth import get_user_model

    from sotong.organisation.services import membership_grant

    editor = get_user_model().objects.create_user(username="editor1", password="x" * 12)
    membership_grant(user=editor, role="editor", department=Department.objects.get(code="pr"))
    case = roads_case()
    client = signed_in(editor)
    assert client.get(f"/admin/voice/cases/{case.number}/").status_code in {302, 403}
    response = client.post(f"/admin/voice/cases/{case.number}/act/", {"action": "reveal_contact"})
    assert response.status_code in {302, 403}
    assert not AuditEvent.objects.filter(action="voice.contact_viewed").exists()


def test_a_message_that_could_not_be_sent_is_explained_to_the_officer(junho: Any) -> None:
    """The SMS channel is off here: the acknowledgement fails for good, and the case page says so in
    the officer's language, with the technical reason marked as English."""
    from sotong.connectors.models import Delivery
    from sotong.connectors.outbox import delivery_send

    case = roads_case()
    delivery = Delivery.objects.get(channel="sms", subject__startswith="voice.casemessage:")
    assert delivery_send(delivery_id=delivery.pk).status == Delivery.Status.FAILED

    page = signed_in(junho).get(f"/admin/voice/cases/{case.number}/").text
    assert "주민에게 전달되지 않은 메시지" in page
    assert "문자: 보내지 못했습니다 (시도 1회)." in page
    assert '사유: <span lang="en">the sms channel is not enabled</span>' in page
    # In the thread, the acknowledgement's delivery carries the channel's name too.
    assert '<span class="status-tag primary">문자: 발송 실패</span>' in page


def test_every_field_on_the_inbox_and_case_pages_has_a_type(junho: Any) -> None:
    """Wagtail draws the border of typed inputs only: an <input> without a type was an invisible box
    (the bulk transfer's reason)."""
    import re

    case = roads_case()
    client = signed_in(junho)
    for url in ("/admin/voice/", f"/admin/voice/cases/{case.number}/"):
        page = client.get(url).text
        untyped = [tag for tag in re.findall(r"<input\b[^>]*>", page) if not re.search(r"\btype=", tag)]
        assert untyped == [], (url, untyped)
