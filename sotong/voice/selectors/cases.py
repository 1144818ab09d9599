"""Cases as staff and residents find them: who may handle a case, the inbox, a case by number, a tracked case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from sotong.core.workdays import SEOUL
from sotong.organisation.models import Department
from sotong.organisation.selectors import case_departments_for, spans_case_handling
from sotong.voice.choices import OPEN_STATUSES, Status
from sotong.voice.models import Case


def seoul_day_end(now: datetime) -> datetime:
    """Midnight after ``now`` in Asia/Seoul: "due today" means a deadline before it."""
    return datetime.combine(now.astimezone(SEOUL).date() + timedelta(days=1), time(0), tzinfo=SEOUL)


def can_handle_case(user: Any, case: Case) -> bool:
    """Officers and leads handle their department's cases; the comms team, the safety office and
    administrators any case. Other roles (editors, care workers…) none."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if spans_case_handling(user):
        return True
    if case.department_id is None:
        return False
    return case_departments_for(user).filter(pk=case.department_id).exists()


@dataclass(frozen=True)
class InboxFilters:
    status: str = ""  # one Status, or "open" (default), or "all"
    kind: str = ""
    dong: str = ""  # dong code
    overdue: bool = False
    due_today: bool = False  # open, deadline not passed, due before midnight in Seoul
    urgent: bool = False
    q: str = ""


def inbox_for(*, user: Any, department: Department | None, filters: InboxFilters) -> QuerySet[Case]:
    """The department's cases (or the triage queue when ``department`` is None, for spanning roles)."""
    cases = Case.objects.select_related("department", "dong", "officer", "category", "primary")
    if department is None:
        if not spans_case_handling(user):
            return Case.objects.none()
        cases = (
            cases.filter(status=Status.TRIAGE)
            if filters.status in {"", "open"}
            else cases.filter(department=None)
        )
    else:
        if not case_departments_for(user).filter(pk=department.pk).exists():
            return Case.objects.none()
        cases = cases.filter(department=department)
    if filters.status in {"", "open"}:
        cases = cases.filter(status__in=OPEN_STATUSES)
    elif filters.status != "all":
        cases = cases.filter(status=filters.status)
    if filters.kind:
        cases = cases.filter(kind=filters.kind)
    if filters.dong:
        cases = cases.filter(dong__code=filters.dong)
    if filters.overdue:
        cases = cases.filter(status__in=OPEN_STATUSES, deadline__lt=timezone.now())
    if filters.due_today:
        now = timezone.now()
        cases = cases.filter(status__in=OPEN_STATUSES, deadline__gte=now, deadline__lt=seoul_day_end(now))
    if filters.urgent:
        cases = cases.filter(urgent=True)
    if filters.q:
        cases = cases.filter(
            Q(number__icontains=filters.q) | Q(text__icontains=filters.q) | Q(title__icontains=filters.q)
        )
    return cases.order_by("-urgent", "deadline", "received_at")


def case_for_staff(*, number: str) -> Case | None:
    return (
        Case.objects.select_related(
            "department", "dong", "officer", "category", "primary", "suggested_department"
        )
        .prefetch_related("attachments", "messages__author", "events__actor", "duplicates")
        .filter(number=number)
        .first()
    )


def tracked_case(*, number: str, token: str) -> Case | None:
    """A case for its resident: the number and the secret token from their receipt must both match."""
    case = Case.objects.select_related("department", "dong", "primary").filter(number=number).first()
    if case is None or not token or not _same(case.token, token):
        return None
    return case


def _same(a: str, b: str) -> bool:
    from django.utils.crypto import constant_time_compare

    return constant_time_compare(a, b)
