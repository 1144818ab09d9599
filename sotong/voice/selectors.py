"""Reads in the voice domain: inboxes, a case for staff, what residents may see, statistics."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from sotong.organisation.models import Department
from sotong.organisation.selectors import case_departments_for, spans_case_handling
from sotong.voice.choices import OPEN_STATUSES, Status
from sotong.voice.masking import mask_text
from sotong.voice.models import Case, CaseMessage, ServiceCategory
from sotong.voice.routing.text import EN_STOP


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


# A department the router gave less than this probability is not one the case plausibly belongs to:
# the case page does not list it among the router's suggestions, nor offer its answered cases as similar.
NEGLIGIBLE_PROBABILITY = 0.05
# How alike (text_similarities) an answered case must read to be offered as similar. Measured on the
# labelled corpus by bench/similar_threshold.py (decision 0070): 4 in 5 of the cases offered are of the
# right department from 0.05 to 0.2 (more alike is not more relevant); 0.1 shows half as many as 0.05.
SIMILAR_THRESHOLD = 0.1

# Particles and endings cut from the end of a Korean word before comparing (longest first, one each).
_PARTICLES = (
    *("에서", "으로", "까지", "부터", "에게", "한테", "이나", "이랑"),
    *("이", "가", "은", "는", "을", "를", "에", "의", "도", "로"),
    *("와", "과", "만", "요", "다", "고", "서", "면", "나", "랑"),
)
_WORD = re.compile(r"[\uac00-\ud7a3]+|[a-z][a-z0-9']+|[\u4e00-\u9fff]+")


def similarity_terms(text: str) -> list[str]:
    """What two messages are compared on, without a morphological analyser (a case page must not wait
    for one): character pairs and triples inside Korean words less a final particle or ending, English
    words less stop words and a plural -s, Chinese characters and character pairs."""
    terms: list[str] = []
    for word in _WORD.findall(text.casefold()):
        if word[0] <= "z":
            if word in EN_STOP or len(word) < 3:
                continue
            if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
                word = word[:-1]
            terms.append(word)
        elif word[0] >= "\uac00":
            for particle in _PARTICLES:
                if word.endswith(particle) and len(word) - len(particle) >= 2:
                    word = word[: -len(particle)]
                    break
            for n in (2, 3):
                terms.extend(word[i : i + n] for i in range(len(word) - n + 1))
        else:
            terms.extend(word)
            terms.extend(word[i : i + 2] for i in range(len(word) - 1))
    return terms


def text_similarities(query: str, texts: Sequence[str]) -> list[float]:
    """Cosine similarity of ``query`` to each of ``texts``: TF-IDF over similarity_terms, fitted on them all."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    if not texts:
        return []
    vectorizer = TfidfVectorizer(analyzer=similarity_terms, sublinear_tf=True)
    try:
        matrix = vectorizer.fit_transform([query, *texts])
    except ValueError:  # not one term in any text (digits or emoji only)
        return [0.0] * len(texts)
    return [float(score) for score in cosine_similarity(matrix[0], matrix[1:])[0]]


def plausible_departments(case: Case) -> set[str]:
    """Codes of the departments the case may belong to: its own, the router's suggestion and every
    alternative the router did not find negligible. Empty before routing."""
    codes = {code for code, probability in case.routing_top3 if probability >= NEGLIGIBLE_PROBABILITY}
    for department in (case.department, case.suggested_department):
        if department is not None:
            codes.add(department.code)
    return codes


def similar_answered(*, case: Case, limit: int = 5) -> list[tuple[Case, float]]:
    """Answered cases that read like this one (at least SIMILAR_THRESHOLD), most alike first, from
    every department the case plausibly belongs to (all of them before routing): shared knowledge."""
    pool = Case.objects.filter(status__in=[Status.ANSWERED, Status.CLOSED], primary__isnull=True).exclude(
        pk=case.pk
    )
    departments = plausible_departments(case)
    if departments:
        pool = pool.filter(department__code__in=sorted(departments))
    candidates = list(pool.select_related("department").order_by("-answered_at")[:2000])
    scores = text_similarities(case.text, [c.text for c in candidates])
    ranked = sorted(zip(candidates, scores, strict=True), key=lambda pair: -pair[1])
    return [(c, score) for c, score in ranked[:limit] if score >= SIMILAR_THRESHOLD]


def case_category(case: Case) -> tuple[ServiceCategory | None, bool]:
    """(category, inferred). The resident's choice when they made one; otherwise, for a case the router
    sent to a department (the router names departments, not categories), that department's category whose
    search words the text uses most, or its only one: inferred, for officers to read as a guess."""
    if case.category is not None:
        return case.category, False
    if case.department_id is None:
        return None, False
    categories = list(ServiceCategory.objects.filter(department_id=case.department_id, is_active=True))
    text = f"{case.title} {case.text}".casefold()
    hits = [(sum(word.casefold() in text for word in c.keywords.split()), c) for c in categories]
    best = max(hits, key=lambda pair: pair[0], default=(0, None))
    if best[0] > 0:
        return best[1], True
    return (categories[0], True) if len(categories) == 1 else (None, False)


def is_published(case: Case) -> bool:
    """True when the case is on the public list of answers (see ``published_answers``)."""
    return (
        case.consent_publish and case.status in {Status.ANSWERED, Status.CLOSED} and case.primary_id is None
    )


def can_see_answer(user: Any, case: Case) -> bool:
    """An officer may reuse a published answer, or one of a case they may handle (their department's,
    or any for roles that span departments)."""
    return is_published(case) or can_handle_case(user, case)


def masked_for_reuse(case: Case, text: str) -> str:
    """Text of another resident's case as an officer may reuse it: no phone numbers, addresses of mail,
    registration or car numbers, nor that resident's name (the public pages' masking)."""
    return mask_text(text, names=[case.contact_name])


@dataclass(frozen=True)
class SimilarAnswer:
    case: Case
    score: float
    text: str  # the resident's words, masked
    reusable: bool  # the officer may see (and so reuse) its answer


def similar_answers_for(*, user: Any, case: Case, limit: int = 5) -> list[SimilarAnswer]:
    """``similar_answered`` as ``user`` may see it: every department's cases, masked, and which of
    their answers the user may reuse."""
    similar = similar_answered(case=case, limit=limit)
    if not similar:
        return []
    # One query for the departments the user handles (can_handle_case would ask once per case).
    handled = set(case_departments_for(user).values_list("pk", flat=True))
    return [
        SimilarAnswer(
            case=other,
            score=score,
            text=masked_for_reuse(other, other.text),
            reusable=is_published(other) or other.department_id in handled,
        )
        for other, score in similar
    ]


def reusable_answer(*, user: Any, number: str) -> str:
    """The final answer of case ``number``, masked, for ``user`` to start a reply from; "" when there
    is none or the user may not see it (told apart from a missing case by nothing)."""
    source = Case.objects.filter(number=number[:20]).first()
    if source is None or not can_see_answer(user, source):
        return ""
    answer = source.messages.filter(purpose=CaseMessage.Purpose.ANSWER).last()
    return masked_for_reuse(source, answer.body) if answer is not None else ""


def tracked_case(*, number: str, token: str) -> Case | None:
    """A case for its resident: the number and the secret token from their receipt must both match."""
    case = Case.objects.select_related("department", "dong", "primary").filter(number=number).first()
    if case is None or not token or not _same(case.token, token):
        return None
    return case


def _same(a: str, b: str) -> bool:
    from django.utils.crypto import constant_time_compare

    return constant_time_compare(a, b)


def published_answers() -> QuerySet[Case]:
    """Answered cases whose residents allowed publication."""
    return (
        Case.objects.filter(
            consent_publish=True, status__in=[Status.ANSWERED, Status.CLOSED], primary__isnull=True
        )
        .select_related("department", "dong", "category")
        .order_by("-answered_at")
    )


def confirmed_routing_examples() -> list[tuple[str, str, str, str, bool]]:
    """(number, text, department code, kind, urgent) of cases whose department an officer confirmed by
    answering them, including every transfer's final department."""
    rows = Case.objects.filter(
        status__in=[Status.ANSWERED, Status.CLOSED], department__isnull=False
    ).values_list("number", "text", "department__code", "kind", "urgent")
    return [(n, t, d, k, bool(u)) for n, t, d, k, u in rows]


def counts_by_department() -> dict[int, dict[str, int]]:
    rows = (
        Case.objects.exclude(department=None)
        .values("department_id")
        .annotate(
            total=Count("pk"),
            open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
            overdue=Count("pk", filter=Q(status__in=OPEN_STATUSES, deadline__lt=timezone.now())),
        )
    )
    return {row["department_id"]: row for row in rows}


# Categories whose reports are hazards on the safety map (재난안전생활지도), by ServiceCategory code.
HAZARD_CATEGORIES = (
    "road_damage",
    "snow_ice",
    "drains_flooding",
    "building_safety",
    "streetlight",
    "trees_parks",
)


@dataclass(frozen=True)
class ReportedHazard:
    """A hazard residents reported, as the public map may show it: no text, no person, place rounded
    to about 100 m."""

    category: str
    category_name: str
    status: str
    status_label: str
    reported_on: Any
    lat: float
    lon: float


def reported_hazards() -> list[ReportedHazard]:
    """Open or answered reports of hazard-like categories whose residents allowed publication and
    gave a place (one query)."""
    cases = (
        Case.objects.filter(
            consent_publish=True,
            status__in=[*OPEN_STATUSES, Status.ANSWERED],
            primary__isnull=True,
            category__code__in=HAZARD_CATEGORIES,
            lat__isnull=False,
            lon__isnull=False,
        )
        .select_related("category")
        .only(
            "status",
            "received_at",
            "lat",
            "lon",
            "category__code",
            "category__name_ko",
            "category__name_en",
            "category__name_zh",
        )
        .order_by("-received_at")
    )
    return [
        ReportedHazard(
            category=case.category.code,
            category_name=case.category.name,
            status=case.status,
            status_label=str(case.get_status_display()),
            reported_on=timezone.localdate(case.received_at),
            lat=round(float(case.lat), 3),
            lon=round(float(case.lon), 3),
        )
        for case in cases
        if case.category is not None and case.lat is not None and case.lon is not None
    ]


# The back-office dashboard's reads (decision 0069): each role's work at a glance, every figure one the inbox
# lists with the same filter. Appended below the other selectors while the inbox is reworked.
from datetime import datetime, time, timedelta  # noqa: E402 - see above


def seoul_day_end(now: datetime) -> datetime:
    """Midnight after ``now`` in Asia/Seoul: "due today" means a deadline before it."""
    from sotong.core.workdays import SEOUL

    return datetime.combine(now.astimezone(SEOUL).date() + timedelta(days=1), time(0), tzinfo=SEOUL)


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
