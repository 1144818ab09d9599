from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db.models import Prefetch, Q, QuerySet

from sotong.accounts.roles import CASE_HANDLING_ROLES, CASE_HANDLING_SPANNING_ROLES, SPANNING_ROLES, Role
from sotong.core.workdays import WorkingCalendar
from sotong.organisation.models import (
    Bureau,
    Closure,
    Department,
    District,
    Dong,
    Membership,
    OfficerAssignment,
)

CALENDAR_CACHE_KEY = "organisation:closures"


def roles_of(user: Any) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_sotong_roles", None)
    if cached is None:
        cached = set(Membership.objects.filter(user=user).values_list("role", flat=True))
        user._sotong_roles = cached
    return set(cached)


def spans_departments(user: Any) -> bool:
    """True for superusers and holders of a role that works across all departments."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.is_superuser or roles_of(user) & SPANNING_ROLES)


def departments_for(user: Any) -> QuerySet[Department]:
    """The departments whose back-office pages this staff member may see."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Department.objects.none()
    if spans_departments(user):
        return Department.objects.all()
    return Department.objects.filter(memberships__user=user).distinct()


def spans_case_handling(user: Any) -> bool:
    """True for superusers and the roles that handle every department's cases (not e.g. editors)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.is_superuser or roles_of(user) & CASE_HANDLING_SPANNING_ROLES)


def case_departments_for(user: Any) -> QuerySet[Department]:
    """The departments whose residents' cases this staff member handles."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Department.objects.none()
    if spans_case_handling(user):
        return Department.objects.all()
    return Department.objects.filter(
        memberships__user=user, memberships__role__in=sorted(CASE_HANDLING_ROLES)
    ).distinct()


def home_departments(user: Any) -> QuerySet[Department]:
    """The departments a staff member belongs to (for spanning roles: their home department)."""
    if not getattr(user, "is_authenticated", False):
        return Department.objects.none()
    return Department.objects.filter(memberships__user=user).distinct().select_related("bureau")


def can_access_department(user: Any, department: Department) -> bool:
    return departments_for(user).filter(pk=department.pk).exists()


def editable_departments(user: Any) -> QuerySet[Department]:
    """Officers and leads edit their own department's directory entry; comms and admins any."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Department.objects.none()
    if user.is_superuser or roles_of(user) & {Role.COMMS, Role.ADMINISTRATOR}:
        return Department.objects.all()
    if not user.has_perm("organisation.change_department"):
        return Department.objects.none()
    return Department.objects.filter(
        memberships__user=user, memberships__role__in=[Role.OFFICER, Role.DEPARTMENT_LEAD]
    ).distinct()


def can_edit_department(user: Any, department: Department) -> bool:
    return editable_departments(user).filter(pk=department.pk).exists()


def directory(*, query: str = "") -> QuerySet[Bureau]:
    """Bureaus with their active departments and SNS officers, for the public directory."""
    departments = Department.objects.filter(is_active=True).prefetch_related(
        Prefetch(
            "officer_assignments",
            queryset=OfficerAssignment.objects.order_by("-position"),
            to_attr="officers",
        )
    )
    if query:
        words = query.split()
        condition = Q()
        for word in words:
            condition &= (
                Q(name_ko__icontains=word)
                | Q(name_en__icontains=word)
                | Q(name_zh__icontains=word)
                | Q(handles_ko__icontains=word)
                | Q(handles_en__icontains=word)
                | Q(handles_zh__icontains=word)
            )
        departments = departments.filter(condition)
    bureau_ids = departments.values("bureau_id")
    return (
        Bureau.objects.filter(pk__in=bureau_ids)
        .order_by("sort_order", "name_ko")
        .prefetch_related(Prefetch("departments", queryset=departments, to_attr="listed_departments"))
    )


def department_detail(*, code: str) -> Department | None:
    return (
        Department.objects.filter(code=code, is_active=True)
        .select_related("bureau", "district")
        .prefetch_related(
            Prefetch(
                "officer_assignments",
                queryset=OfficerAssignment.objects.order_by("-position"),
                to_attr="officers",
            ),
            "duty_hours",
        )
        .first()
    )


def dongs() -> QuerySet[Dong]:
    return Dong.objects.all()


def current_district() -> District | None:
    return District.objects.order_by("pk").first()


def working_calendar() -> WorkingCalendar:
    """The Korean working-day calendar with the district's declared closures (cached briefly)."""
    closures = cache.get(CALENDAR_CACHE_KEY)
    if closures is None:
        closures = list(Closure.objects.values_list("date", flat=True))
        cache.set(CALENDAR_CACHE_KEY, closures, timeout=300)
    return WorkingCalendar.with_closures(closures)


def on_duty(*, at: Any) -> QuerySet[Any]:
    """Staff on the duty roster at this moment."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(duty_shifts__starts_at__lte=at, duty_shifts__ends_at__gt=at)
        .distinct()
    )


def staff_with_role(*, role: str, department: Department | None = None) -> QuerySet[Any]:
    from django.contrib.auth import get_user_model

    memberships = Membership.objects.filter(role=role)
    if department is not None:
        memberships = memberships.filter(department=department)
    return get_user_model().objects.filter(pk__in=memberships.values("user_id"), is_active=True)


def officers_of(*, department: Department) -> dict[str, Any]:
    """{"primary": user, "backup": user} for the department's SNS officers (missing keys if unassigned)."""
    return {
        a.position: a.user
        for a in OfficerAssignment.objects.filter(department=department).select_related("user")
        if a.user.is_active
    }


def dong_named_in(text: str) -> Dong | None:
    """The dong a resident's message names (in any of its languages); the longest name wins, so
    "당산2동" is not read as "당산1동"'s neighbour "당산동"."""
    folded = text.casefold()
    found: tuple[int, Dong] | None = None
    for dong in dongs():
        for name in (dong.name_ko, dong.name_en, dong.name_zh):
            if name and name.casefold() in folded and (found is None or len(name) > found[0]):
                found = (len(name), dong)
    return found[1] if found else None
