"""열린구청장실 in a real browser: axe-core on every page in Korean, English and Chinese and after each
interaction (similar proposals shown as one types, form errors, support given, a second support refused),
and the whole path: a resident proposes and supports once, a second support with the same identity is refused,
an officer answers from the back office, and the supporter sees the answer and is told through the outbox."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from conftest import _staff
from tests.browser.resident import LANGUAGES, axe_clean

pytestmark = pytest.mark.browser

PAGES = [
    "",
    "proposals/",
    "proposals/{pk}/",
    "proposals/new/",
    "verify/",
    "about/",
    "messages/",
    "messages/{message}/",
    "schedule/",
    "letter/",
    "statistics/",
]


@pytest.fixture
def petitions_site(resident_site: str, settings: Any) -> str:
    settings.PETITIONS_TEST_PROVIDER = True
    settings.PETITIONS_REVIEW_THRESHOLD = 2
    settings.PETITIONS_MAYOR_THRESHOLD = 100
    return resident_site


def test_no_petitions_page_has_a_serious_or_critical_axe_violation(
    page: Any, petitions_site: str, screenshots: Path, subtests: Any
) -> None:
    from sotong.petitions.demo import load_demo
    from sotong.petitions.models import MayorMessage, Proposal

    load_demo(stdout=io.StringIO())
    overdue = Proposal.objects.get(stage="review")
    message = MayorMessage.objects.first()
    assert message is not None
    for lang, prefix in LANGUAGES.items():
        for path in PAGES:
            url = f"{petitions_site}{prefix}mayor/{path.format(pk=overdue.pk, message=message.pk)}"
            name = f"petitions-{path.strip('/').replace('/', '-').replace('{pk}', 'detail').replace('{message}', 'detail') or 'index'}-{lang.lower()}"
            with subtests.test(name):
                response = page.goto(url)
                assert response is not None and response.status == 200, url
                assert page.locator("html").get_attribute("lang") == lang
                axe_clean(page, name, screenshots)


def test_a_resident_proposes_supports_once_and_sees_the_officers_answer(
    browser: Any, page: Any, petitions_site: str, screenshots: Path
) -> None:
    from sotong.connectors.models import Delivery
    from sotong.petitions.identity import Identity, identity_digest
    from sotong.petitions.models import Proposal
    from sotong.petitions.services.notify import send_digests
    from sotong.petitions.services.proposals import proposal_create

    proposal_create(
        identity=Identity(identity_digest(provider="test", subject="이웃"), "test"),
        title="영등포역 앞 횡단보도 신호 시간 연장",
        body="영등포역 앞 횡단보도는 신호가 짧아 어르신들이 다 건너기 전에 빨간불이 됩니다. 신호 시간을 늘려 주세요.",
        topic="traffic",
        dong=None,
        author_name="이웃",
    )
    base = petitions_site
    _staff("taeho", "윤태호", "officer", "traffic")

    # Form errors first: nothing written.
    page.goto(base + "/mayor/proposals/new/")
    page.get_by_role("button", name="비슷한 제안 확인하기").click()
    expect(page.locator("#form-errors")).to_be_visible()
    expect(page.locator("#form-errors")).to_contain_text("제목을 써 주세요.")
    axe_clean(page, "petitions-propose-errors", screenshots)

    # Similar proposals appear while the resident types.
    page.get_by_label("제목").fill("영등포역 횡단보도 신호")
    page.get_by_label("제안 내용").fill(
        "횡단보도 신호 시간이 너무 짧아서 건너기 어렵습니다. 신호를 길게 해 주세요."
    )
    # (The server loads Kiwi's model on its first similarity: a few seconds the first time.)
    expect(page.locator("#similar-live .petitions-similar")).to_contain_text(
        "영등포역 앞 횡단보도 신호 시간 연장", timeout=20_000
    )
    axe_clean(page, "petitions-propose-similar", screenshots)

    # Proposes its own anyway (a different point: a speed bump), verifying on the way.
    page.get_by_label("제목").fill("영등포역 앞 과속방지턱 설치를 제안합니다")
    page.get_by_label("제안 내용").fill(
        "영등포역 앞 골목에서 차들이 빠르게 달려 아이들이 위험합니다. 과속방지턱을 설치해 주세요."
    )
    page.get_by_label("분야").select_option("traffic")
    page.get_by_label("제안자 이름 (별명도 됩니다)").fill("김민지")
    page.get_by_role("button", name="비슷한 제안 확인하기").click()
    page.get_by_role("button", name="이대로 제안 올리기").click()
    page.wait_for_url("**/mayor/verify/**")
    page.get_by_label("시험용 이름").fill("민지")
    page.get_by_role("button", name="확인").first.click()
    page.wait_for_url("**/mayor/proposals/new/")
    page.get_by_role("button", name="비슷한 제안 확인하기").click()
    page.get_by_role("button", name="이대로 제안 올리기").click()
    page.wait_for_url("**/mayor/proposals/*/")
    proposal = Proposal.objects.get(title="영등포역 앞 과속방지턱 설치를 제안합니다")
    expect(page.locator(".petitions-stage")).to_contain_text("모집 중")

    # A second tab holds the same form: the same person will try to support twice.
    second_tab = page.context.new_page()
    second_tab.goto(page.url)

    # Supports it once, asking to be told by e-mail.
    page.get_by_label("이메일", exact=True).check()
    page.get_by_label("이메일 주소 또는 휴대전화 번호").fill("minji@example.kr")
    page.get_by_role("button", name="공감하기").click()
    expect(page.locator(".petitions-done")).to_contain_text("이 제안에 공감하셨습니다.")
    axe_clean(page, "petitions-supported", screenshots)

    # The second support with the same identity is refused, with a clear message.
    second_tab.get_by_role("button", name="공감하기").click()
    expect(second_tab.locator("#form-errors")).to_contain_text(
        "이미 이 제안에 공감하셨습니다. 한 사람은 한 제안에 한 번만 공감할 수 있습니다."
    )
    axe_clean(second_tab, "petitions-support-refused", screenshots)
    second_tab.close()

    other = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ko-KR")
    try:
        again = other.new_page()
        # The same person on another device is told they supported already.
        again.goto(f"{base}/mayor/verify/?next=/mayor/proposals/{proposal.pk}/")
        again.get_by_label("시험용 이름").fill("민지")
        again.get_by_role("button", name="확인").first.click()
        again.wait_for_url(f"**/mayor/proposals/{proposal.pk}/")
        expect(again.locator(".petitions-done")).to_contain_text("이 제안에 공감하셨습니다.")
        # Someone else supports: the threshold (2 here) sends it to 교통행정과.
        again.goto(f"{base}/mayor/verify/?next=/mayor/proposals/{proposal.pk}/")
        again.get_by_label("시험용 이름").fill("준호")
        again.get_by_role("button", name="확인").first.click()
        again.get_by_role("button", name="공감하기").click()
        expect(again.locator(".petitions-stage")).to_contain_text("부서 검토")
    finally:
        other.close()
    proposal.refresh_from_db()
    assert (proposal.support_count, proposal.stage) == (2, "review")

    # The officer answers from the back office.
    officer = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ko-KR")
    try:
        staff = officer.new_page()
        staff.goto(base + "/admin/login/")
        staff.fill("#id_username", "taeho")
        staff.fill("#id_password", "correct horse 42")
        staff.click("button[type=submit]")
        staff.goto(base + "/admin/petitions/")
        staff.get_by_role("link", name=proposal.title).click()
        staff.fill(
            "#answer-text", "현장을 확인하고 과속방지턱 두 곳을 설치하기로 했습니다. 다음 주에 공사합니다."
        )
        staff.fill("#outcome-text", "과속방지턱 2곳 설치 결정")
        staff.fill("#outcome-url", "https://www.ydp.go.kr/traffic/")
        staff.get_by_role("button", name="답변 게시").click()
        staff.get_by_text("답변을 게시했습니다.").wait_for()
        staff.screenshot(path=str(screenshots / "petitions-officer-answer.png"), full_page=True)
    finally:
        officer.close()

    # The supporter sees the answer, and the digest tells them by e-mail.
    page.reload()
    expect(page.locator("#answer")).to_contain_text("과속방지턱 두 곳을 설치하기로 했습니다")
    expect(page.get_by_role("link", name="과속방지턱 2곳 설치 결정")).to_have_attribute(
        "href", "https://www.ydp.go.kr/traffic/"
    )
    expect(page.locator(".petitions-stage")).to_contain_text("답변 완료")
    axe_clean(page, "petitions-answered", screenshots)
    send_digests()
    told = Delivery.objects.get(channel="email")
    assert told.recipient == "minji@example.kr"
    assert "답변 완료" in told.payload["text"]
