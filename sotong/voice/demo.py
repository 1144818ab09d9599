"""The demo district's voice: service categories, reply templates and a few months of cases from every
channel — answered, in progress, overdue, duplicates — so inboxes, tracking pages and statistics have
something real to show. Texts come from the training part of the corpus (never the held-out part)."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from sotong.organisation.models import Department, Dong
from sotong.organisation.selectors import officers_of
from sotong.voice.choices import Status
from sotong.voice.loading import load_categories
from sotong.voice.models import Case, CaseMessage, ReplyTemplate
from sotong.voice.routing import data
from sotong.voice.services.handling import case_reply, case_take
from sotong.voice.services.intake import Submission, case_receive
from sotong.voice.services.routing import case_route

DEMO_CASES = 160

TEMPLATES = [
    (None, "접수 확인", "말씀하신 내용을 확인했습니다. 현장을 확인한 뒤 결과를 다시 알려 드리겠습니다."),
    (
        None,
        "처리 완료",
        "알려 주신 곳을 현장 확인하고 조치를 마쳤습니다. 불편을 드려 죄송합니다. 소중한 의견 감사합니다.",
    ),
    ("roads", "보도 보수 예정", "보도 파손 부분은 안전 조치를 마쳤고, 보수 공사는 3일 안에 마칠 예정입니다."),
    (
        "parking",
        "주정차 단속",
        "해당 구역에 단속 요원을 보내 계도·단속했습니다. 상습 구역으로 지정해 순찰을 늘리겠습니다.",
    ),
]

ANSWERS = [
    "현장을 확인하고 조치를 마쳤습니다. 알려 주셔서 감사합니다.",
    "담당 직원이 현장을 점검했고, 이번 주 안에 정비할 예정입니다.",
    "문의하신 내용은 구청 누리집 안내 페이지와 같이 처리됩니다. 추가로 궁금하시면 부서로 연락 주세요.",
    "좋은 제안 감사합니다. 내년 사업 계획을 세울 때 검토하겠습니다.",
    "불편을 드려 죄송합니다. 관련 업체에 시정을 요구했고 결과를 확인하겠습니다.",
]


@transaction.atomic
def load_demo(*, stdout: Any) -> list[dict[str, str]]:
    changed = load_categories()
    stdout.write(f"Service categories: {changed} created or updated.")
    for code, title, body in TEMPLATES:
        department = Department.objects.filter(code=code).first() if code else None
        ReplyTemplate.objects.get_or_create(department=department, title=title, defaults={"body": body})
    _open311_key()
    if not Case.objects.filter(external_id__startswith="demo-").exists():
        created = _cases()
        stdout.write(f"Demo cases: {created} (answered, open, overdue and duplicates).")
    return [{"hint": hint} for hint in HINTS]


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
    from sotong.core.crypto import digest
    from sotong.voice.models import Open311Key

    Open311Key.objects.get_or_create(name="demo", defaults={"key_digest": digest(DEMO_OPEN311_KEY)})


def _cases() -> int:
    rng = random.Random(20261126)  # noqa: S311 - demo data, not security
    training, _held_out = data.split()
    rows = [e for e in training if e.source == "corpus"]
    rng.shuffle(rows)
    dongs = list(Dong.objects.all())
    departments = {d.code: d for d in Department.objects.all()}
    now = timezone.now()
    count = 0
    for n, example in enumerate(rows[:DEMO_CASES]):
        age = timedelta(days=rng.uniform(0, 60), hours=rng.uniform(0, 10))
        dong = rng.choice(dongs)
        jitter = Decimal(str(round(rng.uniform(-0.004, 0.004), 6)))
        case, _ = case_receive(
            submission=Submission(
                channel=rng.choice(["web", "kakao", "open311", "email", "web"]),
                external_id=f"demo-{n}",
                text=example.text,
                kind=example.kind,
                dong=dong,
                lat=dong.lat + jitter,
                lon=dong.lon - jitter,
                consent_publish=rng.random() < 0.6,
                received_at=now - age,
            )
        )
        # The demo's history is as if routing had been right; officers then answered most cases.
        case_route(case=case)
        case.refresh_from_db()
        if case.department is None or case.department.code != example.department:
            case.department = departments[example.department]
            case.status = Status.ASSIGNED
            case.officer = officers_of(department=case.department).get("primary")
            case.save(update_fields=["department", "status", "officer"])
        # The acknowledgement went out minutes after receipt, as it does live.
        acknowledged = case.received_at + timedelta(minutes=rng.uniform(0.2, 5))
        Case.objects.filter(pk=case.pk).update(first_responded_at=acknowledged, routed_at=acknowledged)
        CaseMessage.objects.filter(case=case, purpose=CaseMessage.Purpose.ACKNOWLEDGEMENT).update(
            created_at=acknowledged
        )
        officer = case.officer or officers_of(department=case.department).get("primary")
        if officer is None:
            continue
        roll = rng.random()
        if age > timedelta(days=2) and roll < 0.8:
            case_reply(case=case, body=rng.choice(ANSWERS), by=officer)
            answered_at = case.received_at + timedelta(hours=rng.uniform(0.5, 24 * 6))
            Case.objects.filter(pk=case.pk).update(answered_at=answered_at)
            CaseMessage.objects.filter(case=case, purpose=CaseMessage.Purpose.ANSWER).update(
                created_at=answered_at
            )
        elif roll < 0.9:
            case_take(case=case, by=officer)
        count += 1
    return count
