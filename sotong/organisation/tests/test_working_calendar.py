from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from sotong.organisation.models import Closure
from sotong.organisation.selectors import working_calendar

pytestmark = pytest.mark.django_db


def test_the_district_calendar_includes_declared_closures(district: Any) -> None:
    assert working_calendar().is_working_day(date(2026, 12, 2))
    Closure.objects.create(district=district, date=date(2026, 12, 2), reason="구청 청사 정전 공사")
    assert not working_calendar().is_working_day(date(2026, 12, 2))


def test_removing_a_closure_reopens_the_day(district: Any) -> None:
    closure = Closure.objects.create(district=district, date=date(2026, 12, 3), reason="임시 휴무")
    assert not working_calendar().is_working_day(date(2026, 12, 3))
    closure.delete()
    assert working_calendar().is_working_day(date(2026, 12, 3))
