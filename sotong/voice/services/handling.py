"""What officers do with a case: take it, answer, note, transfer, merge, extend, close.

Each checks that the officer may act on the case (their department, or a spanning role), records an
event, and tells the resident where the law or courtesy says so.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sotong.accounts.models import User
from sotong.core.audit import audit_record
from sotong.core.events import send_event_on_commit
from sotong.organisation.consumers import department_group
from sotong.organisation.models import Department
from sotong.organisation.selectors import officers_of
from sotong.voice.choices import Kind, Status
from sotong.voice.deadlines import deadline_for, extended_deadline
from sotong.voice.models import Case, CaseEvent, CaseMessage
from sotong.voice.selectors import can_handle_case
from sotong.voice.services.notify import notify_resident, resident_language

MAX_REPLY = 8000


def _require(user: User, case: Case) -> None:
    if not can_handle_case(user, case):
        raise PermissionDenied(_("이 민원을 처리할 권한이 없습니다."))


def _event(case: Case, event: str, by: User, *, public: bool = False, **detail: Any) -> CaseEvent:
    return CaseEvent.objects.create(case=case, kind=event, actor=by, detail=detail, public=public)


def _changed(case: Case) -> None:
    event = {"type": "case.changed", "case": case.number, "status": case.status}
    if case.department_id:
        send_event_on_commit(department_group(case.department.code), event)  # type: ignore[union-attr]
    send_event_on_commit(f"case.{case.number}", event)


@transaction.atomic
def case_take(*, case: Case, by: User) -> Case:
    """An officer takes the case: it is theirs and in progress."""
    _require(by, case)
    case.officer = by
    if case.status in {Status.ASSIGNED, Status.TRIAGE}:
        case.status = Status.IN_PROGRESS
    case.save(update_fields=["officer", "status", "updated_at"])
    _event(case, "taken", by, public=True, officer=by.get_username())
    _changed(case)
    return case


@transaction.atomic
def case_reply(*, case: Case, body: str, by: User, final: bool = True) -> CaseMessage:
    """Answer the resident (and every reporter of its duplicates). ``final`` marks the case answered."""
    _require(by, case)
    body = body.strip()
    if not body:
        raise ValidationError(_("답변 내용을 입력하세요."))
    if len(body) > MAX_REPLY:
        raise ValidationError(_("답변이 너무 깁니다 (최대 %(max)d자).") % {"max": MAX_REPLY})
    purpose = CaseMessage.Purpose.ANSWER if final else CaseMessage.Purpose.MESSAGE
    now = timezone.now()
    message = None
    for target in [case, *case.duplicates.all()]:
        sent = CaseMessage.objects.create(
            case=target, direction=CaseMessage.Direction.OUTBOUND, purpose=purpose, body=body, author=by
        )
        message = message or sent
        fields = ["updated_at"]
        if final:
            target.status = Status.ANSWERED
            target.answered_at = now
            fields += ["status", "answered_at"]
        if target.first_responded_at is None:
            target.first_responded_at = now
            fields.append("first_responded_at")
        if target.officer_id is None:
            target.officer = by
            fields.append("officer")
        target.save(update_fields=fields)
        _event(target, "answered" if final else "replied", by, public=True, via=target.channel)
        notify_resident(case=target, message=sent)
        _changed(target)
    assert message is not None
    return message


@transaction.atomic
def case_note(*, case: Case, body: str, by: User) -> CaseMessage:
    """A note for staff only: never shown or sent to the resident."""
    _require(by, case)
    if not body.strip():
        raise ValidationError(_("메모 내용을 입력하세요."))
    note = CaseMessage.objects.create(
        case=case, direction=CaseMessage.Direction.NOTE, body=body.strip()[:MAX_REPLY], author=by
    )
    _event(case, "noted", by)
    _changed(case)
    return note


@transaction.atomic
def case_transfer(*, case: Case, to: Department, by: User, reason: str) -> Case:
    """Move the case to the department that handles it. The deadline stays: the district received the
    case when the resident sent it. Every transfer is counted (mis-routing is measured)."""
    _require(by, case)
    if not reason.strip():
        raise ValidationError(_("이송 사유를 입력하세요."))
    if case.department_id == to.pk:
        raise ValidationError(_("이미 %(department)s 소관입니다.") % {"department": to.name_ko})
    if not case.is_open:
        raise ValidationError(_("처리가 끝난 민원은 이송할 수 없습니다."))
    previous = case.department
    case.department = to
    case.officer = officers_of(department=to).get("primary")
    case.status = Status.ASSIGNED
    case.transfer_count += 1
    case.save(update_fields=["department", "officer", "status", "transfer_count", "updated_at"])
    _event(
        case,
        "transferred",
        by,
        public=True,
        **{"from": previous.code if previous else None, "to": to.code, "reason": reason.strip()[:300]},
    )
    send_event_on_commit(
        department_group(to.code),
        {"type": "case.new", "case": case.number, "status": case.status, "urgent": case.urgent},
    )
    _changed(case)
    return case


@transaction.atomic
def case_merge(*, duplicate: Case, primary: Case, by: User) -> Case:
    """Link a duplicate report to the primary case: its reporter gets the primary's answer."""
    _require(by, duplicate)
    if primary.pk == duplicate.pk or primary.primary_id is not None:
        raise ValidationError(_("대표 민원으로 지정할 수 없는 민원입니다."))
    duplicate.primary = primary
    duplicate.status = Status.MERGED
    duplicate.save(update_fields=["primary", "status", "updated_at"])
    # Its own duplicates follow it to the new primary.
    Case.objects.filter(primary=duplicate).update(primary=primary)
    _event(duplicate, "merged", by, public=True, primary=primary.number)
    _event(primary, "duplicate_linked", by, duplicate=duplicate.number)
    if primary.status == Status.ANSWERED:
        answer = primary.messages.filter(purpose=CaseMessage.Purpose.ANSWER).last()
        if answer is not None:
            sent = CaseMessage.objects.create(
                case=duplicate,
                direction=CaseMessage.Direction.OUTBOUND,
                purpose=CaseMessage.Purpose.ANSWER,
                body=answer.body,
                author=answer.author,
            )
            duplicate.answered_at = timezone.now()
            duplicate.save(update_fields=["answered_at"])
            notify_resident(case=duplicate, message=sent)
    _changed(duplicate)
    return duplicate


@transaction.atomic
def case_unmerge(*, case: Case, by: User) -> Case:
    """Undo a duplicate link (automatic or manual): the case goes back to its department's queue."""
    _require(by, case)
    if case.primary_id is None:
        raise ValidationError(_("중복으로 연결된 민원이 아닙니다."))
    primary = case.primary
    case.primary = None
    if case.status == Status.MERGED:
        case.status = Status.ASSIGNED if case.department_id else Status.TRIAGE
    case.save(update_fields=["primary", "status", "updated_at"])
    _event(case, "unmerged", by, primary=primary.number if primary else None)
    _changed(case)
    return case


@transaction.atomic
def case_extend(*, case: Case, until: datetime, reason: str, by: User) -> Case:
    """Extend the deadline once, within the original period again, telling the resident why and until
    when (민원 처리에 관한 법률 시행령 제21조)."""
    _require(by, case)
    if case.extended:
        raise ValidationError(_("처리 기한은 한 번만 연장할 수 있습니다."))
    if not reason.strip():
        raise ValidationError(_("연장 사유를 입력하세요."))
    if case.deadline is None or until <= case.deadline:
        raise ValidationError(_("새 기한은 현재 기한 뒤여야 합니다."))
    latest = extended_deadline(kind=case.kind, current=case.deadline)
    if until > latest:
        raise ValidationError(
            _("연장은 처리 기간 범위에서만 할 수 있습니다 (최대 %(latest)s).")
            % {"latest": timezone.localtime(latest).strftime("%Y-%m-%d %H:%M")}
        )
    previous = case.deadline
    case.deadline = until
    case.extended = True
    case.save(update_fields=["deadline", "extended", "updated_at"])
    _event(
        case,
        "extended",
        by,
        public=True,
        previous=previous.isoformat(),
        until=until.isoformat(),
        reason=reason,
    )
    with translation.override(resident_language(case)):
        body = _("처리 기한을 연장합니다. 사유: %(reason)s") % {"reason": reason.strip()}
    notice = CaseMessage.objects.create(
        case=case,
        direction=CaseMessage.Direction.OUTBOUND,
        purpose=CaseMessage.Purpose.INTERIM,
        body=body,
        author=by,
    )
    notify_resident(case=case, message=notice)
    _changed(case)
    return case


@transaction.atomic
def case_reclassify(*, case: Case, kind: str, by: User) -> Case:
    """Change the kind (e.g. a question that needs a law interpretation): the deadline follows the kind."""
    _require(by, case)
    if kind not in Kind.values:
        raise ValidationError(_("알 수 없는 유형입니다."))
    previous = case.kind
    case.kind = kind
    if not case.extended:
        case.deadline = deadline_for(kind=kind, received_at=case.received_at)
    case.save(update_fields=["kind", "deadline", "updated_at"])
    _event(case, "reclassified", by, public=True, previous=previous, kind=kind)
    _changed(case)
    return case


@transaction.atomic
def case_close(*, case: Case, by: User) -> Case:
    _require(by, case)
    case.status = Status.CLOSED
    case.closed_at = timezone.now()
    case.save(update_fields=["status", "closed_at", "updated_at"])
    _event(case, "closed", by, public=True)
    _changed(case)
    return case


def case_contact_view(*, case: Case, by: User, request: HttpRequest | None = None) -> dict[str, str]:
    """Reveal the resident's contact details to staff, and record who saw whose, when."""
    _require(by, case)
    audit_record(
        action="voice.contact_viewed", actor=by, target=case, request=request, detail={"case": case.number}
    )
    return {"name": case.contact_name, "phone": case.contact_phone, "email": case.contact_email}
