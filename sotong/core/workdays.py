"""The Korean working-day calendar that every deadline uses.

Working days exclude Saturdays, Sundays, public holidays and substitute holidays (from the
``holidays`` package, category "public") and any closure the district declares. Working hours
are 09:00-12:00 and 13:00-18:00 Asia/Seoul: eight hours make one working day, as 민원 처리에 관한
법률 시행령 counts them.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays

SEOUL = ZoneInfo("Asia/Seoul")

# Morning and afternoon blocks; the lunch hour does not count.
WORKING_BLOCKS: tuple[tuple[time, time], ...] = ((time(9), time(12)), (time(13), time(18)))
HOURS_PER_DAY = 8


@functools.lru_cache(maxsize=64)
def _korean_holidays(year: int) -> dict[date, str]:
    return dict(holidays.country_holidays("KR", years=year, language="ko").items())


def public_holiday_name(day: date) -> str | None:
    """The Korean name of a public or substitute holiday on this day, else None."""
    return _korean_holidays(day.year).get(day)


@dataclass(frozen=True)
class WorkingCalendar:
    """Pure calendar arithmetic; ``closures`` are extra days the district declared closed."""

    closures: frozenset[date] = field(default_factory=frozenset)

    @classmethod
    def with_closures(cls, closures: Iterable[date]) -> WorkingCalendar:
        return cls(closures=frozenset(closures))

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and public_holiday_name(day) is None and day not in self.closures

    def why_closed(self, day: date) -> str | None:
        """Why this day is not a working day (Korean), or None if it is one."""
        if name := public_holiday_name(day):
            return name
        if day in self.closures:
            return "구 지정 휴무일"
        if day.weekday() == 5:
            return "토요일"
        if day.weekday() == 6:
            return "일요일"
        return None

    def next_working_day(self, day: date, *, include_today: bool = False) -> date:
        current = day if include_today else day + timedelta(days=1)
        for _ in range(400):
            if self.is_working_day(current):
                return current
            current += timedelta(days=1)
        raise ValueError(f"no working day within 400 days after {day}")

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """Deadline for a period counted in days: the first day counts when it is a working day
        (법 제19조②: 6일 이상은 일 단위로 계산하고 첫날을 산입), and the period ends at the close of
        the last working day."""
        if days < 1:
            raise ValueError("a period in working days must be at least one day")
        local = _as_seoul(start)
        day = self.next_working_day(local.date(), include_today=True)
        for _ in range(days - 1):
            day = self.next_working_day(day)
        return datetime.combine(day, WORKING_BLOCKS[-1][1], tzinfo=SEOUL)

    def add_working_hours(self, start: datetime, hours: float) -> datetime:
        """Deadline for a period counted in hours (법 제19조①: 5일 이하는 시간 단위로, 1일은 8시간):
        only working hours on working days count, from the moment of receipt."""
        if hours <= 0:
            raise ValueError("a period in working hours must be positive")
        remaining = timedelta(hours=hours)
        current = _as_seoul(start)
        for _ in range(10_000):
            if self.is_working_day(current.date()):
                for block_start, block_end in WORKING_BLOCKS:
                    opens = datetime.combine(current.date(), block_start, tzinfo=SEOUL)
                    closes = datetime.combine(current.date(), block_end, tzinfo=SEOUL)
                    if current >= closes:
                        continue
                    current = max(current, opens)
                    available = closes - current
                    if remaining <= available:
                        return current + remaining
                    remaining -= available
                    current = closes
            current = datetime.combine(current.date() + timedelta(days=1), time(0), tzinfo=SEOUL)
        raise ValueError("working-hour period too long")

    def working_hours_between(self, start: datetime, end: datetime) -> float:
        """Working hours elapsed from start to end (0 if end is before start)."""
        begin, finish = _as_seoul(start), _as_seoul(end)
        if finish <= begin:
            return 0.0
        total = timedelta()
        day = begin.date()
        while day <= finish.date():
            if self.is_working_day(day):
                for block_start, block_end in WORKING_BLOCKS:
                    opens = max(datetime.combine(day, block_start, tzinfo=SEOUL), begin)
                    closes = min(datetime.combine(day, block_end, tzinfo=SEOUL), finish)
                    if closes > opens:
                        total += closes - opens
            day += timedelta(days=1)
        return total.total_seconds() / 3600

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in the closed range [start, end]."""
        count, day = 0, start
        while day <= end:
            count += self.is_working_day(day)
            day += timedelta(days=1)
        return count

    def is_working_time(self, moment: datetime) -> bool:
        local = _as_seoul(moment)
        if not self.is_working_day(local.date()):
            return False
        return any(start <= local.time() < end for start, end in WORKING_BLOCKS)


def _as_seoul(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("working-day arithmetic needs an aware datetime")
    return moment.astimezone(SEOUL)
