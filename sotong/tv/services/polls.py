"""Live polls of a broadcast: the producer prepares one on the desk, opens it (one open poll at a time),
viewers vote once per device, everyone sees the results as they come (at most every two seconds, so
a thousand votes are not a thousand messages to every viewer), the producer closes it."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from sotong.core.audit import audit_record
from sotong.core.events import send_event_on_commit
from sotong.tv.choices import PollState
from sotong.tv.models import Broadcast, Poll, PollOption, PollVote
from sotong.tv.services.chat import ChatRefused, clean_text, viewers_group

MAX_OPTIONS = 6


def public_poll(poll: Poll) -> dict[str, Any]:
    options = list(poll.options.all())
    total = sum(option.votes for option in options)
    return {
        "id": poll.pk,
        "question": poll.question,
        "state": poll.state,
        "total": total,
        "options": [
            {
                "id": option.pk,
                "label": option.label,
                "votes": option.votes,
                "percent": round(100 * option.votes / total) if total else 0,
            }
            for option in options
        ],
    }


@transaction.atomic
def poll_create(*, broadcast: Broadcast, question: str, options: list[str], by: Any) -> Poll:
    question = clean_text(question)
    labels = [clean_text(label)[:80] for label in options if clean_text(label)]
    if not question or len(question) > 200:
        raise ChatRefused("poll_question", _("투표 질문을 200자 안으로 써 주세요."))
    if not 2 <= len(labels) <= MAX_OPTIONS or len(set(labels)) != len(labels):
        raise ChatRefused("poll_options", _("보기는 서로 다른 2개에서 6개까지 한 줄에 하나씩 써 주세요."))
    poll = Poll.objects.create(broadcast=broadcast, question=question, created_by=by)
    PollOption.objects.bulk_create(
        [PollOption(poll=poll, label=label, sort_order=number) for number, label in enumerate(labels)]
    )
    audit_record(action="tv.poll.create", actor=by, target=broadcast, detail={"poll": poll.pk})
    return poll


@transaction.atomic
def poll_open(*, poll: Poll, by: Any) -> Poll:
    if poll.state != PollState.DRAFT:
        raise ChatRefused("poll_state", _("준비 중인 투표만 시작할 수 있습니다."))
    for other in Poll.objects.filter(broadcast_id=poll.broadcast_id, state=PollState.OPEN):
        poll_close(poll=other, by=by)
    poll.state, poll.opened_at = PollState.OPEN, timezone.now()
    poll.save(update_fields=["state", "opened_at"])
    audit_record(action="tv.poll.open", actor=by, target=poll.broadcast, detail={"poll": poll.pk})
    send_event_on_commit(viewers_group(poll.broadcast_id), {"type": "poll", "poll": public_poll(poll)})
    return poll


@transaction.atomic
def poll_close(*, poll: Poll, by: Any) -> Poll:
    if poll.state != PollState.OPEN:
        return poll
    poll.state, poll.closed_at = PollState.CLOSED, timezone.now()
    poll.save(update_fields=["state", "closed_at"])
    audit_record(action="tv.poll.close", actor=by, target=poll.broadcast, detail={"poll": poll.pk})
    send_event_on_commit(viewers_group(poll.broadcast_id), {"type": "poll", "poll": public_poll(poll)})
    return poll


def poll_vote(*, poll_id: int, option_id: int, device_digest: str) -> bool:
    """One vote per device in an open poll; False when this device has voted already."""
    option = PollOption.objects.select_related("poll").filter(pk=option_id, poll_id=poll_id).first()
    if option is None or option.poll.state != PollState.OPEN:
        raise ChatRefused("poll_closed", _("지금 진행 중인 투표가 아닙니다."))
    try:
        with transaction.atomic():
            PollVote.objects.create(poll_id=poll_id, option=option, device_digest=device_digest)
            PollOption.objects.filter(pk=option.pk).update(votes=F("votes") + 1)
    except IntegrityError:
        return False
    return True


def device_vote(poll_id: int, device_digest: str) -> int | None:
    return (
        PollVote.objects.filter(poll_id=poll_id, device_digest=device_digest)
        .values_list("option_id", flat=True)
        .first()
    )


def open_poll(broadcast_id: int) -> Poll | None:
    return (
        Poll.objects.filter(broadcast_id=broadcast_id, state=PollState.OPEN)
        .prefetch_related("options")
        .first()
    )
