"""Comments on proposals: personal data masked before anyone reads them; hidden for a moderator's look once
PETITIONS_COMMENT_HIDE_REPORTS people reported them; restored or hidden by a moderator."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from sotong.core.audit import audit_record
from sotong.core.masking import mask_name, mask_text
from sotong.petitions.choices import CommentState
from sotong.petitions.models import Comment, CommentReport, Proposal
from sotong.petitions.services import Refused


def comment_add(*, proposal: Proposal, author_name: str, body: str, identity_digest: str = "") -> Comment:
    name, text = " ".join(author_name.split())[:40], body.strip()
    if not name:
        raise Refused(_("이름을 써 주세요."))
    if not 2 <= len(text) <= 1000:
        raise Refused(_("댓글은 2자 이상 1,000자 이하로 써 주세요."))
    return Comment.objects.create(
        proposal=proposal,
        author_name=mask_name(name),
        body=mask_text(text, names=[name]),
        identity_digest=identity_digest,
    )


def comment_report(*, comment: Comment, reporter_digest: str) -> Comment:
    """One report per reporter; enough of them hide the comment until a moderator looks."""
    try:
        with transaction.atomic():
            CommentReport.objects.create(comment=comment, reporter_digest=reporter_digest)
            Comment.objects.filter(pk=comment.pk).update(report_count=F("report_count") + 1)
            Comment.objects.filter(
                pk=comment.pk,
                state=CommentState.VISIBLE,
                report_count__gte=settings.PETITIONS_COMMENT_HIDE_REPORTS,
                moderated_at__isnull=True,
            ).update(state=CommentState.REVIEW)
    except IntegrityError as exc:
        raise Refused(_("이미 신고하신 댓글입니다.")) from exc
    comment.refresh_from_db()
    return comment


def comment_moderate(*, comment: Comment, action: str, by: Any) -> Comment:
    if action not in {"hide", "restore"}:
        raise Refused(_("알 수 없는 요청입니다."))
    comment.state = CommentState.HIDDEN if action == "hide" else CommentState.VISIBLE
    comment.moderated_by, comment.moderated_at = by, timezone.now()
    comment.save(update_fields=["state", "moderated_by", "moderated_at"])
    audit_record(action=f"petitions.comment_{action}", actor=by, target=comment)
    return comment
