"""The e-mail confirmation and unsubscribe pages in Chromium: a button, no JavaScript needed, axe-clean."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sotong.safety.models import Subscriber
from sotong.safety.services.subscribers import confirmation_token, contact_subscribe
from sotong.safety.tests.push_fixtures import DANGSAN1
from tests.browser.resident import axe_clean

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("locale", ["ko-KR", "en-US", "zh-CN"])
def test_a_resident_confirms_and_later_stops_email_alerts(
    chromium_browser: Any,
    transactional_db: Any,
    live_server: Any,
    site_pages: Any,
    shots: Path,
    locale: str,
) -> None:
    subscriber = contact_subscribe(
        channel="email", contact="minji@example.com", places=[DANGSAN1], language=locale[:2]
    )
    context = chromium_browser.new_context(locale=locale, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/api/safety/push/confirm/{confirmation_token(subscriber)}")
    page.screenshot(path=str(shots / f"push-confirm-{locale}.png"), full_page=True)
    page.get_by_role("main").get_by_role("button").click()
    page.wait_for_load_state()
    page.screenshot(path=str(shots / f"push-confirmed-{locale}.png"), full_page=True)
    assert page.get_by_role("status").count() == 1
    subscriber.refresh_from_db()
    assert subscriber.confirmed
    context.close()
    # axe needs JavaScript: a second browser context with it on.
    context = chromium_browser.new_context(locale=locale)
    page = context.new_page()
    page.goto(f"{live_server.url}/api/safety/push/confirm/{confirmation_token(subscriber)}")
    axe_clean(page, f"push-confirm-js-{locale}", shots)
    page.goto(f"{live_server.url}/api/safety/push/unsubscribe/{subscriber.token}")
    axe_clean(page, f"push-unsubscribe-{locale}", shots)
    page.get_by_role("main").get_by_role("button").click()
    page.wait_for_load_state()
    assert not Subscriber.objects.filter(pk=subscriber.pk).exists()
    context.close()
