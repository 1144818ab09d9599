from __future__ import annotations

import io
from typing import Any

import pytest

from sotong.petitions.demo import load_demo
from sotong.petitions.models import Proposal, ScheduleEvent

pytestmark = pytest.mark.django_db


def test_the_demo_has_proposals_at_every_stage_one_overdue_all_marked_as_samples(
    district: Any, now: Any, client: Any, settings: Any
) -> None:
    settings.PETITIONS_REVIEW_THRESHOLD, settings.PETITIONS_MAYOR_THRESHOLD = 50, 1000
    load_demo(stdout=io.StringIO())
    load_demo(stdout=io.StringIO())  # loading again adds nothing
    stages = sorted(Proposal.objects.values_list("stage", flat=True))
    assert stages == ["answered", "collecting", "expired", "review"]
    assert all(Proposal.objects.values_list("is_sample", flat=True))
    overdue = Proposal.objects.get(stage="review")
    assert overdue.overdue_days > 0
    assert overdue.support_count == overdue.supports.count() >= 50
    assert ScheduleEvent.objects.filter(starts_at__gt=now).count() >= 5
    html = client.get(f"/mayor/proposals/{overdue.pk}/").content.decode()
    assert f"답변 기한 {overdue.overdue_days}일 지남" in html
