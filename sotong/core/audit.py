"""The audit trail: one call to record who did or saw what."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest

from sotong.core.models import AuditEvent


def audit_record(
    *,
    action: str,
    actor: Any = None,
    target: models.Model | None = None,
    detail: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> AuditEvent:
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    return AuditEvent.objects.create(
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        actor_label=(
            actor.get_username() if actor is not None and hasattr(actor, "get_username") else "system"
        ),
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:255] if target is not None else "",
        detail=detail or {},
        ip_address=(request.META.get("REMOTE_ADDR") or None) if request is not None else None,
    )
