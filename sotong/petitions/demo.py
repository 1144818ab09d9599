"""The demo's 열린구청장실, every item marked as a sample: proposals at each stage (one collecting, one over its
threshold in 부서 검토 and overdue, one answered, one expired) with supports and comments, the mayor's intro,
messages and a schedule for the coming weeks. The demo's test identity provider is on (DEBUG)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sotong.core.workdays import SEOUL
from sotong.organisation.models import Department, Dong
from sotong.organisation.selectors import working_calendar
from sotong.petitions.choices import TOPIC_DEPARTMENTS, CommentState, Stage
from sotong.petitions.identity import identity_digest
from sotong.petitions.models import (
    Comment,
    MayorMessage,
    MayorProfile,
    Proposal,
    ProposalEvent,
    ScheduleEvent,
    Support,
)

HINTS = [
    "열린구청장실: {base}mayor/  (propose and support with the demo's test identity — any name — at "
    "{base}mayor/verify/; officers answer under 주민 제안 답변 in the back office, e.g. 'traffic.sns1' or 'mayor')",
]

PROPOSALS: list[dict[str, Any]] = [
    {
        "title": "영등포역 지하상가 출구에 엘리베이터를 설치해 주세요",
        "body": "영등포역 지하상가 3번 출구에는 계단만 있어 유모차나 휠체어를 이용하는 주민이 멀리 돌아가야 합니다. "
        "엘리베이터나 경사로 설치를 제안합니다.",
        "topic": "traffic",
        "dong": "yeongdeungpo",
        "author": "박서연",
        "stage": Stage.COLLECTING,
        "days_ago": 12,
        "supports": 37,
    },
    {
        "title": "당산공원 놀이터에 그늘막과 음수대를 설치해 주세요",
        "body": "여름이면 당산공원 놀이터에 그늘이 전혀 없어 아이들이 뜨거운 햇볕 아래에서 놉니다. 그늘막과 음수대를 "
        "설치해 주시면 좋겠습니다.",
        "topic": "parks",
        "dong": "dangsan1",
        "author": "이하은",
        "stage": Stage.REVIEW,
        "days_ago": 70,
        "threshold_days_ago": 62,
        "supports": 64,
    },
    {
        "title": "신길동 골목길 보안등을 LED로 바꿔 주세요",
        "body": "신길동 주택가 골목의 보안등이 어둡고 자주 꺼집니다. 밤길이 무섭다는 이웃이 많습니다. 밝은 LED 보안등으로 "
        "교체를 제안합니다.",
        "topic": "safety",
        "dong": "singil1",
        "author": "최민준",
        "stage": Stage.ANSWERED,
        "days_ago": 90,
        "threshold_days_ago": 80,
        "answered_days_ago": 60,
        "supports": 120,
        "interim": "현장 조사를 마쳤습니다. 교체 대상 보안등 42개를 확인했고, 예산을 확보하는 중입니다.",
        "answer": "제안해 주셔서 고맙습니다. 신길동 주택가 보안등 42개를 LED로 교체하기로 하고 추경 예산에 반영했습니다. "
        "교체 공사는 다음 달에 시작합니다.",
        "outcome_text": "보안등 42개 LED 교체 (추경 예산 반영)",
        "outcome_url": "https://www.ydp.go.kr/",
    },
    {
        "title": "여의도 한강공원 가는 길에 자전거 보관대를 늘려 주세요",
        "body": "여의나루역 주변 자전거 보관대가 부족해 인도에 자전거가 세워져 있습니다. 보관대 확충을 제안합니다.",
        "topic": "traffic",
        "dong": "yeoui",
        "author": "정유진",
        "stage": Stage.EXPIRED,
        "days_ago": 45,
        "supports": 18,
    },
]

COMMENTS = [
    (0, "한지우", "저도 유모차 때문에 늘 돌아갑니다. 꼭 필요해요!"),
    (0, "오도현", "휠체어 쓰시는 어르신들도 많이 불편해하십니다."),
    (1, "김수빈", "아이들 여름 놀이에 그늘막이 정말 필요합니다."),
    (2, "윤현우", "보안등 바뀌고 골목이 훨씬 밝아졌어요. 고맙습니다."),
]


def load_demo(*, stdout: Any, now: datetime | None = None) -> list[dict[str, str]]:
    now = now or timezone.now()
    if not Proposal.objects.filter(is_sample=True).exists():
        with transaction.atomic():
            made = [_proposal(row, now) for row in PROPOSALS]
            for index, name, body in COMMENTS:
                Comment.objects.create(
                    proposal=made[index],
                    author_name=name[0] + "*" + name[-1],
                    body=body,
                    state=CommentState.VISIBLE,
                    created_at=made[index].created_at + timedelta(days=2),
                )
    _mayor(now)
    stdout.write(
        f"열린구청장실: {Proposal.objects.count()} proposals, {MayorMessage.objects.count()} messages, "
        f"{ScheduleEvent.objects.filter(starts_at__gte=now).count()} coming events on the mayor's schedule."
    )
    return [{"hint": hint} for hint in HINTS]


def _proposal(row: dict[str, Any], now: datetime) -> Proposal:
    created = now - timedelta(days=row["days_ago"])
    department = Department.objects.get(code=TOPIC_DEPARTMENTS[row["topic"]])
    proposal = Proposal.objects.create(
        title=row["title"],
        body=row["body"],
        topic=row["topic"],
        dong=Dong.objects.filter(code=row["dong"]).first(),
        department=department,
        author_digest=identity_digest(provider="sample", subject=row["author"]),
        author_name=row["author"][0] + "*" + row["author"][-1],
        created_at=created,
        collecting_until=created + timedelta(days=settings.PETITIONS_COLLECT_DAYS),
        support_count=row["supports"],
        stage=row["stage"],
        is_sample=True,
    )
    ProposalEvent.objects.create(proposal=proposal, kind="proposed", at=created)
    Support.objects.bulk_create(
        Support(
            proposal=proposal,
            identity_digest=identity_digest(provider="sample", subject=f"{proposal.title}:{n}"),
            provider="sample",
            created_at=created + timedelta(hours=n),
            notified_version=3,
        )
        for n in range(row["supports"])
    )
    fields: dict[str, Any] = {}
    if "threshold_days_ago" in row:
        reached = now - timedelta(days=row["threshold_days_ago"])
        calendar = working_calendar()
        fields.update(
            threshold_reached_at=reached,
            interim_due=calendar.add_working_days(reached, settings.PETITIONS_INTERIM_WORKING_DAYS),
            answer_due=calendar.add_working_days(reached, settings.PETITIONS_ANSWER_WORKING_DAYS),
        )
        ProposalEvent.objects.create(proposal=proposal, kind="threshold", at=reached)
    if row["stage"] == Stage.REVIEW and fields["answer_due"] < now:
        fields["overdue_since"] = fields["answer_due"] + timedelta(minutes=15)
        ProposalEvent.objects.create(proposal=proposal, kind="overdue", at=fields["overdue_since"])
    if "interim" in row:
        interim_at = fields["threshold_reached_at"] + timedelta(days=7)
        fields.update(interim_text=row["interim"], interim_at=interim_at)
        ProposalEvent.objects.create(proposal=proposal, kind="interim", at=interim_at)
    if "answer" in row:
        answered = now - timedelta(days=row["answered_days_ago"])
        fields.update(
            answer_text=row["answer"],
            answered_at=answered,
            outcome_text=row["outcome_text"],
            outcome_url=row["outcome_url"],
        )
        ProposalEvent.objects.create(proposal=proposal, kind="answered", at=answered)
    if row["stage"] == Stage.EXPIRED:
        ProposalEvent.objects.create(proposal=proposal, kind="expired", at=proposal.collecting_until)
    fields["stage_version"] = 3
    Proposal.objects.filter(pk=proposal.pk).update(**fields)
    proposal.refresh_from_db()
    return proposal


SCHEDULE = [
    (1, 10, 90, "구정 현안 회의", "Policy meeting", "区政现案会议", "구청 기획상황실"),
    (
        2,
        14,
        120,
        "당산1동 주민과의 대화",
        "Talk with Dangsan 1-dong residents",
        "与堂山1洞居民对话",
        "당산1동 주민센터",
    ),
    (
        4,
        11,
        60,
        "영등포 전통시장 현장 방문",
        "Visit to Yeongdeungpo traditional market",
        "走访永登浦传统市场",
        "영등포전통시장",
    ),
    (
        8,
        15,
        90,
        "소통TV 생방송: 구청장에게 묻는다",
        "Sotong TV live: Ask the mayor",
        "沟通TV直播：问区厅长",
        "구청 스튜디오",
    ),
    (
        11,
        10,
        60,
        "어르신 무더위쉼터 점검",
        "Inspection of cooling centres",
        "检查老年人避暑中心",
        "신길5동 경로당",
    ),
    (15, 14, 120, "주민참여예산 총회", "Participatory budgeting assembly", "居民参与预算大会", "구청 대강당"),
    (
        22,
        10,
        90,
        "여의도 안전 합동 점검",
        "Joint safety inspection in Yeouido",
        "汝矣岛安全联合检查",
        "여의도 한강공원",
    ),
]


def _mayor(now: datetime) -> None:
    MayorProfile.objects.get_or_create(
        defaults={
            "name_ko": "김영등 (예시)",
            "name_en": "Kim Yeong-deung (sample)",
            "name_zh": "金永登（示例）",
            "intro_ko": "주민의 목소리를 가장 먼저 듣는 구청장이 되겠습니다. 제안해 주시면 기한 안에 답하겠습니다.\n\n"
            "(데모용 예시 소개입니다.)",
            "intro_en": "I will be the mayor who hears residents first. Propose, and we will answer on time.\n\n(A sample for the demo.)",
            "intro_zh": "我将做最先倾听居民声音的区厅长。请提出建议，我们会按期答复。\n\n（演示用示例。）",
            "is_sample": True,
        }
    )
    if not MayorMessage.objects.filter(is_sample=True).exists():
        for days, title_ko, title_en, body_ko in (
            (
                40,
                "새해 인사 (예시)",
                "New Year greetings (sample)",
                "주민 여러분, 새해 복 많이 받으십시오. 올해도 주민과 함께하겠습니다.",
            ),
            (
                10,
                "열린구청장실을 새로 엽니다 (예시)",
                "The Open Mayor's Office opens (sample)",
                "이제 누구나 제안하고, 공감이 모이면 구청이 기한 안에 답합니다.",
            ),
            (
                2,
                "여름철 폭염 대비 안내 (예시)",
                "Getting ready for the summer heat (sample)",
                "무더위쉼터를 늘리고 어르신 안부 확인을 강화합니다.",
            ),
        ):
            MayorMessage.objects.create(
                title_ko=title_ko,
                title_en=title_en,
                body_ko=body_ko,
                published_at=now - timedelta(days=days),
                is_sample=True,
            )
    if not ScheduleEvent.objects.filter(is_sample=True, starts_at__gte=now).exists():
        today = timezone.localdate(now)
        for days, hour, minutes, title_ko, title_en, title_zh, place in SCHEDULE:
            starts = datetime.combine(today + timedelta(days=days), time(hour), tzinfo=SEOUL)
            ScheduleEvent.objects.create(
                title_ko=f"{title_ko} (예시)",
                title_en=f"{title_en} (sample)",
                title_zh=f"{title_zh}（示例）",
                place=place,
                starts_at=starts,
                ends_at=starts + timedelta(minutes=minutes),
                is_sample=True,
            )
