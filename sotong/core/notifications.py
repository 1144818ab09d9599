from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from sotong.core.events import group_name, send_event_on_commit
from sotong.core.models import Notification


def user_group(user_id: int) -> str:
    return group_name("user", user_id)


def notify_staff(
    *, user: Any, title: str, body: str = "", url: str = "", level: str = "info"
) -> Notification:
    """Record the notice and push it to the person's open back-office pages after commit."""
    notification = Notification.objects.create(user=user, title=title, body=body, url=url, level=level)
    send_event_on_commit(
        user_group(user.pk),
        {
            "type": "notification",
            "id": notification.pk,
            "title": title,
            "body": body,
            "url": url,
            "level": level,
        },
    )
    return notification


def notifications_for(*, user_id: int) -> QuerySet[Notification]:
    return Notification.objects.filter(user_id=user_id)


def notification_read(*, user_id: int, pk: int) -> Notification | None:
    """The person's own notification, marked read; None for anyone else's."""
    notification = Notification.objects.filter(user_id=user_id, pk=pk).first()
    if notification is not None and notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_read_all(*, user_id: int) -> int:
    return Notification.objects.filter(user_id=user_id, read_at__isnull=True).update(read_at=timezone.now())
