"""Telling supporters what happened to the proposals they support: one message per person and channel
listing every change since they last heard (a daily digest by default, PETITIONS_NOTIFY), through the outbox.

A support is claimed by moving its ``notified_version`` with a conditional update before its message is
queued, and the delivery's idempotency key names exactly the changes it tells, so a change is told once."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from sotong.connectors.outbox import delivery_enqueue
from sotong.petitions.choices import NotifyChannel
from sotong.petitions.models import Support


def _absolute(path: str) -> str:
    return f"{str(settings.SITE_URL).rstrip('/')}{path}"


def _line(support: Support) -> str:
    proposal = support.proposal
    stage = proposal.get_stage_display()
    line = _("'%(title)s' 제안: %(stage)s") % {"title": proposal.title, "stage": stage}
    if proposal.overdue_days:
        line += " — " + _("답변 기한 %(days)d일 지남") % {"days": proposal.overdue_days}
    elif proposal.interim_at and proposal.stage == "review":
        line += " — " + _("중간 안내가 있습니다")
    with translation.override(support.language):
        url = _absolute(reverse("petitions:proposal", kwargs={"pk": proposal.pk}))
    return f"{line}\n{url}"


def send_digests() -> int:
    """Queue one message per supporter contact that has changes to hear of; returns how many were queued."""
    due = (
        Support.objects.select_related("proposal")
        .exclude(channel=NotifyChannel.NONE)
        .filter(notified_version__lt=F("proposal__stage_version"))
        .order_by("pk")[:5000]
    )
    groups: dict[tuple[str, str, str], list[Support]] = defaultdict(list)
    for support in due:
        groups[(support.channel, support.contact, support.language)].append(support)
    sent = 0
    for (channel, contact, language), supports in groups.items():
        with transaction.atomic():
            claimed = [
                support
                for support in supports
                if Support.objects.filter(pk=support.pk, notified_version=support.notified_version).update(
                    notified_version=support.proposal.stage_version
                )
            ]
            if not claimed:
                continue
            told = ",".join(f"{s.pk}:{s.proposal.stage_version}" for s in claimed)
            key = "petitions-digest:" + hashlib.sha256(told.encode()).hexdigest()[:40]
            with translation.override(language):
                _queue(channel=channel, contact=contact, supports=claimed, key=key)
            sent += 1
    return sent


def _queue(*, channel: str, contact: str, supports: list[Support], key: str) -> None:
    district = settings.SOTONG_DISTRICT_NAME
    title = _("[%(district)s 열린구청장실] 공감하신 제안의 진행 상황") % {"district": district}
    lines = [_line(support) for support in supports]
    if channel == NotifyChannel.WEBPUSH:
        subscription: dict[str, Any] = json.loads(contact)
        first = supports[0].proposal
        delivery_enqueue(
            channel="webpush",
            idempotency_key=key,
            recipient=subscription["endpoint"],
            payload={
                **subscription,
                "message": {
                    "title": title,
                    "body": "\n".join(line.split("\n")[0] for line in lines),
                    "url": _absolute(reverse("petitions:proposal", kwargs={"pk": first.pk})),
                    "tag": f"petitions-{first.pk}",
                },
                "ttl": 86400,
                "urgency": "low",
            },
        )
        return
    text = "\n\n".join(lines)
    if channel == NotifyChannel.SMS:
        delivery_enqueue(
            channel="sms",
            idempotency_key=key,
            recipient=contact,
            payload={"text": f"{title}\n{text}", "purpose": "status"},
        )
        return
    delivery_enqueue(
        channel="email",
        idempotency_key=key,
        recipient=contact,
        subject=title,
        payload={
            "subject": title,
            "text": text + "\n\n" + _("공감하실 때 알림을 신청하셔서 보내 드립니다."),
        },
    )
