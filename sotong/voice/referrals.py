"""voice as the case desk for referrals from other domains (sotong.core.referrals)."""

from __future__ import annotations

from sotong.core.referrals import Referral
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
        )
    )
    return case.number
