"""The safety office uploads a real CAP document in Chromium and sees it listed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser
FIXTURES = Path(__file__).parent / "fixtures" / "cap"


def test_the_safety_office_uploads_a_cap_document(
    transactional_db: Any, live_server: Any, district: Any, chromium_browser: Any, artifacts_dir: Path
) -> None:
    from conftest import _staff
    from sotong.safety.models import Alert

    _staff("anjeon", "최안전", "safety_office", "safety")
    context = chromium_browser.new_context(viewport={"width": 1366, "height": 900}, locale="ko-KR")
    context.set_default_timeout(20_000)
    page = context.new_page()
    shots = artifacts_dir / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    try:
        page.goto(f"{live_server.url}/admin/login/")
        page.fill("input[name=username]", "anjeon")
        page.fill("input[name=password]", "correct horse 42")
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/admin/")

        page.goto(f"{live_server.url}/admin/safety/alerts/")
        page.get_by_label("CAP 문서 또는 특보·재난문자 API 응답 파일").set_input_files(
            str(FIXTURES / "sotong-kr-heavy-rain.cap")
        )
        page.get_by_role("button", name="파일 가져오기").click()
        page.wait_for_url(f"{live_server.url}/admin/safety/alerts/")

        alert = Alert.objects.get()
        assert "가져온 특보 1건" in page.inner_text("body")
        imported = page.locator("section", has=page.locator("#imported-heading"))
        assert alert.headline_ko in imported.inner_text()
        page.screenshot(path=str(shots / "safety-admin-cap-upload.png"), full_page=True)

        # A document that tries an XML entity attack is refused with its reason; nothing is stored.
        page.get_by_label("CAP 문서 또는 특보·재난문자 API 응답 파일").set_input_files(
            str(FIXTURES / "caplib-xee.cap")
        )
        page.get_by_role("button", name="파일 가져오기").click()
        page.wait_for_url(f"{live_server.url}/admin/safety/alerts/")
        assert "가져오지 못했습니다 (upload:caplib-xee.cap)" in page.inner_text("body")
        assert Alert.objects.count() == 1
        page.screenshot(path=str(shots / "safety-admin-cap-upload-refused.png"), full_page=True)
    finally:
        context.close()
