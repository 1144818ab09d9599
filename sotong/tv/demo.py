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
# The demo's test broadcast takes this key (a real broadcast's key is drawn at random and shown once).
DEMO_KEY = "sotong-demo-tv-key-0123456789abcdef"
TEST_TITLE = "소통TV 시험 방송 (데모)"
HINTS = [
    "소통TV: {base}tv/  (schedule as iCalendar {base}tv/schedule.ics; the studio signs in as 'studio' "
    "and issues a broadcast's stream key under 소통TV 방송 → 방송 진행·송출 키)",
    "Go live on 소통TV: in OBS set Server {rtmp} and Stream Key " + DEMO_KEY + ", or with ffmpeg: "
    "ffmpeg -re -f lavfi -i testsrc=size=1280x720:rate=30 -f lavfi -i sine -c:v libx264 -preset veryfast "
    "-c:a aac -f flv {rtmp}/" + DEMO_KEY + "  (watch at {base}tv/)",
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
    _test_broadcast(shows["news"])
    stdout.write(f"소통TV: {Show.objects.count()} shows, {Broadcast.objects.count()} broadcasts.")
    return [{"hint": hint} for hint in HINTS]


def _test_broadcast(show: Show) -> None:
    """A broadcast on the air from now for a day, which the demo's key opens: push to it at any time."""
    from sotong.accounts.models import User
    from sotong.tv.services.keys import stream_key_issue

    now = timezone.now()
    broadcast = Broadcast.objects.filter(title_ko=TEST_TITLE).first()
    if broadcast is None or broadcast.state in (BroadcastState.ENDED, BroadcastState.CANCELLED):
        broadcast = Broadcast.objects.create(
            show=show,
            title_ko=TEST_TITLE,
            title_en="소통TV test broadcast (demo)",
            title_zh="沟通TV测试直播（演示）",
            description_ko="데모의 송출 키로 아무 때나 송출해 볼 수 있는 방송입니다.",
            starts_at=now,
            ends_at=now + timedelta(days=1),
        )
    elif broadcast.ends_at < now + timedelta(hours=12):
        Broadcast.objects.filter(pk=broadcast.pk).update(ends_at=now + timedelta(days=1))
    studio = User.objects.filter(username="studio").first() or User.objects.filter(is_superuser=True).first()
    if studio is not None:
        stream_key_issue(broadcast, by=studio, key=DEMO_KEY)
    _chat(broadcast)


def _chat(broadcast: Broadcast) -> None:
    """The test broadcast's chat as residents left it: lines from the site, YouTube and Facebook, questions
    waiting on the studio's desk with their 공감, and an advert held for a moderator."""
    from sotong.tv.models import ChatMessage
    from sotong.tv.services.chat import Incoming, chat_receive

    if ChatMessage.objects.filter(broadcast=broadcast).exists():
        return
    rows = json.loads(DATA.read_text(encoding="utf-8"))["chat"]
    now = timezone.now()
    for number, row in enumerate(rows):
        message, _ = chat_receive(
            Incoming(
                broadcast_id=broadcast.pk,
                source=row["source"],
                author=row["author"],
                body=row["body"],
                posted_at=now + timedelta(minutes=row["minutes"]),
                external_id="" if row["source"] == "site" else f"demo-{number}",
                author_key=f"demo-viewer-{number}",
                is_question=row.get("question", False),
            )
        )
        if row.get("upvotes"):
            ChatMessage.objects.filter(pk=message.pk).update(upvotes=row["upvotes"])
