from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from sotong.petitions.services.stages import proposal_answer
from sotong.petitions.services.supports import support_add

pytestmark = pytest.mark.django_db


def _answered(make_proposal: Any, who: Any, by: Any, n: int, time_machine: Any, now: Any, days: int) -> None:
    proposal = make_proposal(title=f"교통 제안 {n}번: 횡단보도 신호 시간 연장", topic="traffic")
    for name in "가나다":
        support_add(proposal=proposal, identity=who(f"{name}{n}"))
    time_machine.move_to(now + timedelta(days=days), tick=False)
    proposal_answer(
        proposal=proposal,
        text="신호 시간을 5초 늘리기로 경찰서와 합의했습니다. 다음 달부터 적용합니다.",
        outcome_text="",
        outcome_url="",
        by=by,
    )
    time_machine.move_to(now, tick=False)


def test_statistics_show_on_time_share_and_median_and_hide_small_counts(
    client: Any, make_proposal: Any, who: Any, mayors_office: Any, time_machine: Any, now: Any
) -> None:
    for n, days in enumerate([3, 5, 7, 9, 60]):
        _answered(make_proposal, who, mayors_office, n, time_machine, now, days)
    make_proposal(title="공원 벤치를 늘려 주세요 산책로에 쉴 곳이 없습니다", topic="parks")
    html = client.get("/mayor/statistics/").content.decode()
    assert "교통행정과" in html
    assert "80%" in html  # 4 of 5 answered within 30 working days
    assert "7.0" in html  # median days to answer
    assert "5건 미만" in html  # the single parks proposal's topic count
