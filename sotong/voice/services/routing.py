"""Routing a stored case: department (by category or by the model), urgency, duplicates, deadlines,
and the acknowledgement that tells the resident who answers and by when."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sotong.accounts.roles import Role
from sotong.core.events import send_event_on_commit
from sotong.core.notifications import notify_staff
from sotong.organisation.consumers import TRIAGE_GROUP, department_group
from sotong.organisation.models import Department
from sotong.organisation.selectors import officers_of, on_duty, staff_with_role
from sotong.voice import routing as routing_model
from sotong.voice.choices import Status
from sotong.voice.deadlines import deadline_for
from sotong.voice.models import Case, CaseEvent, CaseMessage
from sotong.voice.services.duplicates import find_primary
from sotong.voice.services.notify import notify_resident, resident_language

logger = logging.getLogger(__name__)


# What routing decides; nothing else of the case row is written, so a concurrent change (a note, an
# officer's reply arriving while the task runs) is never overwritten.
ROUTED_FIELDS = [
    "kind",
    "suggested_department",
    "routing_confidence",
    "routing_top3",
    "urgent",
    "life_risk",
    "urgent_reason",
    "routed_at",
    "deadline",
    "department",
    "status",
    "officer",
    "primary",
    "updated_at",
]


def routing_threshold() -> float:
    return float(settings.VOICE_ROUTING_THRESHOLD)


def case_route(*, case: Case) -> Case:
    """Decide where the case goes. Idempotent: a case that was routed already is left alone."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.status != Status.RECEIVED:
            return case
        decision = _decide(case)
        department: Department | None = decision["department"]
        case.kind = decision["kind"]
        case.suggested_department = decision["suggested"]
        case.routing_confidence = decision["confidence"]
        case.routing_top3 = decision["top3"]
        case.urgent = case.urgent or decision["urgent"]
        case.life_risk = case.life_risk or decision["life_risk"]
        if decision["urgent_reasons"] and not case.urgent_reason:
            case.urgent_reason = ", ".join(decision["urgent_reasons"])[:200]
        case.routed_at = timezone.now()
        case.deadline = deadline_for(kind=case.kind, received_at=case.received_at)
        if department is not None:
            case.department = department
            case.status = Status.ASSIGNED
            case.officer = officers_of(department=department).get("primary")
        else:
            case.status = Status.TRIAGE
        case.primary = find_primary(case)
        case.save(update_fields=ROUTED_FIELDS)
        CaseEvent.objects.create(
            case=case,
            kind="routed" if department else "triaged",
            detail={
                "by": decision["by"],
                "department": department.code if department else None,
                "suggested": decision["suggested"].code if decision["suggested"] else None,
                "confidence": decision["confidence"],
                "top3": decision["top3"],
                "threshold": routing_threshold(),
                "urgent": case.urgent,
                "duplicate_of": case.primary.number if case.primary else None,
            },
            public=True,
        )
        acknowledge(case=case)
        _announce(case)
        if case.urgent:
            escalate_urgent(case=case)
    return case


def _decide(case: Case) -> dict[str, Any]:
    if case.category is not None and case.category.department is not None:
        rules = routing_model.urgent.detect(case.text)
        return {
            "by": "category",
            "department": case.category.department,
            "suggested": case.category.department,
            "confidence": 1.0,
            "top3": [[case.category.department.code, 1.0]],
            "kind": case.kind,
            "urgent": rules.urgent,
            "life_risk": rules.life_risk,
            "urgent_reasons": list(rules.reasons),
        }
    requested = case.requested_department
    if requested is not None and requested.is_active:
        # The resident wrote to this department from its page: it answers (or transfers the case).
        rules = routing_model.urgent.detect(case.text)
        return {
            "by": "resident",
            "department": requested,
            "suggested": requested,
            "confidence": 1.0,
            "top3": [[requested.code, 1.0]],
            "kind": case.kind,
            "urgent": rules.urgent,
            "life_risk": rules.life_risk,
            "urgent_reasons": list(rules.reasons),
        }
    result = routing_model.route_text(f"{case.title}\n{case.text}".strip())
    prediction = result.prediction
    departments = {d.code: d for d in Department.objects.filter(code__in=[c for c, _ in prediction.top3])}
    suggested = departments.get(prediction.department)
    confident = suggested is not None and suggested.is_active and prediction.confidence >= routing_threshold()
    # The resident's own choice of kind wins; the model's guess fills in for free-text channels.
    kind = case.kind
    if case.channel not in {"web", "open311"} and prediction.kind:
        kind = prediction.kind
    return {
        "by": "model",
        "department": suggested if confident else None,
        "suggested": suggested,
        "confidence": round(prediction.confidence, 4),
        "top3": [[code, round(p, 4)] for code, p in prediction.top3],
        "kind": kind,
        "urgent": result.urgent,
        "life_risk": result.life_risk,
        "urgent_reasons": list(result.urgent_reasons),
    }


def acknowledge(*, case: Case) -> CaseMessage:
    """The first response: case number, who answers, by when — sent at once on the resident's channel."""
    with translation.override(resident_language(case)):
        if case.department is not None:
            body = _("%(department)s에서 처리합니다.") % {"department": case.department.name}
        else:
            body = _("통합접수 담당자가 담당 부서를 정하고 있습니다.")
    message = CaseMessage.objects.create(
        case=case,
        direction=CaseMessage.Direction.OUTBOUND,
        purpose=CaseMessage.Purpose.ACKNOWLEDGEMENT,
        body=body,
        channel=case.channel,
    )
    Case.objects.filter(pk=case.pk, first_responded_at__isnull=True).update(first_responded_at=timezone.now())
    case.refresh_from_db(fields=["first_responded_at"])
    notify_resident(case=case, message=message)
    return message


def _announce(case: Case) -> None:
    event = {
        "type": "case.new",
        "case": case.number,
        "status": case.status,
        "urgent": case.urgent,
        "department": case.department.code if case.department else None,
    }
    send_event_on_commit(department_group(case.department.code) if case.department else TRIAGE_GROUP, event)


def escalate_urgent(*, case: Case) -> None:
    """Urgent cases reach the safety office, the on-duty staff and the department's officers at once."""
    url = reverse("voice_admin:case", kwargs={"number": case.number})
    recipients: dict[int, Any] = {}
    for user in staff_with_role(role=Role.SAFETY_OFFICE):
        recipients[user.pk] = user
    for user in on_duty(at=timezone.now()):
        recipients[user.pk] = user
    if case.department is not None:
        for user in officers_of(department=case.department).values():
            recipients[user.pk] = user
    title = _("긴급 민원 %(number)s: %(reason)s") % {
        "number": case.number,
        "reason": case.urgent_reason or _("긴급"),
    }
    for user in recipients.values():
        notify_staff(user=user, title=title, body=case.text[:300], url=url, level="urgent")
    CaseEvent.objects.create(
        case=case,
        kind="escalated_urgent",
        detail={"notified": sorted(u.get_username() for u in recipients.values())},
    )
