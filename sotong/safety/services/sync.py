"""Writes of the optional sync account (decision 0056): sign-in by a one-time e-mail link, the devices
signed in, and the merge of a device's places and household into the account's.

The account keeps no e-mail address, only its keyed digest; places and household are encrypted at rest.
A place carries the id its device gave it and the time it was last changed: the later change wins, place
by place, and a deletion is a tombstone that wins over older edits, so two devices editing different
places (or one offline for a week) lose nothing.
"""

from __future__ import annotations

import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from sotong.connectors.outbox import delivery_enqueue
from sotong.core.crypto import digest
from sotong.organisation.models import Dong
from sotong.safety.models import SyncAccount, SyncDevice, SyncPlace, SyncSignInLink
from sotong.safety.selectors.sync import device_digest
from sotong.safety.services.subscribers import (
    SubscriptionInvalid,
    district_bounds,
    household_from,
    language_of,
    normalise_contact,
)

SIGN_IN_SALT = "sotong.safety.sync-sign-in"
SIGN_IN_MAX_AGE = timedelta(minutes=15)
# More than the page lets one device keep (SAFETY_MAX_PLACES), so that merging two devices loses nothing.
MAX_PLACES = 10
# Tombstones are forgotten after this long; a device offline longer may bring a deleted place back.
TOMBSTONE_DAYS = 90
# A device's clock may run a little ahead of the server's; further ahead, its time is the server's.
CLOCK_SLACK = timedelta(minutes=1)
LABEL_MAX = 40
ADDRESS_MAX = 100


class SyncInvalid(ValueError):
    """What was sent cannot be saved; the message is in the resident's language."""


class SignInRefused(ValueError):
    """The sign-in link is forged, expired or used; the message is in the resident's language."""


@dataclass(frozen=True)
class PlaceChange:
    uid: uuid.UUID
    updated_at: datetime
    deleted: bool
    data: dict[str, Any]


def email_digest(address: str) -> str:
    return digest(f"safety-sync:{address}")


# Sign-in --------------------------------------------------------------------------------------------------


def sign_in_request(*, email: object, language: object = "ko") -> SyncSignInLink:
    """Send a one-time sign-in link to an address. Whether an account exists is never told: the answer
    and the mail are the same for a new address (the account is made when the link is used)."""
    lang = language_of(language)
    with translation.override(lang):
        address = sign_in_address(email)
        secret = secrets.token_urlsafe(32)
        with transaction.atomic():
            link = SyncSignInLink.objects.create(
                secret_digest=digest(f"safety-sync-link:{secret}"),
                email_digest=email_digest(address),
                expires_at=timezone.now() + SIGN_IN_MAX_AGE,
            )
            url = f"{str(settings.SITE_URL).rstrip('/')}{reverse('safety:sync_sign_in')}?t={sign_in_token(secret)}"
            district = str(settings.SOTONG_DISTRICT_NAME)
            subject = _("[%(district)s] 내손안의 안전 로그인 링크") % {"district": district}
            text = _(
                "내손안의 안전에서 장소 동기화에 로그인하려면 15분 안에 아래 링크를 여세요. "
                "링크는 한 번만 쓸 수 있습니다.\n\n%(url)s\n\n"
                "요청하지 않으셨다면 이 메일을 무시하세요. 링크를 열지 않으면 아무 일도 일어나지 않습니다."
            ) % {"url": url}
            delivery_enqueue(
                channel="email",
                idempotency_key=f"safety-sync-sign-in:{link.pk}",
                recipient=address,
                subject=subject,
                payload={"subject": subject, "text": text},
            )
    return link


def sign_in_address(email: object) -> str:
    """The address as it will be digested (the domain in lower case), or SyncInvalid."""
    try:
        return normalise_contact("email", email)
    except SubscriptionInvalid as exc:
        raise SyncInvalid(str(exc)) from exc


def sign_in_token(secret: str) -> str:
    return signing.dumps(secret, salt=SIGN_IN_SALT)


@transaction.atomic
def sign_in_complete(*, token: str) -> tuple[SyncAccount, str]:
    """Use a sign-in link once: the account (made on first use) and a new device secret for the cookie."""
    refused = SignInRefused(
        _("로그인 링크가 올바르지 않거나, 이미 쓰였거나, 기한이 지났습니다. 새 링크를 받아 주세요.")
    )
    try:
        secret = signing.loads(token, salt=SIGN_IN_SALT, max_age=SIGN_IN_MAX_AGE)
    except signing.BadSignature as exc:
        raise refused from exc
    now = timezone.now()
    link = SyncSignInLink.objects.filter(secret_digest=digest(f"safety-sync-link:{secret}")).first()
    # The conditional update is the single use: of two tabs posting the same link, one wins.
    if link is None or not SyncSignInLink.objects.filter(
        pk=link.pk, used_at__isnull=True, expires_at__gt=now
    ).update(used_at=now):
        raise refused
    account, _created = SyncAccount.objects.get_or_create(email_digest=link.email_digest)
    device_token = secrets.token_urlsafe(32)
    SyncDevice.objects.create(account=account, token_digest=device_digest(device_token))
    account.last_seen_at = now
    account.save(update_fields=["last_seen_at"])
    return account, device_token


def sign_out(*, device: SyncDevice) -> None:
    device.delete()


@transaction.atomic
def account_delete(*, account: SyncAccount) -> None:
    """The account, its places and household, every device signed in to it and its unused links."""
    SyncSignInLink.objects.filter(email_digest=account.email_digest).delete()
    account.delete()


def device_seen(*, device: SyncDevice) -> None:
    """Note a device's use, at most once an hour (a sync every few minutes need not write a row)."""
    now = timezone.now()
    if now - device.last_seen_at > timedelta(hours=1):
        device.last_seen_at = now
        device.save(update_fields=["last_seen_at"])
        SyncAccount.objects.filter(pk=device.account_id).update(last_seen_at=now)


# Merging a device's places and household ---------------------------------------------------------------


def _when(value: object, now: datetime) -> datetime:
    parsed = parse_datetime(value) if isinstance(value, str) else None
    if parsed is None or timezone.is_naive(parsed):
        raise SyncInvalid(_("장소가 바뀐 시각을 읽을 수 없습니다."))
    return min(parsed, now + CLOCK_SLACK)


def _coordinate(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    number = float(value)
    return number if number == number and abs(number) != float("inf") else None


def _label_words() -> dict[str, str]:
    """The page's place kinds (safety.js keeps the key, the page shows the word)."""
    return {"home": _("집"), "work": _("직장"), "parents": _("부모님 댁"), "other": _("기타")}


def _place_data(item: dict[str, Any], dongs: dict[str, Dong], bounds: tuple[float, ...]) -> dict[str, Any]:
    label = item.get("label", "")
    address = item.get("address", "")
    if not isinstance(label, str) or not isinstance(address, str):
        raise SyncInvalid(_("장소 정보를 읽을 수 없습니다."))
    label, address = label.strip()[:LABEL_MAX], address.strip()[:ADDRESS_MAX]
    dong = item.get("dong") or ""
    if dong and (not isinstance(dong, str) or dong not in dongs):
        raise SyncInvalid(_("우리 구의 행정동이 아닙니다: %(dong)s") % {"dong": str(dong)[:40]})
    lat, lon = _coordinate(item.get("lat")), _coordinate(item.get("lon"))
    if lat is None or lon is None:
        raise SyncInvalid(_("장소의 위도와 경도를 숫자로 보내 주세요."))
    min_lat, max_lat, min_lon, max_lon = bounds
    if not (min_lat <= lat <= max_lat and min_lon <= lon <= max_lon):
        raise SyncInvalid(
            _("%(label)s은(는) 우리 구 밖에 있습니다. 구 안의 장소만 저장할 수 있습니다.")
            % {"label": address or _label_words().get(label, label) or f"{lat:.4f}, {lon:.4f}"}
        )
    return {"label": label, "address": address, "dong": dong, "lat": lat, "lon": lon}


def place_changes_from(raw: object) -> list[PlaceChange]:
    """Check every place a device sent ({id, updated_at, deleted} and, unless deleted, label, address,
    dong, lat, lon) before anything is written."""
    if raw is None:
        return []
    if not isinstance(raw, list) or len(raw) > MAX_PLACES * 5:
        raise SyncInvalid(_("장소 정보를 읽을 수 없습니다."))
    dongs = {d.code: d for d in Dong.objects.all()}
    bounds = district_bounds(list(dongs.values()))
    now = timezone.now()
    changes: dict[uuid.UUID, PlaceChange] = {}
    for item in raw:
        if not isinstance(item, dict):
            raise SyncInvalid(_("장소 정보를 읽을 수 없습니다."))
        try:
            uid = uuid.UUID(str(item.get("id")))
        except ValueError as exc:
            raise SyncInvalid(_("장소 정보를 읽을 수 없습니다.")) from exc
        deleted = item.get("deleted") is True
        data = {} if deleted else _place_data(item, dongs, bounds)
        change = PlaceChange(
            uid=uid, updated_at=_when(item.get("updated_at"), now), deleted=deleted, data=data
        )
        if uid not in changes or changes[uid].updated_at < change.updated_at:
            changes[uid] = change
    return list(changes.values())


def _household_change(raw: object) -> tuple[list[str], datetime] | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise SyncInvalid(_("가구 정보를 읽을 수 없습니다."))
    try:
        value = household_from(raw.get("value"))
    except SubscriptionInvalid as exc:
        raise SyncInvalid(str(exc)) from exc
    if raw.get("updated_at") in (None, ""):
        return None  # never set on that device: nothing to say
    return value, _when(raw.get("updated_at"), timezone.now())


@transaction.atomic
def sync_merge(*, account: SyncAccount, places: object = None, household: object = None) -> SyncAccount:
    """Merge what a device holds into the account: per place, the later change wins (a tie keeps the
    account's); the household likewise. All or nothing: bad input changes nothing."""
    changes = place_changes_from(places)
    household_change = _household_change(household)
    # One merge at a time per account (two devices syncing at once take turns).
    account = SyncAccount.objects.select_for_update().get(pk=account.pk)
    now = timezone.now()
    existing = {p.uid: p for p in account.places.all()}
    for change in changes:
        current = existing.get(change.uid)
        data = "" if change.deleted else json.dumps(change.data, ensure_ascii=False)
        if current is None:
            existing[change.uid] = SyncPlace.objects.create(
                account=account,
                uid=change.uid,
                data=data,
                deleted=change.deleted,
                updated_at=change.updated_at,
            )
        elif change.updated_at > current.updated_at:
            current.data, current.deleted, current.updated_at = data, change.deleted, change.updated_at
            current.save(update_fields=["data", "deleted", "updated_at"])
    if sum(1 for p in existing.values() if not p.deleted) > MAX_PLACES:
        raise SyncInvalid(
            _(
                "계정에는 장소를 %(count)d곳까지 저장할 수 있습니다. 쓰지 않는 장소를 지운 뒤 다시 시도해 주세요."
            )
            % {"count": MAX_PLACES}
        )
    if household_change is not None:
        value, updated_at = household_change
        if account.household_updated_at is None or updated_at > account.household_updated_at:
            account.household = json.dumps(value)
            account.household_updated_at = updated_at
            account.save(update_fields=["household", "household_updated_at"])
    account.places.filter(deleted=True, updated_at__lt=now - timedelta(days=TOMBSTONE_DAYS)).delete()
    return account
