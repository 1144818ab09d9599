from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sotong.core.masking import mask_name, mask_text
from sotong.organisation.models import Department, Dong
from sotong.petitions.choices import TOPIC_DEPARTMENTS, Topic
from sotong.petitions.identity import Identity
from sotong.petitions.models import Proposal, ProposalEvent
from sotong.petitions.services import Refused

TITLE_MIN, TITLE_MAX = 5, 120
BODY_MIN, BODY_MAX = 20, 4000


def check_proposal(*, title: str, body: str, topic: str) -> tuple[str, str]:
    """The title and body as they will be stored, or Refused saying what to fix."""
    title, body = " ".join(title.split()), body.strip()
    if not TITLE_MIN <= len(title) <= TITLE_MAX:
        raise Refused(
            _("제목은 %(min)d자 이상 %(max)d자 이하로 써 주세요.") % {"min": TITLE_MIN, "max": TITLE_MAX}
        )
    if not BODY_MIN <= len(body) <= BODY_MAX:
        raise Refused(
            _("내용은 %(min)d자 이상 %(max)d자 이하로 써 주세요.") % {"min": BODY_MIN, "max": BODY_MAX}
        )
    if topic not in Topic.values:
        raise Refused(_("분야를 골라 주세요."))
    return title, body


@transaction.atomic
def proposal_create(
    *, identity: Identity, title: str, body: str, topic: str, dong: Dong | None, author_name: str
) -> Proposal:
    title, body = check_proposal(title=title, body=body, topic=topic)
    name = " ".join(author_name.split())[:40]
    if not name:
        raise Refused(_("제안자 이름(별명도 됩니다)을 써 주세요."))
    department = (
        Department.objects.filter(code=TOPIC_DEPARTMENTS[topic]).first()
        or Department.objects.order_by("sort_order", "pk").first()
    )
    if department is None:
        raise Refused(_("지금은 제안을 받을 수 없습니다. 잠시 후 다시 시도해 주세요."))
    now = timezone.now()
    proposal = Proposal.objects.create(
        # Personal data written into a public proposal is masked before anyone reads it.
        title=mask_text(title),
        body=mask_text(body),
        topic=topic,
        dong=dong,
        department=department,
        author_digest=identity.digest,
        author_name=mask_name(name),  # shown as 김*지
        created_at=now,
        collecting_until=now + timedelta(days=settings.PETITIONS_COLLECT_DAYS),
    )
    ProposalEvent.objects.create(proposal=proposal, kind="proposed", at=now)
    return proposal
