"""Reads in the voice domain, by concern: cases (inbox, a case by number), similar (the case page's hints),
public (published answers, statistics, reported hazards), work (the back-office dashboards). Everything is
re-exported here: callers read `selectors.inbox_for`, whichever module holds it."""

from __future__ import annotations

from sotong.voice.selectors.cases import (
    InboxFilters,
    can_handle_case,
    case_for_staff,
    inbox_for,
    seoul_day_end,
    tracked_case,
)
from sotong.voice.selectors.public import (
    HAZARD_CATEGORIES,
    ReportedHazard,
    confirmed_routing_examples,
    counts_by_department,
    published_answers,
    reported_hazards,
)
from sotong.voice.selectors.similar import (
    NEGLIGIBLE_PROBABILITY,
    SIMILAR_THRESHOLD,
    SimilarAnswer,
    can_see_answer,
    case_category,
    is_published,
    masked_for_reuse,
    plausible_departments,
    reusable_answer,
    similar_answered,
    similar_answers_for,
    similarity_terms,
    text_similarities,
)
from sotong.voice.selectors.work import (
    DepartmentWork,
    DistrictWork,
    TriageWork,
    case_memberships,
    department_work,
    district_work,
    triage_work,
)

__all__ = [
    "HAZARD_CATEGORIES",
    "NEGLIGIBLE_PROBABILITY",
    "SIMILAR_THRESHOLD",
    "DepartmentWork",
    "DistrictWork",
    "InboxFilters",
    "ReportedHazard",
    "SimilarAnswer",
    "TriageWork",
    "can_handle_case",
    "can_see_answer",
    "case_category",
    "case_for_staff",
    "case_memberships",
    "confirmed_routing_examples",
    "counts_by_department",
    "department_work",
    "district_work",
    "inbox_for",
    "is_published",
    "masked_for_reuse",
    "plausible_departments",
    "published_answers",
    "reported_hazards",
    "reusable_answer",
    "seoul_day_end",
    "similar_answered",
    "similar_answers_for",
    "similarity_terms",
    "text_similarities",
    "tracked_case",
    "triage_work",
]
