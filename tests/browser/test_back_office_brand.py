"""The back office in Chromium: staff sign in through the real form on the district's own sign-in page and
land on their dashboard (the roads officer on the roads cases, the comms team on the triage queue, the safety
office on its alerts); screenshots of each go to the artifacts folder (decision 0069). The clock starts at
Monday 2026-03-09 10:00 in Seoul and ticks on."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine

from sotong.core.workdays import SEOUL

pytestmark = pytest.mark.browser

NOW = datetime(2026, 3, 9, 10, 0, tzinfo=SEOUL)
BRAND = "영등포구 소통 관리"
FOREIGN = ("Wagtail", "웨그테일", "Password", "Search all pages", "editor guide")


@pytest.fixture
def back_office(
    transactional_db: Any, live_server: Any, site_pages: Any, junho: Any, doyun: Any, haneul: Any
) -> Iterator[str]:
    """The live server with the roads department's cases, one case for triage and alerts; returns its URL."""
    from conftest import _staff
    from sotong.organisation.models import Department
    from sotong.safety.services.alerts import alert_create, alert_submit
    from sotong.safety.tests.alerts_fixtures import draft, published
    from sotong.voice.choices import Status
    from sotong.voice.models import Case
    from sotong.voice.tests.test_inbox_pages import roads_case

    with time_machine.travel(NOW, tick=True):
        today_6pm = NOW.replace(hour=18)
        for text, status, deadline, extra in [
            ("당산역 앞 가로등이 꺼져 있어요", Status.ASSIGNED, today_6pm, {}),
            ("영등포시장 사거리 보도블록이 깨졌어요", Status.ASSIGNED, today_6pm + timedelta(days=2), {}),
            # Overdue since yesterday; the deadline sweep reported it to the lead.
            ("맨홀 뚜껑이 흔들려요", Status.IN_PROGRESS, NOW - timedelta(days=1), {"escalated_at": NOW}),
            (
                "도로가 꺼져 구멍이 났어요",
                Status.IN_PROGRESS,
                today_6pm + timedelta(days=1),
                {"urgent": True},
            ),
        ]:
            case = roads_case(text)
            Case.objects.filter(pk=case.pk).update(status=status, deadline=deadline, **extra)
        unsure = roads_case("동네 놀이터 옆 공터에 쓰레기가 쌓이고 밤에 시끄러워요")
        Case.objects.filter(pk=unsure.pk).update(
            status=Status.TRIAGE,
            department=None,
            officer=None,
            suggested_department=Department.objects.get(code="cleaning"),
            routing_confidence=0.48,
        )
        seoyeon = _staff("seoyeon", "최서연", "safety_office", None)
        taeho = _staff("taeho", "오태호", "safety_office", None)
        published(seoyeon)
        alert_submit(
            alert=alert_create(data=draft(severity="Extreme", headline_ko="대림동 대피 명령"), by=taeho),
            by=taeho,
        )
        yield str(live_server.url)


def sign_in(page: Any, base: str, username: str) -> None:
    page.goto(base + "/admin/login/")
    page.get_by_label("아이디").fill(username)
    page.get_by_label("비밀번호").fill("correct horse 42")
    page.get_by_role("button", name="로그인").click()
    page.wait_for_url(base + "/admin/")


def assert_ours(page: Any) -> None:
    text = page.locator("body").inner_text()
    assert BRAND in text
    for foreign in FOREIGN:
        assert foreign not in text, foreign


def test_staff_sign_in_on_the_districts_page_and_land_on_their_work(
    back_office: str, browser: Any, page: Any, screenshots: Path
) -> None:
    page.goto(back_office + "/admin/login/")
    assert page.title() == f"로그인 - {BRAND}"
    assert page.get_by_role("heading", level=1).inner_text().strip() == BRAND
    assert_ours(page)
    page.screenshot(path=str(screenshots / "back-office-sign-in.png"), full_page=True)

    sign_in(page, back_office, "junho")
    assert page.title() == f"대시보드 - {BRAND}"
    assert page.locator(".sidebar-custom-branding .sotong-mark").is_visible()
    roads = page.locator("#dashboard-roads-section")
    assert "새로 배정 2건" in roads.inner_text()
    assert "기한 초과 1건" in roads.inner_text()
    assert_ours(page)
    page.screenshot(path=str(screenshots / "back-office-dashboard-officer.png"), full_page=True)
    roads.get_by_role("link", name="기한 초과 1건").click()
    page.wait_for_url("**/admin/voice/?department=roads&overdue=1")
    assert "맨홀 뚜껑이 흔들려요" in page.locator("main").inner_text()

    for username, panel, shot in [
        ("doyun", "#dashboard-roads-section", "back-office-dashboard-lead.png"),
        ("haneul", "#dashboard-triage-section", "back-office-dashboard-comms.png"),
        ("seoyeon", "#dashboard-safety-section", "back-office-dashboard-safety.png"),
    ]:
        other = browser.new_context(viewport={"width": 1280, "height": 800}, locale="ko-KR")
        try:
            staff = other.new_page()
            sign_in(staff, back_office, username)
            first_panel = staff.locator("section.w-panel").first
            assert first_panel.get_attribute("id") == panel.removeprefix("#")
            assert_ours(staff)
            staff.screenshot(path=str(screenshots / shot), full_page=True)
            if username == "doyun":
                assert (
                    "맨홀 뚜껑이 흔들려요"
                    in staff.locator("#dashboard-roads-escalated + p + table").inner_text()
                )
            elif username == "haneul":
                assert "분류 대기 1건" in first_panel.inner_text()
                assert "청소행정과 (48%)" in first_panel.inner_text()
            else:
                assert "승인 대기 1건" in first_panel.inner_text()
                assert "오태호 작성: 승인할 수 있습니다" in first_panel.inner_text()
        finally:
            other.close()
