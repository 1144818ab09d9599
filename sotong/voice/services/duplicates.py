"""Duplicate reports: the same problem reported near the same place within a window is linked to one
primary case, automatically, and officers can undo the link. All reporters get the primary's answer."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity

from sotong.core.geo import bounding_box, distance_m
from sotong.voice.choices import Status
from sotong.voice.models import Case

WINDOW = timedelta(days=7)
RADIUS_M = 150.0
MIN_SIMILARITY = 0.3
MAX_CANDIDATES = 200


def find_primary(case: Case) -> Case | None:
    department = case.department or case.suggested_department
    if department is None or (case.lat is None and case.dong_id is None):
        return None  # without a place there is no "same place"
    candidates = (
        Case.objects.filter(
            Q(department=department) | Q(suggested_department=department),
            primary__isnull=True,
            received_at__gte=case.received_at - WINDOW,
            received_at__lte=case.received_at,
        )
        .exclude(pk=case.pk)
        .exclude(status__in=[Status.MERGED, Status.CLOSED])
    )
    if case.lat is not None and case.lon is not None:
        min_lat, max_lat, min_lon, max_lon = bounding_box(float(case.lat), float(case.lon), RADIUS_M)
        candidates = candidates.filter(lat__gte=min_lat, lat__lte=max_lat, lon__gte=min_lon, lon__lte=max_lon)
    else:
        candidates = candidates.filter(dong=case.dong, lat__isnull=True)
    pool = list(candidates.order_by("received_at")[:MAX_CANDIDATES])
    if case.lat is not None and case.lon is not None:
        pool = [
            c
            for c in pool
            if c.lat is not None
            and c.lon is not None
            and distance_m(float(case.lat), float(case.lon), float(c.lat), float(c.lon)) <= RADIUS_M
        ]
    if not pool:
        return None
    texts = [case.text, *(c.text for c in pool)]
    matrix = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 3)).fit_transform(texts)
    scores = cosine_similarity(matrix[0], matrix[1:])[0]
    best = max(range(len(pool)), key=lambda i: scores[i])
    if scores[best] < MIN_SIMILARITY:
        return None
    # The earliest similar report is the primary.
    similar = [pool[i] for i in range(len(pool)) if scores[i] >= MIN_SIMILARITY]
    return min(similar, key=lambda c: c.received_at)
