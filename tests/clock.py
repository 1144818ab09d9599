"""The instants tests run at (decision 0063).

A test that involves working time, a deadline, an expiry, "today" or a period fixes the clock to one
of these with time-machine, the clock ticking on from there unless the test needs it still:

    pytestmark = pytest.mark.time_machine(MONDAY_MORNING)

or, within a test, ``time_machine.move_to(FRIDAY_AFTERNOON)`` with the ``time_machine`` fixture.
Django's ``timezone.now()``, ``timezone.localdate()`` and ``time.time()`` all follow it; servers that
tests start in subprocesses (browser tests, tests/processes) do not.

``AWKWARD`` are the instants ``scripts/test-at awkward`` runs the suite at, to find a test that has
not fixed its instant and passes only at some hours.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sotong.core.workdays import SEOUL

# A working Monday (no holiday that week), the office open: the default instant.
MONDAY_MORNING = datetime(2026, 3, 9, 10, 0, tzinfo=SEOUL)

AWKWARD = (
    datetime(2026, 3, 9, 8, 55, tzinfo=SEOUL),  # Monday, before office hours
    datetime(2026, 3, 13, 17, 59, tzinfo=SEOUL),  # Friday, a minute before closing
    datetime(2026, 3, 14, 12, 0, tzinfo=SEOUL),  # Saturday noon
    datetime(2026, 9, 25, 10, 0, tzinfo=SEOUL),  # 추석, a public holiday on a weekday
    datetime(2026, 12, 25, 10, 0, tzinfo=SEOUL),  # 성탄절
    datetime(2026, 3, 31, 23, 59, 59, tzinfo=SEOUL),  # the last second of a month
    datetime(2027, 1, 1, 0, 0, 30, tzinfo=SEOUL),  # New Year's Day, just after midnight
    datetime(2026, 3, 9, 23, 30, tzinfo=UTC),  # UTC's Monday evening is Seoul's Tuesday 08:30
)
