from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from sotong.core.referrals import Referral, can_refer, refer_case


@task()
def refer_proposal(proposal_id: int) -> str:
    """A proposal that reached its threshold becomes a case in its department's inbox (idempotent by id)."""
    from sotong.petitions.models import Proposal

    proposal = Proposal.objects.select_related("department").get(pk=proposal_id)
    if proposal.case_number or not can_refer():
        return proposal.case_number
    number = refer_case(
        Referral(
            channel="proposal",
            external_id=str(proposal.pk),
            title=proposal.title,
            text=proposal.body,
            author=proposal.author_name,
            received_at=proposal.threshold_reached_at or timezone.now(),
            context=f"열린구청장실 주민 제안 #{proposal.pk} (공감 {proposal.support_count}명)",
            kind="proposal",
            department=proposal.department.code,
        )
    )
    Proposal.objects.filter(pk=proposal.pk).update(case_number=number)
    return number


@task()
def sweep_proposals() -> dict[str, int]:
    from sotong.petitions.services.stages import proposals_sweep

    return proposals_sweep()


@task()
def send_digests() -> int:
    from sotong.petitions.services.notify import send_digests as send

    return send()
