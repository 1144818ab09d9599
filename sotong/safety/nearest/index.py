"""The facilities held in memory per process, one `FacilityIndex` that the Django views and the raw ASGI
fast path (`fastpath.py`) both answer from, so their bytes are identical.

Freshness: the index is rebuilt when the data version changes. `data_version()` is one aggregate
query (count, highest id, latest `updated_at` of active facilities) checked at most once a second
per process, which also sees writes made by another process (an import, a second `serve`). A save or
delete in this process (`post_save`/`post_delete` receivers at the end of this module) makes the next
call rebuild at once. Between checks a request touches no database.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import threading
import time
from functools import partial
from typing import Any

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Count, Max, Min

from sotong.safety.choices import SHELTER_HAZARDS, FacilityKind
from sotong.safety.models import Facility
from sotong.safety.nearest.document import facilities_document
from sotong.safety.nearest.geometry import compass_words
from sotong.safety.nearest.payload import DEFAULT_DIRECTIONS_URL
from sotong.safety.nearest.ranking import hazard_table
from sotong.safety.nearest.records import FacilityIndex, in_each_language, label_of, record_of

logger = logging.getLogger(__name__)

CHECK_EVERY_S = 1.0

_lock = threading.Lock()
_index: FacilityIndex | None = None
_checked_at = 0.0
_generation = 0


def data_version() -> str:
    row = Facility.objects.filter(is_active=True).aggregate(
        n=Count("pk"), top=Max("pk"), changed=Max("updated_at"), low=Min("pk")
    )
    raw = f"{row['n']}:{row['low']}:{row['top']}:{row['changed'].isoformat() if row['changed'] else ''}"
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def invalidate(**_kwargs: Any) -> None:
    """A facility changed in this process: rebuild on the next call (signal receiver)."""
    global _generation
    _generation += 1


def fresh_index(max_age: float = CHECK_EVERY_S) -> FacilityIndex | None:
    """The index if it was checked within ``max_age`` seconds, without touching the database."""
    index = _index
    if index is not None and index.generation == _generation and time.monotonic() - _checked_at < max_age:
        return index
    return None


def last_index() -> FacilityIndex | None:
    return _index


def current_index(max_age: float = CHECK_EVERY_S) -> FacilityIndex:
    """The index, checked against the data version at most every ``max_age`` seconds (one query),
    rebuilt when the version changed."""
    global _index, _checked_at
    index = fresh_index(max_age)
    if index is not None:
        return index
    with _lock:
        generation = _generation
        index = _index
        try:
            with transaction.atomic():  # a failed query must not break the caller's transaction
                version = data_version()
        except DatabaseError:
            if index is None:
                raise
            # The database is unreachable: residents still get the last known shelters.
            logger.warning("safety: facility data version check failed; answering from the last index")
            _checked_at = time.monotonic()
            return index
        if index is None or index.version != version or index.generation != generation:
            index = build_index(version=version, generation=generation)
            _index = index
        _checked_at = time.monotonic()
        return index


def build_index(*, version: str, generation: int) -> FacilityIndex:
    facilities = list(Facility.objects.filter(is_active=True).order_by("pk"))
    kind_labels = {str(k): in_each_language(partial(label_of, k)) for k in FacilityKind}
    records = [record_of(f, kind_labels) for f in facilities]
    tables = {str(hazard): hazard_table(hazard, records) for hazard in SHELTER_HAZARDS}
    last_modified = max((f.updated_at for f in facilities), default=None)
    body = facilities_document(
        facilities, records, version=version, last_modified=last_modified, kind_labels=kind_labels
    )
    return FacilityIndex(
        version=version,
        generation=generation,
        records=records,
        tables=tables,
        kind_labels=kind_labels,
        compass_words=in_each_language(compass_words),
        directions_template=getattr(settings, "SAFETY_DIRECTIONS_URL", "") or DEFAULT_DIRECTIONS_URL,
        last_modified=last_modified,
        facilities_json=body,
        etag='"' + hashlib.sha256(body).hexdigest()[:32] + '"',
        facilities_gzip=gzip.compress(body, compresslevel=9, mtime=0),
    )


def _connect_signals() -> None:
    from django.db.models.signals import post_delete, post_save

    post_save.connect(invalidate, sender=Facility, dispatch_uid="safety.nearest.saved")
    post_delete.connect(invalidate, sender=Facility, dispatch_uid="safety.nearest.deleted")


_connect_signals()
