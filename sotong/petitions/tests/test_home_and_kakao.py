from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from sotong.core.conversation import Conversation, Turn, topic_of_command
from sotong.petitions.services.stages import proposals_sweep
from sotong.petitions.services.supports import support_add

pytestmark = pytest.mark.django_db


def test_the_home_page_shows_proposals_near_their_threshold(
    client: Any, site_pages: Any, make_proposal: Any, who: Any
) -> None:
    near = make_proposal()
    support_add(proposal=near, identity=who("가"))
    html = client.get("/").content.decode()
    assert "공감을 모으는 주민 제안" in html
    assert near.title in html
    assert "공감 1/3명" in html
    assert 'href="/mayor/proposals/new/"' in html


def test_kakaotalk_lists_the_proposals_and_their_stages(
    make_proposal: Any, who: Any, time_machine: Any, now: Any
) -> None:
    collecting = make_proposal()
    reviewed = make_proposal(title="당산공원 놀이터에 그늘막을 설치해 주세요", topic="parks")
    for name in "가나다":
        support_add(proposal=reviewed, identity=who(name))
    reviewed.refresh_from_db()
    time_machine.move_to(reviewed.answer_due + timedelta(days=2), tick=False)
    proposals_sweep()
    topic = topic_of_command("proposals")
    assert topic is not None
    reply = topic.handle(Turn(text="제안", user_key="kakao-user", command="proposals"), Conversation())
    assert reply is not None
    assert "부서 검토 중:" in reply.text
    assert f"{reviewed.title} — 답변 기한 2일 지남" in reply.text
    assert "/mayor/proposals/new/" in reply.text
    assert collecting.title not in reply.text, "its collecting period ended in the meantime"
