""" "Remind me" for a coming broadcast: by this browser's Web Push (the permission is the consent) or by
e-mail (confirmed by a link first), through the subscription machinery the site shares
(``connectors.subscriptions``) and the outbox. Each reminder is sent once, a few minutes before the
broadcast starts (or as it goes live, if earlier); cancelled by its token."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sotong.connectors.outbox import delivery_enqueue
from sotong.connectors.subscriptions import (
    SubscriptionInvalid,
    confirmation_token,
    confirmed_secret,
    language_of,
    normalise_contact,
    push_subscription,
)
from sotong.core.crypto import digest
from sotong.core.i18n import localised
from sotong.tv.choices import BroadcastState
from sotong.tv.models import Broadcast, Reminder

CONFIRM_SALT = "sotong.tv.reminder-confirm"
REMIND_BEFORE = timedelta(minutes=10)


def _remindable(broadcast: Broadcast) -> None:
    if broadcast.state != BroadcastState.SCHEDULED or broadcast.starts_at <= timezone.now():
        raise SubscriptionInvalid(_("곧 시작하거나 이미 시작한 방송에는 알림을 신청할 수 없습니다."))


@transaction.atomic
def reminder_webpush(*, broadcast: Broadcast, subscription: object, language: object = "ko") -> Reminder:
    _remindable(broadcast)
    endpoint, p256dh, auth = push_subscription(subscription)
    reminder, _created = Reminder.objects.select_for_update().get_or_create(
        broadcast=broadcast,
        contact_digest=digest(f"webpush:{endpoint}"),
        defaults={"channel": Reminder.Channel.WEBPUSH},
    )
    reminder.endpoint, reminder.p256dh, reminder.auth = endpoint, p256dh, auth
    reminder.language, reminder.confirmed = language_of(language), True
    reminder.save(update_fields=["endpoint", "p256dh", "auth", "language", "confirmed"])
    return reminder


@transaction.atomic
def reminder_email(*, broadcast: Broadcast, email: object, language: object = "ko") -> Reminder:
    """An unconfirmed reminder and its confirmation e-mail; asking again before confirming sends it again.
    The answer is the same whether the address had asked before, so nobody learns who did."""
    _remindable(broadcast)
    address = normalise_contact("email", email)
    reminder, _created = Reminder.objects.select_for_update().get_or_create(
        broadcast=broadcast,
        contact_digest=digest(f"email:{address}"),
        defaults={"channel": Reminder.Channel.EMAIL, "contact": address},
    )
    if reminder.confirmed:
        return reminder
    reminder.language = language_of(language)
    reminder.save(update_fields=["language"])
    with translation.override(reminder.language):
        title = localised(broadcast, "title")
        subject = _("[%(district)s 소통TV] 방송 알림 신청을 확인해 주세요") % {
            "district": settings.SOTONG_DISTRICT_NAME
        }
        text = _(
            "'%(title)s' 방송이 시작할 때 이 주소로 알려 드리려면 아래 링크를 열어 확인해 주세요.\n\n%(url)s\n\n"
            "신청하지 않으셨다면 이 메일을 무시하세요. 확인하지 않으면 알림을 보내지 않습니다."
        ) % {"title": title, "url": _absolute(reverse("tv:remind_confirm", args=[_confirmation(reminder)]))}
    stamp = timezone.now().strftime("%Y%m%d%H%M")
    delivery_enqueue(
        channel="email",
        idempotency_key=f"tv-remind-confirm:{reminder.pk}:{stamp}",
        recipient=address,
        subject=subject,
        payload={"subject": subject, "text": text},
    )
    return reminder


def _confirmation(reminder: Reminder) -> str:
    return confirmation_token(str(reminder.token), salt=CONFIRM_SALT)


def _absolute(path: str) -> str:
    return f"{str(settings.SITE_URL).rstrip('/')}{path}"


def reminder_confirm(*, token: str) -> Reminder:
    secret = confirmed_secret(token, salt=CONFIRM_SALT)
    reminder = Reminder.objects.select_related("broadcast").filter(token=secret).first()
    if reminder is None:
        raise SubscriptionInvalid(_("확인 링크가 올바르지 않거나 기한이 지났습니다. 다시 신청해 주세요."))
    if not reminder.confirmed:
        reminder.confirmed = True
        reminder.save(update_fields=["confirmed"])
    return reminder


def reminder_cancel(*, token: str) -> bool:
    try:
        deleted, _ = Reminder.objects.filter(token=token).delete()
    except (ValueError, TypeError):  # not a UUID
        return False
    return bool(deleted)


def send_due_reminders(*, now: Any = None) -> int:
    """Send every confirmed reminder whose broadcast starts within ``REMIND_BEFORE`` (or is live); once."""
    now = now or timezone.now()
    due = Reminder.objects.select_related("broadcast", "broadcast__show").filter(
        confirmed=True,
        sent_at__isnull=True,
        broadcast__state__in=[BroadcastState.SCHEDULED, BroadcastState.LIVE],
        broadcast__starts_at__lte=now + REMIND_BEFORE,
        broadcast__ends_at__gt=now,
    )
    sent = 0
    for reminder in due[:5000]:
        with transaction.atomic():
            claimed = Reminder.objects.filter(pk=reminder.pk, sent_at__isnull=True).update(sent_at=now)
            if not claimed:
                continue
            _deliver(reminder)
            sent += 1
    return sent


def _deliver(reminder: Reminder) -> None:
    broadcast = reminder.broadcast
    with translation.override(reminder.language):
        title = localised(broadcast, "title")
        show = localised(broadcast.show, "title")
        when = timezone.localtime(broadcast.starts_at).strftime("%H:%M")
        heading = _("소통TV %(time)s 방송 시작: %(show)s") % {"time": when, "show": show}
        url = _absolute(reverse("tv:broadcast", kwargs={"pk": broadcast.pk}))
        cancel = _absolute(reverse("tv:remind_cancel", args=[str(reminder.token)]))
        if reminder.channel == Reminder.Channel.WEBPUSH:
            delivery_enqueue(
                channel="webpush",
                idempotency_key=f"tv-remind:{reminder.pk}",
                recipient=reminder.endpoint,
                payload={
                    "endpoint": reminder.endpoint,
                    "p256dh": reminder.p256dh,
                    "auth": reminder.auth,
                    "message": {"title": heading, "body": title, "url": url, "tag": f"tv-{broadcast.pk}"},
                    "ttl": 1800,
                    "urgency": "normal",
                },
            )
        else:
            text = _(
                "'%(title)s' 방송이 곧 시작합니다.\n\n보러 가기: %(url)s\n\n이 알림은 한 번만 보냅니다. 취소: %(cancel)s"
            ) % {
                "title": title,
                "url": url,
                "cancel": cancel,
            }
            delivery_enqueue(
                channel="email",
                idempotency_key=f"tv-remind:{reminder.pk}",
                recipient=reminder.contact,
                subject=heading,
                payload={"subject": heading, "text": text},
            )
