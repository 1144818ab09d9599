"""The resident voice end to end in Chromium: a resident sends a case from the homepage form, the roads
officer answers it in the back office, and the resident reads the answer on the tracking page — with
axe-core clean on every resident page on the way."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tests.browser.resident import axe_clean

pytestmark = pytest.mark.browser


def jpeg(path: Path) -> Path:
    Image.new("RGB", (640, 480), (120, 140, 160)).save(path, format="JPEG")
    return path


def test_a_case_goes_from_the_form_to_the_officer_and_the_answer_back_to_the_resident(
    resident_site: str, context: Any, browser: Any, screenshots: Path, tmp_path: Path
) -> None:
    from sotong.voice.models import Case
    from sotong.voice.services.routing import case_route

    page = context.new_page()
    page.goto(resident_site + "/voice/")
    axe_clean(page, "voice-form-ko", screenshots)

    page.get_by_label("신고·처리 요청").check()
    page.get_by_label("분야 (모르면 비워 두세요)").select_option("road_damage")
    page.get_by_label("내용").fill("당산역 4번 출구 앞 보도블록이 깨져서 할머니가 걸려 넘어지셨어요.")
    page.get_by_label("행정동").select_option("dangsan1")
    page.get_by_label("주소 또는 장소").fill("당산역 4번 출구")
    page.get_by_label("사진 (최대 5장)").set_input_files(str(jpeg(tmp_path / "보도.jpg")))
    page.get_by_label("휴대전화").fill("010-1234-5678")
    page.get_by_label("연락처 수집·이용에 동의합니다.").check()
    page.get_by_role("button", name="보내기").click()

    page.wait_for_url(re.compile(r"/voice/submitted/\d{4}-\d{6}/"))
    number = page.locator(".case-number").inner_text().strip()
    axe_clean(page, "voice-submitted-ko", screenshots)
    tracking = page.get_by_role("link", name="진행 상황 보기").get_attribute("href")
    assert tracking

    # The worker's part: route the stored case (by its category, to 도로과).
    case = Case.objects.get(number=number)
    assert case.attachments.count() == 1
    case_route(case=case)

    officer = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ko-KR")
    try:
        staff = officer.new_page()
        staff.goto(resident_site + "/admin/login/")
        staff.fill("#id_username", "junho")
        staff.fill("#id_password", "correct horse 42")
        staff.click("button[type=submit]")
        staff.goto(resident_site + "/admin/voice/")
        staff.get_by_role("link", name=number).click()
        staff.wait_for_url(f"**/admin/voice/cases/{number}/")
        assert "당산역 4번 출구" in staff.content()
        staff.fill("#reply-body", "오늘 오후에 깨진 보도블록을 교체했습니다. 다치신 분께 위로를 전합니다.")
        staff.get_by_role("button", name="답변 보내기 (답변 완료)").click()
        staff.get_by_text("답변을 보냈습니다.").wait_for()
        staff.screenshot(path=str(screenshots / "voice-officer-case.png"), full_page=True)
    finally:
        officer.close()

    page.goto(resident_site + tracking)
    assert "오늘 오후에 깨진 보도블록을 교체했습니다." in page.content()
    assert "답변 완료" in page.content()
    assert "도로과" in page.content()
    assert page.locator(".photos img").count() == 1
    axe_clean(page, "voice-tracking-ko", screenshots)


def test_a_mistake_in_the_form_is_explained_in_the_residents_language(
    resident_site: str, page: Any, screenshots: Path
) -> None:
    page.goto(resident_site + "/en/voice/")
    page.get_by_label("Mobile phone").fill("010-1234-5678")
    page.get_by_role("button", name="Send").click()
    summary = page.locator("#error-summary")
    assert summary.is_visible()
    text = summary.inner_text()
    assert "agree" in text.lower()
    assert re.search(r"[가-힣]", text) is None, text
    axe_clean(page, "voice-form-errors-en", screenshots)


@pytest.mark.parametrize(
    "path", ["/voice/answered/", "/en/voice/answered/", "/voice/stats/", "/zh-hans/voice/stats/"]
)
def test_the_public_answers_and_statistics_have_no_serious_axe_violation(
    resident_site: str, page: Any, screenshots: Path, path: str
) -> None:
    response = page.goto(resident_site + path)
    assert response is not None and response.status == 200
    axe_clean(page, "voice" + path.replace("/", "-").rstrip("-"), screenshots)
