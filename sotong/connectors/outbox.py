"""The outbox: every message that leaves Sotong is a Delivery row first, then a task sends it.

Retries back off (1, 2, 4 … minutes, at most MAX_ATTEMPTS tries); a permanent failure or the last
failed try leaves the delivery FAILED for staff to see. A delivery is claimed with a conditional
update, so two workers never send it twice.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from sotong.connectors.base import DeliveryError, Held
from sotong.connectors.models import Delivery
from sotong.connectors.registry import adapter_for
from sotong.core.crypto import digest
from sotong.core.queue import enqueue_on_commit

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
# A delivery stuck in SENDING this long (its worker died) is tried again.
STALE_SENDING = timedelta(minutes=10)


def delivery_enqueue(
    *, channel: str, idempotency_key: str, recipient: str = "", payload: dict[str, Any], subject: str = ""
) -> Delivery:
    """Create the delivery (once per idempotency key) and send it after the transaction commits."""
    delivery, created = Delivery.objects.get_or_create(
        idempotency_key=idempotency_key,
        defaults={
            "channel": channel,
            "recipient": recipient,
            "recipient_digest": digest(f"{channel}:{recipient}") if recipient else "",
            "payload": payload,
            "subject": subject,
        },
    )
    if created:
        enqueue_on_commit(deliver, delivery_id=delivery.pk)
    return delivery


def _backoff(attempts: int) -> timedelta:
    return timedelta(minutes=2 ** max(0, attempts - 1))


def delivery_send(*, delivery_id: int) -> Delivery:
    now = timezone.now()
    claimed = (
        Delivery.objects.filter(pk=delivery_id)
        .filter(
            Q(status__in=[Delivery.Status.PENDING, Delivery.Status.RETRYING])
            | Q(status=Delivery.Status.SENDING, next_attempt_at__lt=now - STALE_SENDING)
        )
        .update(status=Delivery.Status.SENDING, next_attempt_at=now)
    )
    delivery = Delivery.objects.get(pk=delivery_id)
    if not claimed:
        return delivery  # sent already, failed for good, or another worker has it
    adapter = adapter_for(delivery.channel)
    delivery.attempts += 1
    try:
        if adapter is None or not adapter.is_enabled():
            raise DeliveryError(f"the {delivery.channel} channel is not enabled", permanent=True)
        external_id = adapter.send(delivery)
    except Held:
        delivery.status = Delivery.Status.HELD
        delivery.next_attempt_at = None
    except DeliveryError as exc:
        delivery.last_error = str(exc)[:500]
        if exc.permanent or delivery.attempts >= MAX_ATTEMPTS:
            delivery.status = Delivery.Status.FAILED
            delivery.next_attempt_at = None
        else:
            delivery.status = Delivery.Status.RETRYING
            delivery.next_attempt_at = timezone.now() + _backoff(delivery.attempts)
        logger.warning("delivery %s failed (%s): %s", delivery.pk, delivery.status, exc)
    except Exception as exc:
        # An unexpected error is treated as temporary: the bug gets fixed, the message still goes.
        delivery.last_error = f"{type(exc).__name__}: {exc}"[:500]
        delivery.status = (
            Delivery.Status.RETRYING if delivery.attempts < MAX_ATTEMPTS else Delivery.Status.FAILED
        )
        delivery.next_attempt_at = timezone.now() + _backoff(delivery.attempts)
        logger.exception("delivery %s raised", delivery.pk)
    else:
        delivery.status = Delivery.Status.SENT
        delivery.external_id = external_id[:200]
        delivery.sent_at = timezone.now()
        delivery.last_error = ""
        delivery.next_attempt_at = None
    delivery.save(
        update_fields=["status", "attempts", "last_error", "next_attempt_at", "external_id", "sent_at"]
    )
    return delivery


def held_for(*, channel: str, recipient: str) -> list[Delivery]:
    """Deliveries waiting for this person's next visit on the channel, oldest first."""
    return list(
        Delivery.objects.filter(
            channel=channel, status=Delivery.Status.HELD, recipient_digest=digest(f"{channel}:{recipient}")
        ).order_by("created_at")
    )


def delivery_handed_over(*, delivery: Delivery) -> None:
    """A held delivery was shown to the resident on their visit."""
    Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.HELD).update(
        status=Delivery.Status.SENT, sent_at=timezone.now()
    )


def delivery_retry(*, delivery: Delivery) -> Delivery:
    """Staff asked to try a failed delivery again."""
    Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.FAILED).update(
        status=Delivery.Status.RETRYING, next_attempt_at=timezone.now(), attempts=0
    )
    enqueue_on_commit(deliver, delivery_id=delivery.pk)
    delivery.refresh_from_db()
    return delivery


@task()
def deliver(delivery_id: int) -> str:
    return delivery_send(delivery_id=delivery_id).status


@task()
def retry_due_deliveries() -> int:
    """Periodic: enqueue retries whose time has come, and deliveries a dead worker left behind."""
    now = timezone.now()
    due = Delivery.objects.filter(
        Q(status=Delivery.Status.RETRYING, next_attempt_at__lte=now)
        | Q(status=Delivery.Status.PENDING, created_at__lte=now - timedelta(minutes=2))
        | Q(status=Delivery.Status.SENDING, next_attempt_at__lt=now - STALE_SENDING)
    ).values_list("pk", flat=True)[:500]
    count = 0
    for delivery_id in due:
        deliver.enqueue(delivery_id=delivery_id)
        count += 1
    return count
