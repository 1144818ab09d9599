"""The deadline sweep: reminders before a deadline, escalation when it passes."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sotong.accounts.roles import Role
from sotong.core.notifications import notify_staff
from sotong.organisation.selectors import officers_of, staff_with_role, working_calendar
from sotong.voice.choices import OPEN_STATUSES
from sotong.voice.models import Case, CaseEvent

# Remind when this share of the period has gone (at least one working hour before the deadline).
REMIND_AT_SHARE = 0.75


def deadlines_sweep() -> dict[str, int]:
    now = timezone.now()
    reminded = escalated = 0
    calendar = working_calendar()
    open_cases = Case.objects.filter(status__in=OPEN_STATUSES, deadline__isnull=False).select_related(
        "department", "officer"
    )
    for case in open_cases.filter(reminded_at__isnull=True, deadline__gt=now):
        assert case.deadline is not None
        total = calendar.working_hours_between(case.received_at, case.deadline)
        left = calendar.working_hours_between(now, case.deadline)
        if total and (total - left) / total >= REMIND_AT_SHARE:
            reminded += _remind(case, left)
    for case in open_cases.filter(escalated_at__isnull=True, deadline__lte=now):
        escalated += _escalate(case)
    late_first = _first_response_overdue(now)
    return {"reminded": reminded, "escalated": escalated, "first_response_late": late_first}


def _first_response_overdue(now: Any) -> int:
    """A chat message with no first response in time (normally the acknowledgement goes out at routing,
    so this means routing is stuck): the comms team hears of it, once per case."""
    late = Case.objects.filter(
        first_response_due__lte=now, first_responded_at__isnull=True, status__in=OPEN_STATUSES
    ).exclude(events__kind="first_response_late")
    count = 0
    comms = list(staff_with_role(role=Role.COMMS))
    for case in late[:200]:
        with transaction.atomic():
            CaseEvent.objects.create(case=case, kind="first_response_late")
            for user in comms:
                notify_staff(
                    user=user,
                    title=_("첫 응답 지연 %(number)s") % {"number": case.number},
                    body=case.text[:200],
                    url=_url(case),
                    level="warning",
                )
        count += 1
    return count


def _url(case: Case) -> str:
    return reverse("voice_admin:case", kwargs={"number": case.number})


@transaction.atomic
def _remind(case: Case, hours_left: float) -> int:
    if not Case.objects.filter(pk=case.pk, reminded_at__isnull=True).update(reminded_at=timezone.now()):
        return 0
    people = (
        [case.officer]
        if case.officer
        else list(officers_of(department=case.department).values())
        if case.department
        else []
    )
    for user in people:
        notify_staff(
            user=user,
            title=_("처리 기한 임박 %(number)s (남은 근무시간 %(hours).1f)")
            % {"number": case.number, "hours": hours_left},
            body=case.text[:200],
            url=_url(case),
            level="warning",
        )
    CaseEvent.objects.create(case=case, kind="reminded", detail={"hours_left": round(hours_left, 2)})
    return 1


@transaction.atomic
def _escalate(case: Case) -> int:
    """Overdue: the backup officer and the department lead hear of it (the comms team for triage)."""
    if not Case.objects.filter(pk=case.pk, escalated_at__isnull=True).update(escalated_at=timezone.now()):
        return 0
    people: dict[int, Any] = {}
    if case.department is not None:
        officers = officers_of(department=case.department)
        for user in [officers.get("backup"), officers.get("primary"), case.officer]:
            if user is not None:
                people[user.pk] = user
        for user in staff_with_role(role=Role.DEPARTMENT_LEAD, department=case.department):
            people[user.pk] = user
    else:
        for user in staff_with_role(role=Role.COMMS):
            people[user.pk] = user
    for user in people.values():
        notify_staff(
            user=user,
            title=_("처리 기한 초과 %(number)s") % {"number": case.number},
            body=case.text[:200],
            url=_url(case),
            level="urgent",
        )
    CaseEvent.objects.create(
        case=case,
        kind="overdue_escalated",
        detail={"notified": sorted(u.get_username() for u in people.values())},
    )
    return 1
