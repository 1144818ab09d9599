"""구청장에게 바란다: a letter to the mayor becomes a voice case (channel "mayor_letter", a 건의민원 with its
statutory deadline) in the inbox of the department that answers for the mayor's office
(PETITIONS_MAYOR_LETTER_DEPARTMENT); the resident gets the case number to track it."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from sotong.core.referrals import Referral, can_refer, refer_case
from sotong.petitions.services import Refused


def letter_send(*, title: str, body: str, name: str, phone: str, email: str) -> str:
    if not can_refer():
        raise Refused(_("지금은 편지를 받을 수 없습니다. 잠시 후 다시 시도해 주세요."))
    return refer_case(
        Referral(
            channel="mayor_letter",
            external_id=uuid.uuid4().hex,
            title=title.strip(),
            text=body.strip(),
            author=name.strip(),
            received_at=timezone.now(),
            context="구청장에게 바란다",
            kind="proposal",
            department=settings.PETITIONS_MAYOR_LETTER_DEPARTMENT,
            contact_name=name.strip(),
            contact_phone=phone.strip(),
            contact_email=email.strip(),
        )
    )
