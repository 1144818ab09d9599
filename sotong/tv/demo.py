"""The demo's 소통TV: three shows, two past broadcasts and three to come (from data/demo_schedule.json,
dated from the day the demo is first set up)."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

from django.utils import timezone

from sotong.tv.choices import BroadcastState
from sotong.tv.models import Broadcast, Show

DATA = Path(__file__).parent / "data" / "demo_schedule.json"
HINTS = [
    "소통TV: {base}tv/  (schedule as iCalendar {base}tv/schedule.ics; the studio signs in as 'studio' "
    "and issues a broadcast's stream key under 소통TV 방송 → 방송 진행·송출 키)",
]


def load_demo(*, stdout: Any) -> list[dict[str, str]]:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    shows = {}
    for row in data["shows"]:
        shows[row["slug"]], _ = Show.objects.update_or_create(
            slug=row["slug"], defaults={k: v for k, v in row.items() if k != "slug"}
        )
    if not Broadcast.objects.exists():
        today = timezone.localdate()
        for row in data["broadcasts"]:
            hour, minute = (int(part) for part in row["start"].split(":"))
            starts = timezone.make_aware(
                datetime.combine(today + timedelta(days=row["days"]), time(hour, minute))
            )
            ends = starts + timedelta(minutes=row["minutes"])
            ended = row["state"] == BroadcastState.ENDED
            Broadcast.objects.create(
                show=shows[row["show"]],
                title_ko=row["title_ko"],
                title_en=row.get("title_en", ""),
                title_zh=row.get("title_zh", ""),
                starts_at=starts,
                ends_at=ends,
                state=row["state"],
                went_live_at=starts if ended else None,
                ended_at=ends if ended else None,
            )
    stdout.write(f"소통TV: {Show.objects.count()} shows, {Broadcast.objects.count()} broadcasts.")
    return [{"hint": hint} for hint in HINTS]
