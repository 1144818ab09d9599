"""The back-office dashboard's case panels: each role sees its own work, counted as the inbox counts it, with
each figure linking to the inbox filter that lists exactly those cases; the officer's panel reads its figures in
a fixed number of queries. The clock is fixed at Monday 2026-03-09 10:00 in Seoul (decision 0069)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sotong.core.workdays import SEOUL
from sotong.organisation.models import Department
from sotong.organisation.services import membership_grant
from sotong.voice.admin import dashboard
from sotong.voice.choices import Status
from sotong.voice.models import Case
from sotong.voice.tests.test_inbox_pages import roads_case, signed_in

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 9, 10, 0, tzinfo=SEOUL)
TODAY_6PM = datetime(2026, 3, 9, 18, 0, tzinfo=SEOUL)
FIGURE = re.compile(
    r'<a href="(?P<url>[^"]+)">\s*(?P<label>[^<]+?)\s*<strong class="sotong-figure__count">(?P<n>\d+)</strong>건'
)


@pytest.fixture(autouse=True)
def monday_morning() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def figures(page: str, panel_id: str) -> dict[str, tuple[int, str]]:
    """{label: (count, inbox URL)} of the figures in one panel of the dashboard."""
    start = page.index(f'id="{panel_id}-section"')
    end = page.find("<section", start)
    section = page[start : end if end != -1 else len(page)]
    return {
        html.unescape(m["label"]): (int(m["n"]), html.unescape(m["url"])) for m in FIGURE.finditer(section)
    }


def case_at(text: str, *, status: str = Status.ASSIGNED, deadline: datetime, **fields: Any) -> Case:
    case = roads_case(text)
    Case.objects.filter(pk=case.pk).update(status=status, deadline=deadline, **fields)
    case.refresh_from_db()
    return case


@pytest.fixture
def roads_cases(junho: Any) -> dict[str, Case]:
    """Roads cases at 10:00 on Monday: two new (one due at 18:00 today), one overdue and reported to the lead,
    one urgent, one answered."""
    return {
        "new_today": case_at("가로등이 꺼져 있어요", deadline=TODAY_6PM),
        "new_later": case_at("보도블록이 깨졌어요", deadline=TODAY_6PM + timedelta(days=2)),
        "overdue": case_at(
            "맨홀 뚜껑이 흔들려요",
            status=Status.IN_PROGRESS,
            deadline=NOW - timedelta(days=1),
            escalated_at=NOW - timedelta(hours=12),
            officer=junho,
        ),
        "urgent": case_at(
            "도로가 꺼져 구멍이 났어요",
            status=Status.IN_PROGRESS,
            deadline=TODAY_6PM + timedelta(days=1),
            urgent=True,
            officer=junho,
        ),
        "answered": case_at("신호등이 고장났어요", status=Status.ANSWERED, deadline=TODAY_6PM),
    }


@pytest.fixture
def welfare_case(sora: Any) -> Case:
    """A welfare case due today and overdue: never on a roads officer's dashboard."""
    return case_at(
        "기초연금 신청 방법을 알려 주세요",
        deadline=NOW - timedelta(hours=1),
        department=Department.objects.get(code="welfare"),
        officer=sora,
    )


def numbers_listed(page: str, cases: dict[str, Case]) -> set[str]:
    return {name for name, case in cases.items() if case.number in page}


def test_the_officer_sees_the_departments_work_counted_as_the_inbox_lists_it(
    junho: Any, roads_cases: dict[str, Case], welfare_case: Case
) -> None:
    client = signed_in(junho)
    page = client.get("/admin/").text

    found = figures(page, "dashboard-roads")
    assert {label: n for label, (n, _url) in found.items()} == {
        "새로 배정": 2,
        "오늘 기한": 1,
        "기한 초과": 1,
        "긴급": 1,
    }
    # Each figure links to the inbox view listing exactly those cases.
    listed = {label: numbers_listed(client.get(url).text, roads_cases) for label, (_n, url) in found.items()}
    assert listed["새로 배정"] == {"new_today", "new_later"}
    assert listed["기한 초과"] == {"overdue"}
    assert listed["긴급"] == {"urgent"}
    assert listed["오늘 기한"] == {"new_today"}
    # The most urgent first: urgent, then overdue, then today's deadline; nothing answered, nothing of welfare.
    urgent_list = page[page.index('id="dashboard-roads-urgent"') :]
    positions = [urgent_list.find(roads_cases[name].number) for name in ("urgent", "overdue", "new_today")]
    assert -1 not in positions and positions == sorted(positions)
    assert roads_cases["answered"].number not in page
    assert welfare_case.number not in page
    # Officers have no lead's section.
    assert "dashboard-roads-escalated" not in page


def test_the_welfare_officer_never_sees_roads_cases(
    sora: Any, roads_cases: dict[str, Case], welfare_case: Case
) -> None:
    page = signed_in(sora).get("/admin/").text

    assert {label: n for label, (n, _url) in figures(page, "dashboard-welfare").items()} == {
        "새로 배정": 1,
        "오늘 기한": 0,
        "기한 초과": 1,
        "긴급": 0,
    }
    assert "dashboard-roads" not in page
    assert not {case.number for case in roads_cases.values()} & set(re.findall(r"\d{4}-\d{6}", page))
    assert welfare_case.number in page


def test_the_lead_also_sees_what_the_deadline_sweep_reported_to_them(
    doyun: Any, roads_cases: dict[str, Case]
) -> None:
    page = signed_in(doyun).get("/admin/").text

    assert figures(page, "dashboard-roads")["기한 초과"][0] == 1
    escalated = page[page.index('id="dashboard-roads-escalated"') :]
    assert "답변에는 승인 절차가 없습니다" in escalated
    assert roads_cases["overdue"].number in escalated
    assert roads_cases["urgent"].number not in escalated


def test_the_comms_team_sees_the_triage_queue_with_the_models_suggestion(
    haneul: Any, junho: Any, roads_cases: dict[str, Case]
) -> None:
    unsure = roads_case("이거 어디에 말해야 하나요")
    Case.objects.filter(pk=unsure.pk).update(
        status=Status.TRIAGE,
        department=None,
        officer=None,
        suggested_department=Department.objects.get(code="roads"),
        routing_confidence=0.42,
        deadline=NOW - timedelta(hours=2),
    )
    stuck = roads_case("접수만 되고 분류가 안 된 민원")
    Case.objects.filter(pk=stuck.pk).update(status=Status.RECEIVED, department=None, officer=None)
    client = signed_in(haneul)
    page = client.get("/admin/").text

    found = figures(page, "dashboard-triage")
    assert {label: n for label, (n, _url) in found.items()} == {
        "분류 대기": 1,
        "자동 분류 전": 1,
        "기한 초과": 1,
        "긴급": 0,
    }
    assert found["분류 대기"][1] == "/admin/voice/?department=triage"
    assert unsure.number in client.get(found["분류 대기"][1]).text
    assert stuck.number in client.get(found["자동 분류 전"][1]).text
    assert unsure.number in client.get(found["기한 초과"][1]).text
    waiting = page[page.index('id="dashboard-triage-waiting"') :]
    assert unsure.number in waiting and "도로과 (42%)" in waiting
    # The triage queue comes before any other panel; the comms team handles no department's inbox.
    assert 'id="dashboard-triage-section"' in re.findall(r'<section class="w-panel[^>]*>', page)[0]
    assert "dashboard-roads" not in page


def test_the_mayors_office_sees_the_districts_figures_and_no_case(
    district: Any, roads_cases: dict[str, Case], welfare_case: Case
) -> None:
    mayor = get_user_model().objects.create_user(username="mayor", password="correct horse 42")
    membership_grant(user=mayor, role="mayors_office", department=None)
    page = signed_in(mayor).get("/admin/").text

    section = page[page.index('id="dashboard-district-section"') :]
    figures_shown = dict(re.findall(r"<dt>([^<]+)</dt><dd>(\d+)건</dd>", section))
    assert figures_shown == {"처리 중": "5", "기한 초과": "2", "분류 대기": "0", "오늘 답변": "0"}
    assert re.search(r"<td>도로과</td><td>1건</td>", section) and re.search(
        r"<td>복지정책과</td><td>1건</td>", section
    )
    assert not re.findall(r"\d{4}-\d{6}", page)
    assert "dashboard-triage" not in page and "dashboard-roads" not in page


def test_the_officer_panel_reads_its_figures_in_a_fixed_number_of_queries(
    junho: Any, roads_cases: dict[str, Case], django_assert_num_queries: Any
) -> None:
    officer = get_user_model().objects.get(pk=junho.pk)  # no roles cached on it

    # Roles, memberships, the counts, the most urgent cases.
    with django_assert_num_queries(4):
        html_out = "".join(panel.render_html({}) for panel in dashboard.panels_for(officer))
    assert roads_cases["urgent"].number in html_out


def test_the_officers_dashboard_costs_as_many_queries_with_more_cases(
    junho: Any, roads_cases: dict[str, Case]
) -> None:
    client = signed_in(junho)
    client.get("/admin/")  # warm per-process caches (closures, site root)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/admin/").status_code == 200
        return len(captured)

    before = queries()
    for n in range(6):
        case_at(
            f"가로등 {n}번이 꺼졌어요", deadline=timezone.now() + timedelta(hours=n + 1), urgent=n % 2 == 0
        )
    assert queries() == before
