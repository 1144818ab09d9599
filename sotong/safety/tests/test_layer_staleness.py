from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from sotong.core.models import Notification
from sotong.core.scheduling import periodic_jobs
from sotong.organisation.models import Department
from sotong.safety.models import MapLayer
from sotong.safety.services.facilities import layers_remind_stale
from sotong.safety.tasks import remind_stale_layers
from tests.clock import MONDAY_MORNING

# The service takes "today"; the scheduled task reads the clock, fixed at the same day.
pytestmark = pytest.mark.time_machine(MONDAY_MORNING)
TODAY = MONDAY_MORNING.date()


@pytest.fixture
def parks_officer(district: Any) -> Any:
    from conftest import _staff

    return _staff("minsu", "김민수", "officer", "parks")


def _layer(slug: str, *, reviewed_days_ago: int | None, steward: Any = None, code: str = "parks") -> MapLayer:
    return MapLayer.objects.create(
        slug=slug,
        name_ko=f"{slug} 레이어",
        source_type="features",
        department=Department.objects.get(code=code),
        steward=steward,
        reviewed_on=None if reviewed_days_ago is None else TODAY - timedelta(days=reviewed_days_ago),
        review_every_days=365,
    )


def test_the_steward_of_a_stale_layer_is_told_once(junho: Any) -> None:
    layer = _layer("landslide", reviewed_days_ago=426, steward=junho)
    _layer("fresh", reviewed_days_ago=30, steward=junho)

    assert layers_remind_stale(today=TODAY) == 1
    assert layers_remind_stale(today=TODAY + timedelta(days=1)) == 0

    notice = Notification.objects.get(user=junho)
    assert "landslide 레이어" in notice.title
    assert "14개월 전" in notice.body
    assert notice.url.endswith(f"/{layer.pk}/")
    layer.refresh_from_db()
    assert layer.stale_notified_on == TODAY


def test_without_a_steward_the_departments_officers_are_told(parks_officer: Any, junho: Any) -> None:
    _layer("landslide", reviewed_days_ago=400)

    layers_remind_stale(today=TODAY)

    assert list(Notification.objects.values_list("user__username", flat=True)) == ["minsu"]


def test_a_layer_never_reviewed_is_stale(parks_officer: Any) -> None:
    _layer("unknown", reviewed_days_ago=None)

    assert layers_remind_stale(today=TODAY) == 1
    assert "점검한 기록이 없습니다" in Notification.objects.get().body


def test_it_reminds_again_a_period_later_or_after_the_next_staleness(parks_officer: Any) -> None:
    layer = _layer("landslide", reviewed_days_ago=400)
    layers_remind_stale(today=TODAY)

    assert layers_remind_stale(today=TODAY + timedelta(days=364)) == 0
    assert layers_remind_stale(today=TODAY + timedelta(days=365)) == 1

    # Reviewed, then stale again a year later: told about the new staleness.
    layer.refresh_from_db()
    layer.reviewed_on = TODAY + timedelta(days=366)
    layer.save(update_fields=["reviewed_on"])
    later = layer.reviewed_on + timedelta(days=366)
    assert layers_remind_stale(today=later) == 1
    assert Notification.objects.count() == 3


def test_the_scheduler_runs_the_reminder_daily(parks_officer: Any) -> None:
    job = {j.name: j for j in periodic_jobs()}["safety.remind_stale_layers"]
    assert job.trigger == "cron"
    _layer("landslide", reviewed_days_ago=800)

    assert remind_stale_layers.call() == 1
