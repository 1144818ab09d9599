"""The back office is the district's, in Korean: its name and mark on the sign-in page, the title bar and the
dashboard, no Wagtail name or bird, no English label or Wagtail guide; the comms team lands on the triage queue
and the safety office on its alerts (decision 0069)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client

from sotong.safety.models import Alert
from sotong.safety.services.alerts import alert_create, alert_submit
from sotong.safety.tests.alerts_fixtures import draft, published, seoyeon, taeho  # noqa: F401
from sotong.voice.tests.test_inbox_pages import signed_in

pytestmark = pytest.mark.django_db

BRAND = "영등포구 소통 관리"
FOREIGN = ("Wagtail", "wagtail", "웨그테일", "워그테일", "Password", "Search all pages", "editor guide")
# Attributes whose words a reader sees or hears.
READ_ATTRIBUTES = {"aria-label", "placeholder", "title", "alt"}


class _Words(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.words: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self._skip += 1
        self.words += [value for name, value in attrs if name in READ_ATTRIBUTES and value]

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"}:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.words.append(data.strip())


def words(page: str) -> str:
    """What a reader of the page sees or hears: text and labelling attributes, without scripts or styles."""
    parser = _Words()
    parser.feed(page)
    return " ".join(parser.words)


def sidebar_menu(page: str) -> str:
    """The sidebar's menu, which Wagtail's script draws from this JSON."""
    match = re.search(
        r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>', page, re.S
    )
    assert match, "no sidebar props"
    return json.dumps(json.loads(match[1]), ensure_ascii=False)


def assert_ours(page: str) -> None:
    read = words(page)
    assert BRAND in read
    for foreign in FOREIGN:
        assert foreign not in read, f"{foreign!r} in {read!r}"


def test_the_sign_in_page_is_the_districts_in_korean(district: Any) -> None:
    page = Client().get("/admin/login/").text

    assert_ours(page)
    assert f"<title>로그인 - {BRAND}</title>" in page
    assert re.search(r'<label[^>]*for="id_password"[^>]*>\s*비밀번호', page)
    assert re.search(r'<label[^>]*for="id_username"[^>]*>\s*아이디', page)
    assert "로그인 상태 유지" in words(page)
    assert 'href="/static/sotong/img/favicon.svg"' in page
    assert "wagtailadmin/images/favicon.ico" not in page
    assert 'class="sotong-mark' in page and "icon-wagtail" not in page


def test_the_sign_in_page_is_korean_whatever_the_browser_asks(district: Any) -> None:
    page = Client(headers={"accept-language": "en-US,en;q=0.9"}).get("/admin/login/").text
    assert BRAND in words(page)


def test_the_dashboard_is_the_districts_in_korean(junho: Any) -> None:
    page = signed_in(junho).get("/admin/").text

    assert_ours(page)
    assert f"<title>대시보드 - {BRAND}</title>" in page
    assert "홈페이지 페이지 검색" not in page  # an officer edits no pages: no page search
    # The sidebar shows our mark and name; its help menu keeps only the keyboard shortcuts.
    logo = re.search(r"<template data-wagtail-sidebar-branding-logo>(.*?)</template>", page, re.S)
    assert logo and "sotong-mark" in logo[1] and BRAND in logo[1]
    menu = sidebar_menu(page)
    assert "Editor Guide" not in menu and "What's new" not in menu and "에디터 사용법" not in menu
    assert "단축키" in menu


def test_staff_without_a_language_preference_get_korean_with_an_english_browser(junho: Any) -> None:
    client = signed_in(junho)
    page = client.get("/admin/", headers={"accept-language": "en-US,en;q=0.9"}).text

    assert '<html lang="ko"' in page
    assert "대시보드" in words(page) and "Dashboard" not in words(page)


def test_the_comms_team_lands_on_the_triage_queue_after_signing_in(haneul: Any) -> None:
    client = Client()
    response = client.post(
        "/admin/login/",
        {"username": "haneul", "password": "correct horse 42", "next": "/admin/"},
        follow=True,
    )

    assert response.redirect_chain == [("/admin/", 302)]
    page = response.text
    panels = re.findall(r'<section class="w-panel[^>]*>', page)
    assert panels and 'id="dashboard-triage-section"' in panels[0]
    assert 'href="/admin/voice/?department=triage"' in page
    # …and the queue is one click away from every page.
    assert "/admin/voice/?department=triage" in sidebar_menu(page)


def test_the_safety_office_sees_alerts_in_force_and_those_awaiting_a_second_approval(
    seoyeon: Any,  # noqa: F811
    taeho: Any,  # noqa: F811
) -> None:
    in_force = published(seoyeon)
    extreme = alert_submit(
        alert=alert_create(data=draft(severity="Extreme", headline_ko="대림동 대피 명령"), by=seoyeon),
        by=seoyeon,
    )
    assert extreme.state == Alert.State.PENDING

    author_page = signed_in(seoyeon).get("/admin/").text
    approver_page = signed_in(taeho).get("/admin/").text

    for page in (author_page, approver_page):
        section = page[page.index('id="dashboard-safety-section"') :]
        assert re.search(r'발령 중 <strong class="sotong-figure__count">1</strong>건', section)
        assert re.search(r'승인 대기 <strong class="sotong-figure__count">1</strong>건', section)
        assert in_force.headline_ko in section and "대림동 대피 명령" in section
    assert "내가 작성: 다른 담당자가 승인합니다" in author_page
    assert "최서연 작성: 승인할 수 있습니다" in approver_page


def test_an_officer_has_no_safety_or_triage_panel(junho: Any, seoyeon: Any) -> None:  # noqa: F811
    published(seoyeon)
    page = signed_in(junho).get("/admin/").text
    assert "dashboard-safety" not in page and "dashboard-triage" not in page
    assert "/admin/voice/?department=triage" not in page
