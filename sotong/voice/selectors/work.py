"""The back-office dashboard's reads (decision 0069): each role's work at a glance, every figure one the inbox lists with the same filter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from sotong.organisation.models import Department
from sotong.voice.choices import OPEN_STATUSES, Status
from sotong.voice.models import Case
from sotong.voice.selectors.cases import seoul_day_end


def _most_urgent_first(cases: QuerySet[Case]) -> QuerySet[Case]:
    from django.db.models import F

    # The inbox's order; cases without a deadline last on every database (SQLite puts NULL first).
    return cases.order_by("-urgent", F("deadline").asc(nulls_last=True), "received_at")


def case_memberships(*, user: Any) -> list[tuple[Department, str]]:
    """(department, role) for each department whose cases ``user`` handles as its officer or lead
    (the lead's role when they hold both), in name order. One query."""
    from sotong.accounts.roles import CASE_HANDLING_ROLES, Role
    from sotong.organisation.models import Membership

    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    roles: dict[int, tuple[Department, str]] = {}
    for membership in (
        Membership.objects.filter(user=user, role__in=sorted(CASE_HANDLING_ROLES), department__is_active=True)
        .select_related("department")
        .order_by("department__name_ko")
    ):
        department = membership.department
        assert department is not None  # scoped roles name their department
        if department.pk not in roles or membership.role == Role.DEPARTMENT_LEAD:
            roles[department.pk] = (department, membership.role)
    return list(roles.values())


@dataclass(frozen=True)
class DepartmentWork:
    """A department's open cases as its officer or lead sees them on the dashboard."""

    department: Department
    role: str  # the viewer's: officer or department_lead
    new: int  # routed here and not yet taken (status "assigned"): the inbox's status=assigned
    due_today: int  # deadline later today in Seoul, not yet passed
    overdue: int  # the inbox's overdue=1
    urgent: int  # the inbox's urgent=1
    escalated: int  # overdue and reported to the lead by the deadline sweep
    most_urgent: list[Case]
    escalated_cases: list[Case]  # for leads: what the sweep reported to them


def department_work(
    *, memberships: list[tuple[Department, str]], now: datetime | None = None, limit: int = 5
) -> list[DepartmentWork]:
    """Counts for every department in one query, then its most urgent cases (and, for a lead, the
    escalated ones when there are any): 1 + one or two queries per department."""
    from sotong.accounts.roles import Role

    if not memberships:
        return []
    now = now or timezone.now()
    overdue = Q(deadline__lt=now)
    open_cases = Case.objects.filter(status__in=OPEN_STATUSES)
    counts = {
        row["department_id"]: row
        for row in open_cases.filter(department__in=[department for department, _role in memberships])
        .values("department_id")
        .annotate(
            new=Count("pk", filter=Q(status=Status.ASSIGNED)),
            due_today=Count("pk", filter=Q(deadline__gte=now, deadline__lt=seoul_day_end(now))),
            overdue=Count("pk", filter=overdue),
            urgent=Count("pk", filter=Q(urgent=True)),
            escalated=Count("pk", filter=overdue & Q(escalated_at__isnull=False)),
        )
    }
    work = []
    for department, role in memberships:
        row = counts.get(department.pk, {})
        cases = open_cases.filter(department=department).select_related("dong", "officer")
        escalated = row.get("escalated", 0)
        work.append(
            DepartmentWork(
                department=department,
                role=role,
                new=row.get("new", 0),
                due_today=row.get("due_today", 0),
                overdue=row.get("overdue", 0),
                urgent=row.get("urgent", 0),
                escalated=escalated,
                most_urgent=list(_most_urgent_first(cases)[:limit]) if row else [],
                escalated_cases=(
                    list(cases.filter(overdue, escalated_at__isnull=False).order_by("deadline")[:limit])
                    if role == Role.DEPARTMENT_LEAD and escalated
                    else []
                ),
            )
        )
    return work


@dataclass(frozen=True)
class TriageWork:
    """The comms team's triage queue (통합접수)."""

    triage: int  # routing was unsure, the team decides: the inbox's department=triage
    unrouted: int  # stored, not yet routed (status "received"): routing is stuck if they stay
    overdue: int
    urgent: int
    waiting: list[Case]  # the most urgent of the queue


def triage_work(*, now: datetime | None = None, limit: int = 5) -> TriageWork:
    """Two queries: the counts, then the most urgent waiting cases with the model's suggestion."""
    now = now or timezone.now()
    triage = Q(status=Status.TRIAGE)
    counts = Case.objects.filter(triage | Q(status=Status.RECEIVED, department__isnull=True)).aggregate(
        triage=Count("pk", filter=triage),
        unrouted=Count("pk", filter=Q(status=Status.RECEIVED)),
        overdue=Count("pk", filter=triage & Q(deadline__lt=now)),
        urgent=Count("pk", filter=triage & Q(urgent=True)),
    )
    waiting = _most_urgent_first(
        Case.objects.filter(triage).select_related("suggested_department", "dong", "category")
    )
    return TriageWork(
        triage=counts["triage"],
        unrouted=counts["unrouted"],
        overdue=counts["overdue"],
        urgent=counts["urgent"],
        waiting=list(waiting[:limit]) if counts["triage"] else [],
    )


@dataclass(frozen=True)
class DistrictWork:
    """Every department's open cases, for the mayor's office and administrators (figures, no cases)."""

    open: int
    overdue: int
    triage: int
    answered_today: int  # answers sent since midnight in Seoul
    most_overdue: list[tuple[str, int]]  # (department name, overdue cases), the most behind first


def district_work(*, now: datetime | None = None, limit: int = 5) -> DistrictWork:
    """Two queries: the district's counts and the departments most behind."""
    now = now or timezone.now()
    day_start = seoul_day_end(now) - timedelta(days=1)
    open_now = Q(status__in=OPEN_STATUSES)
    counts = Case.objects.aggregate(
        open=Count("pk", filter=open_now),
        overdue=Count("pk", filter=open_now & Q(deadline__lt=now)),
        triage=Count("pk", filter=Q(status=Status.TRIAGE)),
        answered_today=Count("pk", filter=Q(answered_at__gte=day_start, answered_at__lte=now)),
    )
    behind = (
        Case.objects.filter(open_now, deadline__lt=now, department__isnull=False)
        .values_list("department__name_ko")
        .annotate(late=Count("pk"))
        .order_by("-late", "department__name_ko")[:limit]
    )
    return DistrictWork(
        open=counts["open"],
        overdue=counts["overdue"],
        triage=counts["triage"],
        answered_today=counts["answered_today"],
        most_overdue=[(name, late) for name, late in behind],
    )
