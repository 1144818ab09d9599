"""The demo district's voice: service categories, reply templates and two months of cases from every
channel (answered, in progress, overdue, merged), so inboxes, tracking pages and statistics have something
real to show.

The cases are written in data/demo_cases.json: each sample is one matter (department, kind, the answer
the department wrote) with the messages residents sent about it. Their history is replayed in time order
through the product's own services (receive, route, transfer, take, reclassify, merge, extend, answer),
each step dated when it happened: residents write at any hour, the worker routes within minutes, officers
act in working hours, deadlines follow the working-day rules, and nothing is dated after "now"."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from sotong.core.crypto import digest
from sotong.organisation.models import Department
from sotong.voice.choices import OPEN_STATUSES, Status
from sotong.voice.demo.history import History
from sotong.voice.demo.samples import demo_samples
from sotong.voice.loading import load_categories
from sotong.voice.models import Case, ReplyTemplate


@transaction.atomic
def load_demo(*, stdout: Any, now: datetime | None = None) -> list[dict[str, str]]:
    changed = load_categories()
    stdout.write(f"Service categories: {changed} created or updated.")
    for template in demo_samples()["reply_templates"]:
        code = template["department"]
        department = Department.objects.filter(code=code).first() if code else None
        ReplyTemplate.objects.get_or_create(
            department=department, title=template["title"], defaults={"body": template["body"]}
        )
    _open311_key()
    if not Case.objects.filter(external_id__startswith="demo-").exists():
        now = now or timezone.now()
        stdout.write(summary(History(now=now).play(), now=now))
    return [{"hint": hint} for hint in HINTS]


def summary(cases: list[Case], *, now: datetime) -> str:
    """The line the demo prints about its cases."""
    open_cases = [c for c in cases if c.status in OPEN_STATUSES]
    overdue = [c for c in open_cases if c.deadline is not None and c.deadline <= now]
    duplicates = [c for c in cases if c.primary_id is not None]
    merged = [c for c in duplicates if c.status == Status.MERGED]
    answered = [c for c in cases if c.status == Status.ANSWERED]
    return (
        f"Demo cases: {len(cases)} ({len(answered)} answered, {len(open_cases)} open of which "
        f"{len(overdue)} overdue, {len(duplicates)} duplicate reports of which {len(merged)} merged)."
    )


DEMO_OPEN311_KEY = "sotong-demo-open311-key-0123456789abcdef"
HINTS = [
    "Homepage form: {base}voice/  (answers, statistics: {base}voice/answered/, {base}voice/stats/)",
    "Open311: curl -d 'api_key=" + DEMO_OPEN311_KEY + "&service_code=streetlight&lat=37.5252&long=126.9006"
    "&description=가로등이 꺼졌어요&email=minji@example.kr' {base}open311/v2/requests.json",
    "KakaoTalk skill (what Kakao i Open Builder sends; then the same with '건너뛰기' and '보내기'): "
    "curl -H 'X-Sotong-Skill-Secret: sotong-demo-skill-secret-0123456789abcdef' -H 'Content-Type: application/json' "
    '-d \'{{"bot": {{"id": "sotong-demo-bot"}}, "userRequest": {{"utterance": "골목 가로등이 꺼졌어요", '
    '"user": {{"id": "demo-resident"}}}}}}\' {base}kakao/skill/',
    "E-mail: send to sotong@localhost through SMTP 127.0.0.1:{mail_port}; answers are written to {sent_mail}",
]


def _open311_key() -> None:
    from sotong.voice.models import Open311Key

    Open311Key.objects.get_or_create(name="demo", defaults={"key_digest": digest(DEMO_OPEN311_KEY)})
