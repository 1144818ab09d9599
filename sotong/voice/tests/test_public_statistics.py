"""The public statistics page: per department the median and 90th-percentile time to first response and
to answer, open cases past their deadline, answers given late; volume by dong and by kind."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from sotong.organisation.models import Department, Dong
from sotong.voice import statistics
from sotong.voice.choices import Channel, Kind, Status
from sotong.voice.models import Case
from sotong.voice.services.intake import Submission, case_receive
from tests.clock import MONDAY_MORNING

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(MONDAY_MORNING)]

# A Monday morning two weeks before the clock's: the deadlines these cases get have passed by then.
START = MONDAY_MORNING - timedelta(weeks=2)


@pytest.fixture(autouse=True)
def _no_cached_statistics() -> Any:
    cache.delete(statistics.CACHE_KEY)
    yield
    cache.delete(statistics.CACHE_KEY)


def case(
    n: int,
    *,
    department: str,
    dong: str = "",
    kind: str = Kind.REPORT,
    first_after: float | None = None,
    answered_after: float | None = None,
    deadline_after: float = 72,
    status: str | None = None,
) -> Case:
    """A case received at START + n minutes, first responded to and answered the given hours later."""
    received = START + timedelta(minutes=n)
    stored, _created = case_receive(
        submission=Submission(
            channel=Channel.WEB,
            external_id=f"stats-{n}",
            text=f"통계 시험 민원 {n}",
            kind=kind,
            dong=Dong.objects.get(code=dong) if dong else None,
            received_at=received,
        )
    )
    Case.objects.filter(pk=stored.pk).update(
        department=Department.objects.get(code=department),
        status=status or (Status.ANSWERED if answered_after is not None else Status.ASSIGNED),
        first_responded_at=received + timedelta(hours=first_after) if first_after is not None else None,
        answered_at=received + timedelta(hours=answered_after) if answered_after is not None else None,
        deadline=received + timedelta(hours=deadline_after),
    )
    return stored


def test_times_counts_and_volumes_are_computed_per_department(district: Any) -> None:
    case(1, department="roads", dong="dangsan1", first_after=1, answered_after=5)
    case(2, department="roads", dong="dangsan1", first_after=2, answered_after=20, kind=Kind.QUESTION)
    case(3, department="roads", dong="yeoui", first_after=10)  # open, its deadline long past
    case(4, department="parking", first_after=0.5, answered_after=30, deadline_after=24)  # answered late
    merged = case(5, department="parking", first_after=1, status=Status.MERGED)

    data = statistics.compute()

    assert data["total"] == 4  # a merged case counts once, under its primary
    assert data["answered"] == 3
    assert data["overdue"] == 1
    rows = {row.department.code: row for row in data["departments"]}
    assert list(rows) == ["roads", "parking"]  # most cases first
    roads, parking = rows["roads"], rows["parking"]
    assert (roads.received, roads.answered, roads.open, roads.overdue, roads.answered_late) == (3, 2, 1, 1, 0)
    assert roads.first_response_median == pytest.approx(2.0)
    assert roads.first_response_p90 == pytest.approx(10.0)  # nearest rank: the 3rd of 3
    assert roads.answer_median == pytest.approx(12.5)
    assert roads.answer_p90 == pytest.approx(20.0)
    assert (parking.received, parking.answered, parking.overdue, parking.answered_late) == (1, 1, 0, 1)
    assert parking.answer_median == pytest.approx(30.0)
    assert data["first_response_median"] == pytest.approx(1.5)  # of 1, 2, 10, 0.5
    # In the dongs' own order (여의동 before 당산1동 in the district's list).
    assert [(dong.code, n) for dong, n in data["by_dong"]] == [("yeoui", 1), ("dangsan1", 2)]
    assert dict(data["by_kind"]) == {Kind.REPORT: 3, Kind.QUESTION: 1}
    assert Case.objects.get(pk=merged.pk).status == Status.MERGED


def test_the_page_shows_the_figures_in_the_readers_language(district: Any) -> None:
    case(1, department="roads", dong="dangsan1", first_after=1, answered_after=5)
    case(2, department="roads", dong="dangsan1", first_after=3, answered_after=50)

    page = Client().get("/voice/stats/").text
    assert "도로과" in page
    assert "2.0시간" in page  # first response median (1 and 3 hours)
    assert "당산1동" in page and "신고·처리 요청" in page

    english = Client().get("/en/voice/stats/").text
    assert "Roads Division" in english and "Dangsan 1-dong" in english
    assert "2.0 hours" in english


def test_with_no_cases_each_table_says_there_are_no_figures_yet(district: Any) -> None:
    page = Client().get("/voice/stats/").text
    assert page.count("아직 통계가 없습니다.") == 3


def test_the_figures_are_cached_for_a_few_minutes(district: Any) -> None:
    case(1, department="roads", first_after=1, answered_after=5)
    assert statistics.public_statistics()["total"] == 1
    case(2, department="roads", first_after=1, answered_after=5)
    assert statistics.public_statistics()["total"] == 1  # the page is public: it is not recomputed per visit
    cache.delete(statistics.CACHE_KEY)
    assert statistics.public_statistics()["total"] == 2
    assert timezone.now() - statistics.public_statistics()["generated_at"] < timedelta(minutes=1)
