"""Opening hours: whether a place is open at a moment, by its published spans.

A span is {"days": "weekday|saturday|sunday|holiday", "open": "HH:MM", "close": "HH:MM"}; a close before the
open runs past midnight. A public holiday takes the holiday spans, whatever the weekday. safety.js applies
the same rules on the device (facilities.json carries the holidays)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from sotong.core.workdays import public_holiday_name


def open_at(*, always_open: bool, opening_hours: Iterable[Mapping[str, Any]], moment: datetime) -> bool:
    if always_open:
        return True
    spans = list(opening_hours or [])
    if not spans:
        # No hours published: shelters are opened when needed, others are unknown (treated open).
        return True
    local = timezone.localtime(moment)
    for day_offset in (0, -1):
        day = (local + timedelta(days=day_offset)).date()
        label = day_label(day, holiday=public_holiday_name(day) is not None)
        for span in spans:
            if span.get("days") != label:
                continue
            open_t, close_t = minutes(span["open"]), minutes(span["close"])
            now_m = local.hour * 60 + local.minute + (24 * 60 if day_offset == -1 else 0)
            end = close_t if close_t > open_t else close_t + 24 * 60
            if open_t <= now_m < end:
                return True
    return False


def minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def day_label(day: date, *, holiday: bool) -> str:
    if holiday:
        return "holiday"
    return {5: "saturday", 6: "sunday"}.get(day.weekday(), "weekday")
