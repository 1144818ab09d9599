from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from sotong.core.workdays import SEOUL
from sotong.petitions.services.stages import proposals_sweep
from sotong.petitions.services.supports import support_add

pytestmark = pytest.mark.django_db


def _reviewed(make_proposal: Any, who: Any) -> Any:
    proposal = make_proposal()
    for name in "가나다":
        support_add(proposal=proposal, identity=who(name))
    proposal.refresh_from_db()
    return proposal


def test_a_proposal_expires_exactly_when_its_collecting_period_ends(
    make_proposal: Any, who: Any, time_machine: Any, now: datetime
) -> None:
    proposal = make_proposal()
    support_add(proposal=proposal, identity=who("가"))
    ends = now + timedelta(days=30)
    assert proposal.collecting_until == ends
    time_machine.move_to(ends - timedelta(seconds=1), tick=False)
    assert proposals_sweep() == {"expired": 0, "overdue": 0}
    time_machine.move_to(ends, tick=False)
    assert proposals_sweep() == {"expired": 1, "overdue": 0}
    proposal.refresh_from_db()
    assert proposal.stage == "expired"
    assert proposal.events.last().kind == "expired"  # type: ignore[union-attr]
    assert proposals_sweep() == {"expired": 0, "overdue": 0}


def test_a_review_is_overdue_only_after_the_last_working_day_closes(
    make_proposal: Any, who: Any, time_machine: Any, junho: Any
) -> None:
    proposal = _reviewed(make_proposal, who)  # traffic → 교통행정과; junho is roads
    due = datetime(2026, 4, 17, 18, tzinfo=SEOUL)
    assert proposal.answer_due == due
    time_machine.move_to(due, tick=False)
    assert proposals_sweep()["overdue"] == 0
    time_machine.move_to(due + timedelta(seconds=1), tick=False)
    assert proposals_sweep()["overdue"] == 1
    proposal.refresh_from_db()
    assert proposal.overdue_since is not None
    assert proposal.overdue_days == 1
    assert proposals_sweep()["overdue"] == 0, "flagged once"


def test_overdue_days_are_shown_publicly(
    client: Any, make_proposal: Any, who: Any, time_machine: Any
) -> None:
    proposal = _reviewed(make_proposal, who)
    time_machine.move_to(datetime(2026, 4, 20, 10, tzinfo=SEOUL), tick=False)
    proposals_sweep()
    html = client.get(f"/mayor/proposals/{proposal.pk}/").content.decode()
    assert "답변 기한 3일 지남" in html
    assert "중간 안내 기한 지남" in html


def test_a_proposal_that_reached_its_threshold_does_not_expire(
    make_proposal: Any, who: Any, time_machine: Any, now: datetime
) -> None:
    proposal = _reviewed(make_proposal, who)
    time_machine.move_to(now + timedelta(days=31), tick=False)
    proposals_sweep()
    proposal.refresh_from_db()
    assert proposal.stage == "review"
