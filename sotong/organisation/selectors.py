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
    split_handles,
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


def directory() -> QuerySet[Bureau]:
    """Bureaus with their active departments and SNS officers, for the public directory (a search lists
    departments by relevance instead: directory_search)."""
    departments = Department.objects.filter(is_active=True).prefetch_related(
        Prefetch(
            "officer_assignments",
            queryset=OfficerAssignment.objects.order_by("-position"),
            to_attr="officers",
        )
    )
    bureau_ids = departments.values("bureau_id")
    return (
        Bureau.objects.filter(pk__in=bureau_ids)
        .order_by("sort_order", "name_ko")
        .prefetch_related(Prefetch("departments", queryset=departments, to_attr="listed_departments"))
    )


def directory_search(*, query: str) -> list[Department]:
    """Active departments that handle ``query`` (every word of it in a name or a handled matter, in any
    language), most relevant first: a name or a handled matter that is the query, then one that holds
    it as a phrase, then its words; a matter mentioned only where another department is named ("일반
    불법주차는 주차관리과") counts least. Two queries, however many departments."""
    words = query.casefold().split()
    if not words:
        return []
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
    found = list(
        Department.objects.filter(condition, is_active=True)
        .select_related("bureau")
        .prefetch_related(
            Prefetch(
                "officer_assignments",
                queryset=OfficerAssignment.objects.order_by("-position"),
                to_attr="officers",
            )
        )
    )
    names = {
        _compact(name)
        for row in Department.objects.filter(is_active=True).values_list("name_ko", "name_en", "name_zh")
        for name in row
        if name
    }
    scored = [(_relevance(d, words, names), d) for d in found]
    scored.sort(key=lambda pair: (-pair[0], pair[1].bureau.sort_order, pair[1].sort_order))
    return [d for _score, d in scored]


def _compact(text: str) -> str:
    """Lowercase without spaces: "불법 주차" finds "불법주차", "Street light" finds "streetlights"."""
    return "".join(text.casefold().split())


def _relevance(department: Department, words: list[str], department_names: set[str]) -> float:
    phrase = "".join(words)
    pairs = {phrase[i : i + 2] for i in range(len(phrase) - 1)} or {phrase}

    def partial(text: str) -> float:
        """The share of the query's character pairs in ``text``: "불법주차" meets "불법 주정차" halfway."""
        return sum(pair in text for pair in pairs) / len(pairs)

    own_names = [_compact(n) for n in (department.name_ko, department.name_en, department.name_zh) if n]
    score = 100.0 if phrase in own_names else 40.0 if any(phrase in n for n in own_names) else 0.0
    score += 20 * sum(any(w in n for n in own_names) for w in words) + 10 * max(map(partial, own_names))
    best, touched = 0.0, 0
    for handles in (department.handles_ko, department.handles_en, department.handles_zh):
        for item in split_handles(handles):
            main, asides = _split_asides(item)
            # An aside naming another department points away from this one; any other aside is part of
            # the matter ("교통안전시설(과속방지턱·노면표시)").
            pointers = [a for a in asides if any(n in _compact(a) for n in department_names)]
            text = _compact(main) + "".join(_compact(a) for a in asides if a not in pointers)
            pointed = "".join(_compact(a) for a in pointers)
            item_score = 60.0 if text == phrase else 30.0 if phrase in text else 0.0
            item_score += 8 * sum(w in text for w in words) + 6 * partial(text)
            item_score += 2 * sum(w in pointed and w not in text for w in words)
            touched += partial(text) > 0
            best = max(best, item_score)
    # Among departments as relevant by their best matter, the one with more matters about it first.
    return score + best + min(max(touched - 1, 0), 5)


def _split_asides(item: str) -> tuple[str, list[str]]:
    """("장애인 전용주차구역 불법주차 단속 ", ["일반 불법주차는 주차관리과"]): an item's text outside its
    outermost parentheses, and what each of them holds."""
    main, asides, depth, current = "", [], 0, ""
    for char in item:
        if char in "(（":
            if depth:
                current += char
            depth += 1
        elif char in ")）" and depth:
            depth -= 1
            if depth:
                current += char
            else:
                asides.append(current)
                current = ""
        elif depth:
            current += char
        else:
            main += char
    return main, asides


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
