"""Public statistics: how fast each department first responds and answers, what is overdue, and where
and what residents write about. Times are elapsed hours (what residents experience)."""

from __future__ import annotations

import statistics as stats
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.utils import timezone

from sotong.organisation.models import Department, Dong
from sotong.voice.choices import OPEN_STATUSES, Kind, Status
from sotong.voice.models import Case

CACHE_KEY = "voice:public-statistics"
CACHE_SECONDS = 300


def percentile(values: list[float], share: float) -> float | None:
    """The value below which ``share`` of the values lie (nearest-rank)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 1))
    return ordered[int(rank) - 1]


@dataclass
class DepartmentRow:
    department: Department
    received: int
    answered: int
    open: int
    overdue: int
    answered_late: int
    first_response_median: float | None
    first_response_p90: float | None
    answer_median: float | None
    answer_p90: float | None


def _hours(start: Any, end: Any) -> float:
    return (end - start).total_seconds() / 3600


def compute() -> dict[str, Any]:
    now = timezone.now()
    rows = list(
        Case.objects.exclude(status=Status.MERGED).values_list(
            "department_id",
            "status",
            "received_at",
            "first_responded_at",
            "answered_at",
            "deadline",
            "dong_id",
            "kind",
        )
    )
    per_department: dict[int, dict[str, Any]] = {}
    by_dong: Counter[int] = Counter()
    by_kind: Counter[str] = Counter()
    for department_id, status, received, first, answered, deadline, dong_id, kind in rows:
        by_kind[kind] += 1
        if dong_id:
            by_dong[dong_id] += 1
        if department_id is None:
            continue
        entry = per_department.setdefault(
            department_id,
            {"received": 0, "answered": 0, "open": 0, "overdue": 0, "late": 0, "first": [], "answer": []},
        )
        entry["received"] += 1
        if first:
            entry["first"].append(_hours(received, first))
        if answered:
            entry["answered"] += 1
            entry["answer"].append(_hours(received, answered))
            if deadline and answered > deadline:
                entry["late"] += 1
        if status in OPEN_STATUSES:
            entry["open"] += 1
            if deadline and deadline < now:
                entry["overdue"] += 1
    departments = {d.pk: d for d in Department.objects.filter(pk__in=per_department).select_related("bureau")}
    table = [
        DepartmentRow(
            department=departments[pk],
            received=e["received"],
            answered=e["answered"],
            open=e["open"],
            overdue=e["overdue"],
            answered_late=e["late"],
            first_response_median=stats.median(e["first"]) if e["first"] else None,
            first_response_p90=percentile(e["first"], 0.9),
            answer_median=stats.median(e["answer"]) if e["answer"] else None,
            answer_p90=percentile(e["answer"], 0.9),
        )
        for pk, e in per_department.items()
    ]
    table.sort(key=lambda r: (-r.received, r.department.name_ko))
    dongs = {d.pk: d for d in Dong.objects.all()}
    all_first = [h for e in per_department.values() for h in e["first"]]
    all_answer = [h for e in per_department.values() for h in e["answer"]]
    return {
        "generated_at": now,
        "total": len(rows),
        "answered": sum(r.answered for r in table),
        "overdue": sum(r.overdue for r in table),
        "first_response_median": stats.median(all_first) if all_first else None,
        "answer_median": stats.median(all_answer) if all_answer else None,
        "departments": table,
        "by_dong": [
            (dongs[pk], n) for pk, n in sorted(by_dong.items(), key=lambda kv: dongs[kv[0]].sort_order)
        ],
        "by_kind": [(k, n) for k, n in by_kind.most_common() if k in Kind.values],
    }


def public_statistics() -> dict[str, Any]:
    cached = cache.get(CACHE_KEY)
    if cached is None:
        cached = compute()
        cache.set(CACHE_KEY, cached, CACHE_SECONDS)
    return cached
