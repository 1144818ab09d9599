"""One person, one support (decision 0082): the support row's (proposal, identity digest) is unique, so two
concurrent supports by the same person make one row whatever the timing; the proposal row is locked while
the count moves, so the threshold is crossed exactly once."""

from __future__ import annotations

import json

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from sotong.connectors.subscriptions import (
    SubscriptionInvalid,
    language_of,
    normalise_contact,
    push_subscription,
)
from sotong.petitions.choices import NotifyChannel, Stage
from sotong.petitions.identity import Identity
from sotong.petitions.models import Proposal, Support
from sotong.petitions.services import Refused
from sotong.petitions.services.stages import counted


def notify_contact(*, channel: str, contact: object) -> str:
    """What is stored (encrypted) to tell the supporter: an address, a number, a push subscription."""
    if channel == NotifyChannel.NONE:
        return ""
    try:
        if channel == NotifyChannel.WEBPUSH:
            subscription = json.loads(str(contact)) if isinstance(contact, str) else contact
            endpoint, p256dh, auth = push_subscription(subscription)
            return json.dumps({"endpoint": endpoint, "p256dh": p256dh, "auth": auth})
        if channel in (NotifyChannel.EMAIL, NotifyChannel.SMS):
            return normalise_contact(channel, contact)
    except (SubscriptionInvalid, ValueError) as exc:
        raise Refused(
            str(exc) if isinstance(exc, SubscriptionInvalid) else _("푸시 구독 정보를 읽을 수 없습니다.")
        ) from exc
    raise Refused(_("알림 방법을 다시 골라 주세요."))


def support_add(
    *, proposal: Proposal, identity: Identity, channel: str = "", contact: object = "", language: str = "ko"
) -> Support:
    stored_contact = notify_contact(channel=channel, contact=contact)
    try:
        with transaction.atomic():
            locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
            if locked.stage != Stage.COLLECTING and locked.stage != Stage.REVIEW:
                raise Refused(
                    _("공감을 받지 않는 제안입니다 (%(stage)s).") % {"stage": locked.get_stage_display()}
                )
            if locked.stage == Stage.COLLECTING and locked.collecting_until <= timezone.now():
                raise Refused(_("공감 모집 기간이 끝났습니다."))
            support = Support.objects.create(
                proposal=locked,
                identity_digest=identity.digest,
                provider=identity.provider,
                channel=channel,
                contact=stored_contact,
                language=language_of(language),
                notified_version=locked.stage_version,
            )
            Proposal.objects.filter(pk=locked.pk).update(support_count=F("support_count") + 1)
            locked.refresh_from_db(fields=["support_count"])
            counted(proposal=locked, now=support.created_at)
    except IntegrityError as exc:
        # The same identity supported already (perhaps a moment ago, in a request racing this one).
        raise Refused(
            _("이미 이 제안에 공감하셨습니다. 한 사람은 한 제안에 한 번만 공감할 수 있습니다.")
        ) from exc
    proposal.refresh_from_db()
    return support
