from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from sotong.accounts.roles import Role
from sotong.organisation.models import Department
from sotong.organisation.selectors import case_departments_for, roles_of
from sotong.petitions.choices import CommentState, Stage
from sotong.petitions.models import Comment, MayorMessage, MayorProfile, Proposal, ScheduleEvent
from sotong.petitions.text import similarities

# How alike a proposal must read to be offered as "support that one instead".
SIMILAR_THRESHOLD = 0.12
SIMILAR_LIMIT = 5
# Statistics: a cell counting fewer than this is not shown (small numbers could point at a person).
SUPPRESS_UNDER = 5


def proposals(*, stage: str = "", topic: str = "") -> QuerySet[Proposal]:
    rows = Proposal.objects.select_related("department", "dong")
    if stage in Stage.values:
        rows = rows.filter(stage=stage)
    if topic:
        rows = rows.filter(topic=topic)
    return rows


def proposal_detail(*, pk: int) -> Proposal | None:
    return Proposal.objects.select_related("department", "dong").filter(pk=pk).first()


def similar_proposals(*, text: str, exclude: int | None = None) -> list[tuple[Proposal, float]]:
    """Open or answered proposals reading like ``text``, most alike first."""
    candidates = list(
        Proposal.objects.exclude(stage=Stage.EXPIRED).exclude(pk=exclude or 0).order_by("-created_at")[:500]
    )
    if not candidates or len(text.strip()) < 2:
        return []
    scores = similarities(text, [f"{p.title}\n{p.title}\n{p.body}" for p in candidates])
    ranked = sorted(zip(candidates, scores, strict=True), key=lambda pair: -pair[1])
    return [(p, s) for p, s in ranked if s >= SIMILAR_THRESHOLD][:SIMILAR_LIMIT]


def near_threshold(*, limit: int = 3) -> list[Proposal]:
    """Collecting proposals closest to their threshold (for the home page)."""
    return list(
        Proposal.objects.filter(stage=Stage.COLLECTING, collecting_until__gt=timezone.now()).order_by(
            "-support_count", "collecting_until"
        )[:limit]
    )


def visible_comments(*, proposal: Proposal) -> QuerySet[Comment]:
    return proposal.comments.filter(state=CommentState.VISIBLE)


def answers_everything(user: Any) -> bool:
    """The mayor's office (and administrators) see and answer every department's proposals."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.is_superuser or roles_of(user) & {Role.MAYORS_OFFICE, Role.ADMINISTRATOR})


def answerable_departments(user: Any) -> QuerySet[Department]:
    if answers_everything(user):
        return Department.objects.all()
    return case_departments_for(user)


def proposals_for_officer(*, user: Any) -> QuerySet[Proposal]:
    rows = Proposal.objects.select_related("department")
    if answers_everything(user):
        return rows
    return rows.filter(department__in=answerable_departments(user))


def can_answer(user: Any, proposal: Proposal) -> bool:
    return proposals_for_officer(user=user).filter(pk=proposal.pk).exists()


def moderation_queue() -> QuerySet[Comment]:
    return (
        Comment.objects.select_related("proposal")
        .filter(Q(state=CommentState.REVIEW) | Q(report_count__gt=0, state=CommentState.VISIBLE))
        .order_by("-report_count", "created_at")
    )


def mayor() -> MayorProfile | None:
    return MayorProfile.objects.order_by("pk").first()


def messages() -> QuerySet[MayorMessage]:
    return MayorMessage.objects.filter(published_at__lte=timezone.now())


def schedule_between(*, start: datetime, end: datetime) -> QuerySet[ScheduleEvent]:
    return ScheduleEvent.objects.filter(is_public=True, starts_at__lt=end, ends_at__gte=start)


def calendar_events() -> QuerySet[ScheduleEvent]:
    since = timezone.now() - timedelta(days=90)
    return ScheduleEvent.objects.filter(is_public=True, ends_at__gte=since)


@dataclass(frozen=True)
class DepartmentRow:
    department: str
    answered: int | None
    on_time_share: float | None
    median_days: float | None


def _shown(count: int) -> int | None:
    return count if count >= SUPPRESS_UNDER else None


def statistics_table() -> dict[str, Any]:
    """Proposals per month and topic, answers on time and median days to answer, per department; a count
    under SUPPRESS_UNDER is shown as "fewer than 5"."""
    rows = list(Proposal.objects.select_related("department").order_by("created_at"))
    per_month: Counter[str] = Counter()
    per_topic: Counter[str] = Counter()
    for p in rows:
        per_month[timezone.localtime(p.created_at).strftime("%Y-%m")] += 1
        per_topic[p.get_topic_display()] += 1
    answered: dict[str, list[Proposal]] = defaultdict(list)
    for p in rows:
        if p.stage == Stage.ANSWERED and p.answered_at and p.threshold_reached_at:
            answered[p.department.name].append(p)
    departments = []
    for name, items in sorted(answered.items()):
        count = len(items)
        if count < SUPPRESS_UNDER:
            departments.append(DepartmentRow(name, None, None, None))
            continue
        on_time = sum(1 for p in items if p.answer_due and p.answered_at and p.answered_at <= p.answer_due)
        days = [(p.answered_at - p.threshold_reached_at).total_seconds() / 86400 for p in items]  # type: ignore[operator]
        departments.append(DepartmentRow(name, count, on_time / count, round(statistics.median(days), 1)))
    return {
        "months": [(month, _shown(n)) for month, n in sorted(per_month.items())],
        "topics": [(topic, _shown(n)) for topic, n in sorted(per_topic.items())],
        "departments": departments,
        "total": _shown(len(rows)),
        "threshold": settings.PETITIONS_REVIEW_THRESHOLD,
    }
