"""Alerts in Chromium: the banner and the alert pages in three languages are axe-clean, and a safety
officer draws an alert's area on the back-office map and publishes it. Screenshots in artifacts/."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sotong.safety.models import Alert, Facility
from sotong.safety.tests.alerts_fixtures import published, safety_officer
from tests.browser.resident import axe_clean

pytestmark = pytest.mark.browser


@pytest.fixture
def page(chromium_browser: Any) -> Iterator[Any]:
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 900}, locale="ko-KR")
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def alert_site(transactional_db: Any, live_server: Any, site_pages: Any) -> tuple[str, Alert]:
    officer = safety_officer("seoyeon", "최서연")
    gym = Facility.objects.create(
        kind="temporary_housing",
        name_ko="당산초등학교 체육관",
        name_en="Dangsan Elementary School gym",
        name_zh="堂山小学体育馆",
        address="서울 영등포구 당산로 1",
        lat=37.5245,
        lon=126.8985,
    )
    alert = published(officer, shelters=[gym])
    return str(live_server.url), alert


def test_the_banner_and_the_alert_pages_are_axe_clean_in_every_language(
    page: Any, alert_site: tuple[str, Alert], shots: Path, subtests: Any
) -> None:
    base, alert = alert_site
    for prefix, lang in (("/", "ko"), ("/en/", "en"), ("/zh-hans/", "zh-hans")):
        for kind, path in (
            ("home", prefix),
            ("alerts", f"{prefix}safety/alerts/"),
            ("alert", f"{prefix}safety/alerts/{alert.pk}/"),
        ):
            name = f"alert-{kind}-{lang}"
            with subtests.test(name):
                response = page.goto(base + path)
                assert response is not None and response.status == 200
                axe_clean(page, name, shots)
                assert page.locator(".alert-banner").count() == 1


def test_the_banner_announces_an_alert_once_per_browser(page: Any, alert_site: tuple[str, Alert]) -> None:
    base, _alert = alert_site

    page.goto(base + "/")
    assert page.locator('.alert-banner [role="alert"]').count() == 1

    page.goto(base + "/safety/alerts/")  # the script has remembered it
    assert page.locator('.alert-banner [role="alert"]').count() == 0
    assert page.locator(".alert-banner").count() == 1


def test_a_safety_officer_draws_a_circle_and_publishes(
    page: Any, alert_site: tuple[str, Alert], shots: Path
) -> None:
    base, _alert = alert_site
    page.goto(base + "/admin/login/")
    page.fill("#id_username", "seoyeon")
    page.fill("#id_password", "correct horse 42")
    page.click("button[type=submit]")
    page.goto(base + "/admin/safety/alerts/new/")

    page.select_option("#id_hazard", "flood")
    page.select_option("#id_severity", "Severe")
    page.fill("#id_headline_ko", "대림동 호우주의보")
    page.fill("#id_instruction_ko", "하천 산책로에 가지 마세요.")
    page.click("button[data-mode=circle]")
    page.fill("#alert-radius", "300")
    page.locator("#alert-map").click(position={"x": 300, "y": 200})
    areas = json.loads(page.input_value("#id_areas"))
    assert len(areas) == 1 and areas[0]["type"] == "circle" and areas[0]["radius_m"] == 300
    page.screenshot(path=str(shots / "alert-admin-form.png"), full_page=True)
    page.click("form.alert-form button[type=submit]")
    page.wait_for_selector("button[value=submit]")

    page.click("button[value=submit]")
    page.wait_for_selector(".alert-admin-facts")
    page.screenshot(path=str(shots / "alert-admin-published.png"), full_page=True)
    alert = Alert.objects.get(headline_ko="대림동 호우주의보")
    assert alert.state == Alert.State.PUBLISHED
    assert alert.areas[0]["type"] == "circle"
