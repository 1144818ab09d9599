"""A live broadcast's signal (decision 0079), as `sotong tv` reports it, or nginx's callbacks in the scaled shape:
lost (the fallback slate went on air; with nginx, the encoder dropped and nothing fills the gap), back (the
encoder's picture returned) or given up (no encoder came back within the grace period, or the broadcast ended
on the slate). Each change is recorded, audited and pushed to the studio's desk and control page and to the
viewers' player; a loss also reaches the producers by e-mail (the outbox) and as a back-office notification."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sotong.accounts.roles import Role
from sotong.connectors.outbox import delivery_enqueue
from sotong.core.audit import audit_record
from sotong.core.events import send_event_on_commit
from sotong.core.notifications import notify_staff
from sotong.organisation.selectors import staff_with_role
from sotong.tv.choices import BroadcastState
from sotong.tv.models import Broadcast, SignalLoss
from sotong.tv.services.chat import moderators_group, viewers_group

logger = logging.getLogger(__name__)


def signal_loss_open(*, broadcast_id: int) -> SignalLoss | None:
    return SignalLoss.objects.filter(
        broadcast_id=broadcast_id, recovered_at__isnull=True, gave_up_at__isnull=True
    ).first()


def signal_status(loss: SignalLoss | None) -> str:
    """What the desk and the control page say while the slate is on air ('' when the signal is fine)."""
    if loss is None or not loss.is_open:
        return ""
    since = timezone.localtime(loss.started_at).strftime("%H:%M:%S")
    if not loss.slate:
        return _("신호 끊김 — 인코더 재연결을 기다리는 중 (%(since)s부터)") % {"since": since}
    return _("신호 끊김 — 슬레이트 송출 중 (%(since)s부터)") % {"since": since}


def _announce(loss: SignalLoss, state: str, text: str) -> None:
    send_event_on_commit(
        moderators_group(loss.broadcast_id),
        {
            "type": "signal",
            "state": state,
            "text": text,
            "cause": loss.cause,
            "since": loss.started_at.isoformat(),
        },
    )
    # Viewers are told too (the player says it in their language, and screen readers hear what the slate shows);
    # without a slate the player also covers the frozen picture.
    send_event_on_commit(
        viewers_group(loss.broadcast_id), {"type": "signal", "state": state, "slate": loss.slate}
    )


def _producers(broadcast: Broadcast) -> list[Any]:
    people = {user.pk: user for user in staff_with_role(role=Role.BROADCASTER)}
    issuer = broadcast.stream_key_issued_by
    if issuer is not None and issuer.is_active:
        people.setdefault(issuer.pk, issuer)
    return list(people.values())


def _alert(broadcast: Broadcast, loss: SignalLoss) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        since = timezone.localtime(loss.started_at).strftime("%H:%M:%S")
        subject = _("[소통TV] 신호 끊김: %(title)s") % {"title": broadcast.title_ko}
        url = reverse("tv_admin:control", kwargs={"pk": broadcast.pk})
        if loss.slate:
            text = _(
                "'%(title)s' 방송의 송출 신호가 %(since)s부터 끊겼습니다 (%(cause)s). 시청자에게는 "
                "안내 화면(슬레이트)이 나가고 있습니다.\n\n인코더(OBS)가 같은 송출 키로 다시 연결하면 방송이 "
                "이어집니다. %(grace)d초 안에 돌아오지 않으면 송출이 멈춥니다.\n\n방송 진행: %(url)s"
            )
        else:
            text = _(
                "'%(title)s' 방송의 송출 신호가 %(since)s부터 끊겼습니다 (%(cause)s). 시청자의 플레이어에는 "
                "신호가 끊겼다는 안내가 나가고 있습니다.\n\n인코더(OBS)가 같은 송출 키로 다시 연결하면 방송이 "
                "이어집니다. %(grace)d초 안에 돌아오지 않으면 끊김으로 기록을 닫습니다.\n\n방송 진행: %(url)s"
            )
        text = text % {
            "title": broadcast.title_ko,
            "since": since,
            "cause": loss.get_cause_display(),
            "grace": settings.TV_RECONNECT_GRACE_SECONDS,
            "url": url,
        }
        for user in _producers(broadcast):
            notify_staff(user=user, title=subject, body=signal_status(loss), url=url, level="warning")
            email = getattr(user, "email", "")
            if email:
                delivery_enqueue(
                    channel="email",
                    idempotency_key=f"tv-signal-lost:{loss.pk}:{user.pk}",
                    recipient=email,
                    subject=subject,
                    payload={"subject": subject, "text": text},
                )


@transaction.atomic
def signal_lost(
    *, broadcast_id: int, cause: str, at: datetime | None = None, slate: bool = True
) -> SignalLoss | None:
    """The slate went on air for a live broadcast (``slate=False``: nginx's encoder dropped and nothing fills the
    gap). One loss stays open until the signal is back: a second report (stalled, then dropped) changes nothing."""
    broadcast = (
        Broadcast.objects.select_for_update(of=("self",))
        .select_related("stream_key_issued_by")
        .filter(pk=broadcast_id)
        .first()
    )
    if broadcast is None or broadcast.state != BroadcastState.LIVE:
        return None
    if (open_loss := signal_loss_open(broadcast_id=broadcast_id)) is not None:
        return open_loss
    loss = SignalLoss.objects.create(
        broadcast=broadcast, cause=cause, started_at=at or timezone.now(), slate=slate
    )
    audit_record(action="tv.signal_lost", target=broadcast, detail={"cause": cause, "loss": loss.pk})
    _announce(loss, "lost", signal_status(loss))
    _alert(broadcast, loss)
    logger.warning("Signal lost on broadcast %s (%s), slate on air: %s", broadcast_id, cause, slate)
    return loss


def _close(
    broadcast_id: int, field: str, at: datetime | None, action: str, text: str, no_slate_text: str = ""
) -> SignalLoss | None:
    """Close the open loss (``no_slate_text``, if given, is said instead where no slate was on air)."""
    loss = (
        SignalLoss.objects.select_for_update()
        .filter(broadcast_id=broadcast_id, recovered_at__isnull=True, gave_up_at__isnull=True)
        .first()
    )
    if loss is None:
        return None
    setattr(loss, field, at or timezone.now())
    loss.save(update_fields=[field])
    seconds = round((getattr(loss, field) - loss.started_at).total_seconds())
    audit_record(
        action=action,
        target=loss.broadcast,
        detail={"loss": loss.pk, "seconds": seconds, "cause": loss.cause},
    )
    said = no_slate_text if no_slate_text and not loss.slate else text
    _announce(loss, "back" if field == "recovered_at" else "gave_up", said % {"seconds": seconds})
    return loss


@transaction.atomic
def signal_back(*, broadcast_id: int, at: datetime | None = None) -> SignalLoss | None:
    """The encoder's picture is on air again."""
    loss = _close(
        broadcast_id,
        "recovered_at",
        at,
        "tv.signal_back",
        _("신호 복구 — 생방송으로 돌아왔습니다 (%(seconds)s초 끊김)."),
    )
    if loss is not None:
        url = reverse("tv_admin:control", kwargs={"pk": broadcast_id})
        for user in _producers(loss.broadcast):
            notify_staff(
                user=user,
                title=_("[소통TV] 신호 복구: %(title)s") % {"title": loss.broadcast.title_ko},
                url=url,
            )
    return loss


@transaction.atomic
def signal_given_up(*, broadcast_id: int, at: datetime | None = None) -> SignalLoss | None:
    """No encoder came back within the grace period (or the broadcast ended on the slate): the slate is off and
    the playlists end. The broadcast itself stays as it is: live without a signal until the producer ends it."""
    return _close(
        broadcast_id,
        "gave_up_at",
        at,
        "tv.signal_given_up",
        _(
            "신호가 돌아오지 않아 슬레이트 송출을 멈췄습니다 (%(seconds)s초 끊김). 인코더가 다시 연결하면 방송이 이어집니다."
        ),
        no_slate_text=_(
            "신호가 돌아오지 않았습니다 (%(seconds)s초 끊김). 인코더가 다시 연결하면 방송이 이어집니다."
        ),
    )


def give_up_waiting_signals(*, now: datetime | None = None) -> int:
    """The scaled shape's grace period: nginx has no slate to stop, so the scheduler closes the losses it opened
    once no encoder came back within TV_RECONNECT_GRACE_SECONDS (`sotong tv` watches its own)."""
    since = (now or timezone.now()) - timedelta(seconds=settings.TV_RECONNECT_GRACE_SECONDS)
    waiting = SignalLoss.objects.filter(
        slate=False, recovered_at__isnull=True, gave_up_at__isnull=True, started_at__lte=since
    ).values_list("broadcast_id", flat=True)
    return sum(1 for pk in list(waiting) if signal_given_up(broadcast_id=pk, at=now) is not None)


def signal_grace_expired(*, broadcast_id: int, now: datetime | None = None) -> bool:
    """The open loss of a broadcast whose encoder is gone has outlasted the grace period."""
    loss = signal_loss_open(broadcast_id=broadcast_id)
    if loss is None:
        return False
    waited = ((now or timezone.now()) - loss.started_at).total_seconds()
    return waited >= settings.TV_RECONNECT_GRACE_SECONDS
