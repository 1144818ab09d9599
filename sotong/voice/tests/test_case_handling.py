from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sotong.connectors.models import Delivery
from sotong.core.workdays import SEOUL
from sotong.organisation.models import Department
from sotong.voice.choices import Channel, Kind, Status
from sotong.voice.models import Case, CaseEvent, CaseMessage, ServiceCategory
from sotong.voice.services import handling
from sotong.voice.services.intake import Submission, case_receive
from sotong.voice.services.routing import case_route
from tests.clock import MONDAY_MORNING

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(MONDAY_MORNING)]


def routed(text: str = "가로등이 꺼졌어요", *, category: str = "streetlight", **extra: Any) -> Case:
    case, _ = case_receive(
        submission=Submission(
            channel=extra.pop("channel", Channel.WEB),
            external_id=extra.pop("external_id", f"h-{Case.objects.count()}"),
            text=text,
            category=ServiceCategory.objects.get(code=category),
            **extra,
        )
    )
    return case_route(case=case)


def test_routing_twice_changes_nothing(junho: Any) -> None:
    case = routed()
    events = case.events.count()
    case_route(case=case)
    assert case.events.count() == events


def test_an_officer_of_another_department_may_not_answer(junho: Any, sora: Any) -> None:
    case = routed()
    with pytest.raises(PermissionDenied):
        handling.case_reply(case=case, body="답변", by=sora)
    assert not case.messages.filter(purpose=CaseMessage.Purpose.ANSWER).exists()


def test_the_comms_team_may_handle_any_case(junho: Any, haneul: Any) -> None:
    case = routed()
    handling.case_reply(case=case, body="확인했습니다", by=haneul)
    assert Case.objects.get(pk=case.pk).status == Status.ANSWERED


def test_an_empty_answer_is_refused_and_changes_nothing(junho: Any) -> None:
    case = routed()
    with pytest.raises(ValidationError):
        handling.case_reply(case=case, body="   ", by=junho)
    assert Case.objects.get(pk=case.pk).status == Status.ASSIGNED


def test_a_note_is_never_sent_to_the_resident(junho: Any) -> None:
    case = routed(contact_phone="010-1111-2222", consent_contact=True)
    before = Delivery.objects.count()
    note = handling.case_note(case=case, body="현장 사진 확인 필요", by=junho)
    assert note.direction == CaseMessage.Direction.NOTE
    assert Delivery.objects.count() == before


def test_a_transfer_keeps_the_deadline_and_is_counted(junho: Any, sora: Any) -> None:
    case = routed("복지 상담이 필요해요")
    deadline = case.deadline
    handling.case_transfer(case=case, to=Department.objects.get(code="welfare"), by=junho, reason="복지 소관")
    case.refresh_from_db()
    assert case.deadline == deadline
    assert case.transfer_count == 1
    assert case.department.code == "welfare"
    event = case.events.get(kind="transferred")
    assert event.detail == {"from": "roads", "to": "welfare", "reason": "복지 소관"}
    assert event.public


def test_a_transfer_needs_a_reason(junho: Any) -> None:
    case = routed()
    with pytest.raises(ValidationError):
        handling.case_transfer(case=case, to=Department.objects.get(code="welfare"), by=junho, reason="")


def test_an_extension_is_taken_once_and_the_resident_is_told_why(junho: Any) -> None:
    case = routed("질의합니다", kind=Kind.QUESTION, contact_email="minji@example.kr", consent_contact=True)
    new = case.deadline + timedelta(days=3)
    handling.case_extend(case=case, until=new, reason="현장 조사가 필요합니다", by=junho)
    case.refresh_from_db()
    assert case.deadline == new
    notice = case.messages.get(purpose=CaseMessage.Purpose.INTERIM)
    assert "현장 조사가 필요합니다" in notice.body
    assert Delivery.objects.filter(subject=f"voice.casemessage:{notice.pk}", channel="email").exists()
    with pytest.raises(ValidationError):
        handling.case_extend(case=case, until=new + timedelta(days=1), reason="또", by=junho)


def test_an_extension_beyond_the_original_period_is_refused(junho: Any) -> None:
    case = routed("질의합니다", kind=Kind.QUESTION)
    with pytest.raises(ValidationError, match="처리 기간 범위"):
        handling.case_extend(case=case, until=case.deadline + timedelta(days=60), reason="사유", by=junho)


def test_reclassifying_a_question_as_a_law_question_moves_the_deadline(junho: Any) -> None:
    case = routed(
        "법령 해석을 묻습니다", kind=Kind.QUESTION, received_at=datetime(2026, 12, 1, 10, tzinfo=SEOUL)
    )
    handling.case_reclassify(case=case, kind=Kind.QUESTION_LAW, by=junho)
    case.refresh_from_db()
    assert case.deadline == datetime(2026, 12, 18, 18, 0, tzinfo=SEOUL)


def test_merging_a_duplicate_sends_it_the_primarys_answer(junho: Any) -> None:
    primary = routed("당산로 가로등 고장", contact_phone="010-1111-2222", consent_contact=True)
    duplicate = routed("당산로 가로등이 안 켜져요", contact_phone="010-3333-4444", consent_contact=True)
    handling.case_merge(duplicate=duplicate, primary=primary, by=junho)
    handling.case_reply(case=primary, body="교체했습니다", by=junho)
    duplicate.refresh_from_db()
    assert duplicate.messages.filter(purpose=CaseMessage.Purpose.ANSWER, body="교체했습니다").exists()
    assert duplicate.answered_at is not None
    phones = {d.recipient for d in Delivery.objects.filter(channel="sms", payload__purpose="answer")}
    assert phones == {"01011112222", "01033334444"}


def test_a_duplicate_link_can_be_undone(junho: Any) -> None:
    primary = routed("가로등 고장 1")
    duplicate = routed("가로등 고장 2")
    handling.case_merge(duplicate=duplicate, primary=primary, by=junho)
    handling.case_unmerge(case=duplicate, by=junho)
    duplicate.refresh_from_db()
    assert duplicate.primary is None
    assert duplicate.status == Status.ASSIGNED


def test_viewing_contact_details_is_audited(junho: Any) -> None:
    from sotong.core.models import AuditEvent

    case = routed(contact_phone="010-1111-2222", consent_contact=True, contact_name="김민지")
    contact = handling.case_contact_view(case=case, by=junho)
    assert contact["phone"] == "01011112222"
    assert contact["name"] == "김민지"
    assert (
        AuditEvent.objects.filter(action="voice.contact_viewed", actor=junho, target_id=str(case.pk)).count()
        == 1
    )


def test_contact_details_are_encrypted_at_rest(junho: Any) -> None:
    from django.db import connection

    case = routed(contact_phone="010-1111-2222", consent_contact=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact_phone FROM voice_case WHERE id = %s", [case.pk])
        raw = cursor.fetchone()[0]
    assert "1111" not in raw
    assert Case.objects.get(pk=case.pk).contact_phone == "01011112222"


def test_every_routing_decision_is_recorded_with_its_confidence(junho: Any) -> None:
    case = routed()
    event = CaseEvent.objects.get(case=case, kind="routed")
    assert event.detail["by"] == "category"
    assert event.detail["confidence"] == 1.0
    assert event.detail["department"] == "roads"
