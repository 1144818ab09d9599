from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sotong.core.workdays import SEOUL, WorkingCalendar, public_holiday_name

calendar = WorkingCalendar()


def seoul(*args: int) -> datetime:
    return datetime(*args, tzinfo=SEOUL)  # type: ignore[misc]


def test_seollal_2026_and_its_eve_and_day_after_are_not_working_days() -> None:
    for day in (date(2026, 2, 16), date(2026, 2, 17), date(2026, 2, 18)):
        assert not calendar.is_working_day(day)
    assert calendar.why_closed(date(2026, 2, 17)) == "설날"
    assert calendar.is_working_day(date(2026, 2, 19))


def test_a_substitute_holiday_is_not_a_working_day() -> None:
    # 설날 2027 falls on a Sunday: Tuesday 9 February is its substitute holiday.
    assert public_holiday_name(date(2027, 2, 9)) == "설날 대체 휴일"
    assert not calendar.is_working_day(date(2027, 2, 9))
    # 추석 2025 overlapped a Sunday: Wednesday 8 October was the substitute.
    assert not calendar.is_working_day(date(2025, 10, 8))


def test_weekends_are_not_working_days_and_say_why() -> None:
    assert calendar.why_closed(date(2026, 11, 28)) == "토요일"
    assert calendar.why_closed(date(2026, 11, 29)) == "일요일"
    assert calendar.why_closed(date(2026, 11, 30)) is None


def test_seven_working_days_across_seollal_count_the_first_day() -> None:
    # Received Friday 13 Feb 2026: day 1 is that Friday; 14-18 Feb are weekend and 설날.
    deadline = calendar.add_working_days(seoul(2026, 2, 13, 10, 0), 7)
    assert deadline == seoul(2026, 2, 26, 18, 0)


def test_a_period_received_on_a_holiday_starts_on_the_next_working_day() -> None:
    # Saturday 4 Oct 2025: 5-8 Oct 추석 with its substitute, 9 Oct 한글날; day 1 is Friday 10 Oct.
    deadline = calendar.add_working_days(seoul(2025, 10, 4, 15, 0), 3)
    assert deadline == seoul(2025, 10, 14, 18, 0)


def test_fourteen_working_days_across_chuseok_2026() -> None:
    # Chuseok 24-26 Sep 2026, 개천절 substitute Mon 5 Oct, 한글날 Fri 9 Oct.
    deadline = calendar.add_working_days(seoul(2026, 9, 21, 9, 0), 14)
    working = [d for d in (date(2026, 9, 21) + timedelta(n) for n in range(40)) if calendar.is_working_day(d)]
    assert deadline.date() == working[13]
    assert deadline == seoul(2026, 10, 14, 18, 0)


def test_working_hours_skip_the_night_the_weekend_and_seollal() -> None:
    # Friday 16:00 + 3 working hours: 2 hours on Friday, then Thursday 19 Feb (after 설날) 09:00 + 1 hour.
    assert calendar.add_working_hours(seoul(2026, 2, 13, 16, 0), 3) == seoul(2026, 2, 19, 10, 0)


def test_working_hours_skip_the_lunch_hour() -> None:
    assert calendar.add_working_hours(seoul(2026, 12, 1, 11, 30), 1) == seoul(2026, 12, 1, 13, 30)


def test_receipt_after_hours_counts_from_the_next_morning() -> None:
    assert calendar.add_working_hours(seoul(2026, 12, 1, 21, 0), 3) == seoul(2026, 12, 2, 12, 0)


def test_eight_working_hours_make_one_working_day() -> None:
    assert calendar.add_working_hours(seoul(2026, 12, 1, 9, 0), 8) == seoul(2026, 12, 1, 18, 0)
    assert calendar.add_working_hours(seoul(2026, 12, 1, 10, 0), 8) == seoul(2026, 12, 2, 10, 0)


def test_a_declared_closure_is_skipped() -> None:
    closed = WorkingCalendar.with_closures([date(2026, 12, 2)])
    assert closed.why_closed(date(2026, 12, 2)) == "구 지정 휴무일"
    assert closed.add_working_days(seoul(2026, 12, 1, 9, 0), 2) == seoul(2026, 12, 3, 18, 0)


def test_working_hours_between_ignore_holidays() -> None:
    elapsed = calendar.working_hours_between(seoul(2026, 2, 13, 17, 0), seoul(2026, 2, 19, 10, 0))
    assert elapsed == pytest.approx(2.0)
    assert calendar.working_days_between(date(2026, 2, 13), date(2026, 2, 20)) == 3


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        calendar.add_working_days(datetime(2026, 12, 1, 9, 0), 1)  # noqa: DTZ001


moments = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 1)).map(  # noqa: DTZ001
    lambda d: d.replace(tzinfo=SEOUL)
)


@settings(max_examples=150, deadline=None)
@given(start=moments, quarters=st.integers(min_value=1, max_value=24 * 4))
def test_adding_working_hours_is_the_inverse_of_measuring_them(start: datetime, quarters: int) -> None:
    hours = quarters / 4
    end = calendar.add_working_hours(start, hours)
    assert end > start
    assert calendar.working_hours_between(start, end) == pytest.approx(hours)
    assert calendar.is_working_day(end.date())


@settings(max_examples=100, deadline=None)
@given(start=moments, days=st.integers(min_value=1, max_value=30))
def test_a_deadline_in_days_ends_on_a_working_day_at_closing_time(start: datetime, days: int) -> None:
    deadline = calendar.add_working_days(start, days)
    assert calendar.is_working_day(deadline.date())
    assert deadline.hour == 18
    first = calendar.next_working_day(start.date(), include_today=True)
    assert calendar.working_days_between(first, deadline.date()) == days
