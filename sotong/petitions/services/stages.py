"""The stages of a proposal (decision 0083): 모집 중 → 부서 검토 → 답변 완료, or 기간 만료.

Reaching PETITIONS_REVIEW_THRESHOLD supports within the collecting period sends it to the department's inbox
(a voice case through core.referrals) with an interim notice due in PETITIONS_INTERIM_WORKING_DAYS and the
answer in PETITIONS_ANSWER_WORKING_DAYS working days; PETITIONS_MAYOR_THRESHOLD makes the mayor answer it.
Every change bumps ``stage_version`` and leaves a public event; supporters hear of it (services.notify)."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sotong.core.audit import audit_record
from sotong.core.notifications import notify_staff
from sotong.core.queue import enqueue_on_commit
from sotong.organisation.selectors import staff_with_role, working_calendar
from sotong.petitions.choices import Stage
from sotong.petitions.models import Proposal, ProposalEvent
from sotong.petitions.services import Refused

ANSWER_MIN = 20


def _changed(proposal: Proposal, kind: str, *, at: datetime, fields: list[str], **detail: Any) -> None:
    """Save the change, leave its event, and let supporters hear of it."""
    from sotong.petitions.tasks import refer_proposal, send_digests

    proposal.stage_version += 1
    proposal.save(update_fields=[*fields, "stage_version"])
    ProposalEvent.objects.create(proposal=proposal, kind=kind, at=at, detail=detail)
    if kind == "threshold":
        enqueue_on_commit(refer_proposal, proposal_id=proposal.pk)
    if settings.PETITIONS_NOTIFY == "immediate":
        enqueue_on_commit(send_digests)


def counted(*, proposal: Proposal, now: datetime) -> None:
    """After a support was counted (the proposal row locked): move the stage if a threshold is reached."""
    if proposal.stage == Stage.COLLECTING and proposal.support_count >= settings.PETITIONS_REVIEW_THRESHOLD:
        calendar = working_calendar()
        proposal.stage = Stage.REVIEW
        proposal.threshold_reached_at = now
        proposal.interim_due = calendar.add_working_days(now, settings.PETITIONS_INTERIM_WORKING_DAYS)
        proposal.answer_due = calendar.add_working_days(now, settings.PETITIONS_ANSWER_WORKING_DAYS)
        _changed(
            proposal,
            "threshold",
            at=now,
            fields=["stage", "threshold_reached_at", "interim_due", "answer_due"],
            supports=proposal.support_count,
        )
    if not proposal.mayor_answers and proposal.support_count >= settings.PETITIONS_MAYOR_THRESHOLD:
        proposal.mayor_answers = True
        _changed(proposal, "mayor", at=now, fields=["mayor_answers"], supports=proposal.support_count)
        for person in staff_with_role(role="mayors_office"):
            notify_staff(
                user=person,
                title=_("구청장 답변 대상 제안: %(title)s") % {"title": proposal.title},
                body=_("공감 %(count)d명에 이르렀습니다.") % {"count": proposal.support_count},
            )


def _locked(proposal: Proposal) -> Proposal:
    return Proposal.objects.select_for_update().get(pk=proposal.pk)


@transaction.atomic
def proposal_interim(*, proposal: Proposal, text: str, by: Any) -> Proposal:
    proposal = _locked(proposal)
    text = text.strip()
    if proposal.stage != Stage.REVIEW:
        raise Refused(_("검토 중인 제안에만 중간 안내를 쓸 수 있습니다."))
    if len(text) < ANSWER_MIN:
        raise Refused(_("중간 안내는 %(min)d자 이상 써 주세요.") % {"min": ANSWER_MIN})
    now = timezone.now()
    proposal.interim_text, proposal.interim_at = text, now
    _changed(proposal, "interim", at=now, fields=["interim_text", "interim_at"])
    audit_record(action="petitions.interim", actor=by, target=proposal)
    return proposal


@transaction.atomic
def proposal_answer(
    *, proposal: Proposal, text: str, outcome_text: str, outcome_url: str, by: Any
) -> Proposal:
    proposal = _locked(proposal)
    text, outcome_text, outcome_url = text.strip(), outcome_text.strip(), outcome_url.strip()
    if proposal.stage != Stage.REVIEW:
        raise Refused(_("검토 중인 제안에만 답변할 수 있습니다."))
    if len(text) < ANSWER_MIN:
        raise Refused(_("답변은 %(min)d자 이상 써 주세요.") % {"min": ANSWER_MIN})
    if outcome_url and not outcome_url.startswith(("https://", "http://")):
        raise Refused(_("조치 결과 링크는 http:// 또는 https://로 시작하는 주소여야 합니다."))
    if len(outcome_text) > 300:
        raise Refused(_("조치 내용은 300자 이하로 써 주세요."))
    now = timezone.now()
    proposal.stage = Stage.ANSWERED
    proposal.answer_text, proposal.outcome_text, proposal.outcome_url = text, outcome_text, outcome_url
    proposal.answered_at, proposal.answered_by = now, by
    late_days = proposal.overdue_days
    _changed(
        proposal,
        "answered",
        at=now,
        fields=["stage", "answer_text", "outcome_text", "outcome_url", "answered_at", "answered_by"],
        on_time=late_days == 0,
    )
    audit_record(action="petitions.answer", actor=by, target=proposal)
    return proposal


def proposals_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Periodic: a collecting proposal past its period expires; a review past its answer deadline is
    flagged overdue (publicly, and to the department's officers) once."""
    now = now or timezone.now()
    expired = overdue = 0
    for pk in Proposal.objects.filter(stage=Stage.COLLECTING, collecting_until__lte=now).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            proposal = Proposal.objects.select_for_update().get(pk=pk)
            if proposal.stage != Stage.COLLECTING or proposal.collecting_until > now:
                continue
            proposal.stage = Stage.EXPIRED
            _changed(proposal, "expired", at=now, fields=["stage"], supports=proposal.support_count)
            expired += 1
    late = Proposal.objects.filter(stage=Stage.REVIEW, answer_due__lt=now, overdue_since__isnull=True)
    for pk in late.values_list("pk", flat=True):
        with transaction.atomic():
            proposal = Proposal.objects.select_for_update().select_related("department").get(pk=pk)
            if proposal.overdue_since is not None or proposal.stage != Stage.REVIEW:
                continue
            proposal.overdue_since = now
            _changed(proposal, "overdue", at=now, fields=["overdue_since"])
            for person in staff_with_role(role="officer", department=proposal.department):
                transaction.on_commit(
                    partial(
                        notify_staff,
                        user=person,
                        title=_("답변 기한이 지난 주민 제안: %(title)s") % {"title": proposal.title},
                        level="warning",
                    )
                )
            overdue += 1
    return {"expired": expired, "overdue": overdue}
