from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from sotong.organisation.models import Closure, Membership
from sotong.organisation.selectors import CALENDAR_CACHE_KEY
from sotong.organisation.services import sync_groups_for


@receiver([post_save, post_delete], sender=Membership)
def membership_changed(sender: Any, instance: Membership, **kwargs: Any) -> None:
    sync_groups_for(user=instance.user)


@receiver([post_save, post_delete], sender=Closure)
def closures_changed(sender: Any, instance: Closure, **kwargs: Any) -> None:
    cache.delete(CALENDAR_CACHE_KEY)
