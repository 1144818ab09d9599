"""The producer's hand on a broadcast: end it (the encoder may still be connected: the public page
says it ended and the ingest refuses the key from then on; its recording becomes the VOD) or cancel one that
has not begun."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sotong.accounts.models import User
from sotong.core.audit import audit_record
from sotong.tv.choices import BroadcastState
from sotong.tv.models import Broadcast
from sotong.tv.services.health import signal_given_up
from sotong.tv.services.recordings import recording_close


@transaction.atomic
def broadcast_end(broadcast: Broadcast, *, by: User | None) -> Broadcast:
    broadcast = Broadcast.objects.select_for_update().get(pk=broadcast.pk)
    if broadcast.state != BroadcastState.LIVE:
        raise ValidationError(_("생방송 중인 방송만 끝낼 수 있습니다."))
    broadcast.state = BroadcastState.ENDED
    broadcast.ended_at = timezone.now()
    broadcast.publishing = False
    broadcast.save(update_fields=["state", "ended_at", "publishing", "updated_at"])
    audit_record(action="tv.broadcast_ended", actor=by, target=broadcast)
    signal_given_up(broadcast_id=broadcast.pk)  # ended without its signal: the loss is closed with it
    recording_close(broadcast=broadcast)
    return broadcast


@transaction.atomic
def broadcast_cancel(broadcast: Broadcast, *, by: User) -> Broadcast:
    broadcast = Broadcast.objects.select_for_update().get(pk=broadcast.pk)
    if broadcast.state != BroadcastState.SCHEDULED:
        raise ValidationError(_("아직 시작하지 않은 방송만 취소할 수 있습니다."))
    broadcast.state = BroadcastState.CANCELLED
    broadcast.save(update_fields=["state", "updated_at"])
    audit_record(action="tv.broadcast_cancelled", actor=by, target=broadcast)
    return broadcast


def end_overrun_broadcasts() -> int:
    """End the live broadcasts whose encoder is gone and whose planned end (plus the late window) has
    passed: a producer who forgot to press 종료 does not leave the page saying 'live' for ever."""
    from sotong.tv.services.ingest import publish_window

    _, late = publish_window()
    ended = 0
    stale = Broadcast.objects.filter(
        state=BroadcastState.LIVE, publishing=False, ends_at__lt=timezone.now() - late
    ).values_list("pk", flat=True)
    for pk in stale:
        broadcast_end(Broadcast(pk=pk), by=None)
        ended += 1
    return ended
