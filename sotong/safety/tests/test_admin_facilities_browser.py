"""The safety office's back office in Chromium: the layer list shows how stale each layer is."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture
def page(chromium_browser: Any) -> Iterator[Any]:
    context = chromium_browser.new_context(viewport={"width": 1366, "height": 900}, locale="ko-KR")
    context.set_default_timeout(20_000)
    yield context.new_page()
    context.close()


def test_the_safety_office_sees_layers_with_their_review_age(
    transactional_db: Any, live_server: Any, district: Any, page: Any, artifacts_dir: Path
) -> None:
    from conftest import _staff
    from sotong.safety.demo_data import load_sample_facilities, load_sample_layers

    _staff("anjeon", "최안전", "safety_office", "safety")
    load_sample_facilities()
    load_sample_layers()
    shots = artifacts_dir / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)

    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", "anjeon")
    page.fill("input[name=password]", "correct horse 42")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")

    page.goto(f"{live_server.url}/admin/snippets/safety/maplayer/")
    row = page.locator("tr", has_text="산사태·급경사지")
    assert "14개월 전 점검" in row.inner_text()
    assert "점검 필요" in row.inner_text()
    assert "공원녹지과" in row.inner_text()
    page.screenshot(path=str(shots / "safety-admin-layers.png"), full_page=True)

    page.goto(f"{live_server.url}/admin/snippets/safety/facility/?kind=civil_defence")
    assert page.locator("text=(예시)").first.is_visible()
    page.screenshot(path=str(shots / "safety-admin-facilities.png"))
