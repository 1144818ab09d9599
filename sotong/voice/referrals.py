"""voice as the case desk for referrals from other domains (sotong.core.referrals)."""

from __future__ import annotations

from sotong.core.referrals import Referral
from sotong.organisation.models import Department
from sotong.voice.choices import Kind
from sotong.voice.services.intake import Submission, case_receive


def receive_referral(referral: Referral) -> str:
    text = referral.text if not referral.context else f"{referral.text}\n\n({referral.context})"
    case, _created = case_receive(
        submission=Submission(
            channel=referral.channel,
            external_id=referral.external_id,
            text=text,
            channel_user=referral.author,
            received_at=referral.received_at,
            title=referral.title,
            kind=referral.kind if referral.kind in Kind.values else None,
            # The referrer's department is the resident's choice of who answers (routing keeps it).
            department=Department.objects.filter(code=referral.department).first()
            if referral.department
            else None,
            contact_name=referral.contact_name,
            contact_phone=referral.contact_phone,
            contact_email=referral.contact_email,
            consent_contact=bool(referral.contact_phone or referral.contact_email),
        )
    )
    return case.number
