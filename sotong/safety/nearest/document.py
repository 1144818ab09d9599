"""facilities.json, the whole list for the PWA's ranking on the device (safety.js). Keep the format stable:

    {"format": 1, "data_version": "<hex>", "last_modified": "<ISO 8601, +09:00>",
     "data_checked_on": "<YYYY-MM-DD of the oldest check>" | null, "timezone": "Asia/Seoul",
     "holidays": ["YYYY-MM-DD", ...],            # public holidays this year and next
     "kinds": {"<kind>": {"ko": .., "en": .., "zh-hans": ..}},
     "hazards": {"<hazard>": {"ko": .., "en": .., "zh-hans": ..}},
     "facilities": [{"id", "kind", "name": {"ko", "en", "zh-hans"} (Korean where untranslated),
        "lat", "lon" (6 dp), "setting" (indoor|underground|outdoor), "hazards": [hazard, ...] (after the
        setting rules), "capacity": int | null, "always_open": bool,
        "opening_hours": [{"days": weekday|saturday|sunday|holiday, "open": "HH:MM", "close": "HH:MM"}],
        "hours_note", "step_free": bool | null, "has_lift": bool | null, "address", "phone",
        "checked_on": "YYYY-MM-DD" | null, "is_sample": bool}, ...]}

Open now is `Facility.is_open_at` (safety/hours.py); the ranking is `nearest.ranking.rank`.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.utils import timezone

from sotong.core.workdays import public_holiday_name
from sotong.safety.choices import SHELTER_HAZARDS
from sotong.safety.models import Facility
from sotong.safety.nearest.records import FacilityRecord, in_each_language, label_of


def _holidays(year: int) -> list[str]:
    day, out = date(year, 1, 1), []
    while day.year == year:
        if public_holiday_name(day) is not None:
            out.append(day.isoformat())
        day += timedelta(days=1)
    return out


def facilities_document(
    facilities: list[Facility],
    records: list[FacilityRecord],
    *,
    version: str,
    last_modified: datetime | None,
    kind_labels: dict[str, dict[str, str]],
) -> bytes:
    year = timezone.localdate().year
    checked = [r.checked_on for r in records if r.checked_on]
    document = {
        "format": 1,
        "data_version": version,
        "last_modified": timezone.localtime(last_modified).isoformat() if last_modified else None,
        "data_checked_on": min(checked).isoformat() if checked else None,
        "timezone": settings.TIME_ZONE,
        "holidays": _holidays(year) + _holidays(year + 1),
        "kinds": kind_labels,
        "hazards": {str(h): in_each_language(partial(label_of, h)) for h in SHELTER_HAZARDS},
        "facilities": [
            {
                "id": r.id,
                "kind": r.kind,
                "name": r.names,
                "lat": r.lat,
                "lon": r.lon,
                "setting": r.setting,
                "hazards": list(r.hazards),
                "capacity": r.capacity,
                "always_open": f.always_open,
                "opening_hours": [
                    {"days": s.get("days"), "open": s.get("open"), "close": s.get("close")}
                    for s in (f.opening_hours or [])
                ],
                "hours_note": f.hours_note,
                "step_free": f.step_free,
                "has_lift": f.has_lift,
                "address": f.address,
                "phone": f.phone,
                "checked_on": r.checked_on.isoformat() if r.checked_on else None,
                "is_sample": f.is_sample,
            }
            for f, r in zip(facilities, records, strict=True)
        ],
    }
    return dumps(document)


def dumps(document: Any) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
