"""Reads of the optional sync account: which account a device's cookie belongs to, and what the account
holds, in the shape the safety page's JavaScript keeps on the device."""

from __future__ import annotations

import json
from typing import Any

from sotong.core.crypto import digest
from sotong.safety.models import SyncAccount, SyncDevice


def device_digest(token: str) -> str:
    """What a device's cookie secret is kept as (`SyncDevice.token_digest`)."""
    return digest(f"safety-sync-device:{token}")


def device_for(*, token: str) -> SyncDevice | None:
    if not token or len(token) > 100:
        return None
    return SyncDevice.objects.select_related("account").filter(token_digest=device_digest(token)).first()


def sync_state(*, account: SyncAccount) -> dict[str, Any]:
    """Every place of the account (tombstones too, so devices learn of deletions), the household and how
    many devices are signed in. Only this account's rows: the account comes from the device's cookie."""
    places = []
    for place in account.places.order_by("pk"):
        item: dict[str, Any] = {
            "id": str(place.uid),
            "updated_at": place.updated_at.isoformat(),
            "deleted": place.deleted,
        }
        if not place.deleted:
            item.update(json.loads(place.data))
        places.append(item)
    return {
        "signed_in": True,
        "places": places,
        "household": {
            "value": json.loads(account.household) if account.household else [],
            "updated_at": account.household_updated_at.isoformat() if account.household_updated_at else None,
        },
        "devices": account.devices.count(),
    }
