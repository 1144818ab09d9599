"""주민 제안 in the residents' KakaoTalk conversation: "제안" lists the proposals near their threshold and
those under review, each with its stage and link."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from sotong.core.conversation import Conversation, Reply, Topic, Turn, quick
from sotong.petitions.choices import Stage
from sotong.petitions.models import Proposal
from sotong.petitions.selectors import near_threshold

PROPOSALS = gettext_noop("주민 제안")
MENU = gettext_noop("처음으로")


def _link(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def proposals_text() -> str:
    lines = [_("공감을 모으는 제안:")]
    near = near_threshold(limit=3)
    if not near:
        lines.append(_("지금 공감을 모으는 제안이 없습니다."))
    for item in near:
        lines.append(
            f"· {item.title} ({item.get_stage_display()}, "
            + _("공감 %(n)d/%(t)d명") % {"n": item.support_count, "t": settings.PETITIONS_REVIEW_THRESHOLD}
            + f")\n{_link(reverse('petitions:proposal', kwargs={'pk': item.pk}))}"
        )
    review = list(Proposal.objects.filter(stage=Stage.REVIEW).order_by("answer_due")[:3])
    if review:
        lines.append(_("부서 검토 중:"))
        for item in review:
            late = (
                f" — {_('답변 기한 %(days)d일 지남') % {'days': item.overdue_days}}"
                if item.overdue_days
                else ""
            )
            lines.append(f"· {item.title}{late}")
    lines.append(_("제안하기: %(url)s") % {"url": _link(reverse("petitions:propose"))})
    return "\n".join(lines)


class ProposalTopic(Topic):
    key = "petitions"
    order = 40
    commands = {
        "proposals": (PROPOSALS, "제안", "주민제안", "열린구청장실", "proposal", "proposals", "提案", "建议")
    }
    menu = (PROPOSALS,)
    menu_lines = (gettext_noop("주민 제안: 공감을 모으는 제안과 진행 단계를 봅니다."),)

    def handle(self, turn: Turn, conversation: Conversation) -> Reply | None:
        if turn.command != "proposals":
            return None
        return Reply(proposals_text(), quick=[quick(MENU)])
