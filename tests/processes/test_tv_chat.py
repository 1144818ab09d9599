"""The 소통TV chat as residents and the studio use it, on `sotong serve` (websockets) in Chromium: a line
sent from one browser appears in another; the producer takes a question from the desk on air and the
OBS overlay shows it; the pages stay accessible after the interactions."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tests.browser.resident import axe_clean

from .conftest import Processes, wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.fixture
def served(processes: Processes, base_env: dict[str, str]) -> str:
    _, port = processes.serve(env=base_env)
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def live_broadcast(district: Any) -> Any:
    from sotong.tv.models import Broadcast, Show

    show = Show.objects.create(slug="news", title_ko="구정뉴스")
    now = timezone.now()
    return Broadcast.objects.create(
        show=show,
        title_ko="12월 구정뉴스: 주민과의 대화",
        starts_at=now - timedelta(minutes=5),
        ends_at=now + timedelta(hours=1),
        state="live",
        chat_slow_seconds=0,
    )


def text_of(page: Any, selector: str) -> str:
    return str(page.locator(selector).inner_text())


def test_a_line_from_one_browser_appears_in_another_and_the_desk_puts_a_question_on_air(
    served: str, live_broadcast: Any, site_pages: Any, chromium_browser: Any, shots: Path
) -> None:
    from conftest import _staff

    url = f"{served}/tv/{live_broadcast.pk}/"
    writer_context = chromium_browser.new_context(viewport={"width": 1280, "height": 900}, locale="ko-KR")
    reader_context = chromium_browser.new_context(viewport={"width": 390, "height": 844}, locale="ko-KR")
    writer, reader = writer_context.new_page(), reader_context.new_page()
    for page in (writer, reader):
        page.goto(url)
        wait_until(lambda p=page: p.locator("#tv-chat-form").is_visible(), timeout=15, message="chat ready")

    writer.fill("#tv-chat-name", "당산동주민")
    writer.fill("#tv-chat-body", "불꽃놀이 때 여의나루역 혼잡 대책이 궁금합니다. 제 번호 010-1234-5678")
    writer.check("#tv-chat-question")
    writer.press("#tv-chat-body", "Enter")
    wait_until(
        lambda: "불꽃놀이" in text_of(reader, "#tv-chat-log"), timeout=10, message="line in the other browser"
    )
    line = text_of(reader, "#tv-chat-log")
    assert "당산동주민" in line and "010-****-5678" in line and "1234-5678" not in line
    assert writer.locator("#tv-chat-body").input_value() == ""  # sent
    # Announced politely after a moment (one line: read out; a flood would be summarised).
    wait_until(lambda: "불꽃놀이" in text_of(reader, "#tv-chat-announce"), timeout=10, message="announced")
    axe_clean(reader, "tv-chat-reader-phone-ko", shots)
    # 390 CSS pixels wide (a phone, or a 780-pixel window at 200 % zoom): nothing scrolls sideways.
    assert reader.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # A link waits for a moderator: the writer is told, the reader sees nothing.
    writer.fill("#tv-chat-body", "자세한 건 www.example.com 보세요")
    writer.press("#tv-chat-body", "Enter")
    wait_until(lambda: "확인한 뒤" in text_of(writer, "#tv-chat-status"), timeout=10, message="held notice")
    assert "example" not in text_of(reader, "#tv-chat-log")

    # The producer: the question is on the desk; on air, it shows on the overlay and to viewers.
    studio = _staff("studio", "오방송", "broadcaster", "pr")
    client = Client()
    client.force_login(studio, backend="django.contrib.auth.backends.ModelBackend")
    desk_context = chromium_browser.new_context(viewport={"width": 1280, "height": 900}, locale="ko-KR")
    desk_context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": served}]
    )
    desk = desk_context.new_page()
    desk.goto(f"{served}/admin/tv/broadcasts/{live_broadcast.pk}/desk/")
    questions = desk.locator("section[aria-labelledby='questions-heading']")
    assert "불꽃놀이" in questions.inner_text()
    assert "www.example.com" in desk.locator("section[aria-labelledby='held-heading']").inner_text()
    overlay_context = chromium_browser.new_context(viewport={"width": 1920, "height": 1080})
    overlay = overlay_context.new_page()
    overlay.goto(f"{served}/tv/{live_broadcast.pk}/overlay/")
    assert overlay.locator("#tv-overlay-card").is_hidden()

    questions.locator("button[value='on_air']").first.click()
    wait_until(lambda: "오버레이" in text_of(desk, "#tv-desk-status"), timeout=10, message="desk answer")
    wait_until(lambda: overlay.locator("#tv-overlay-card").is_visible(), timeout=10, message="overlay card")
    assert "불꽃놀이" in text_of(overlay, "#tv-overlay-body")
    assert text_of(overlay, "#tv-overlay-source") == "소통TV"
    wait_until(lambda: "불꽃놀이" in text_of(reader, "#tv-on-air"), timeout=10, message="on air for viewers")
    overlay.screenshot(path=str(shots / "tv-overlay-on-air.png"), omit_background=True)
    # The held line is approved from the desk and reaches the viewers.
    desk.locator("section[aria-labelledby='held-heading'] button[value='approve']").first.click()
    wait_until(lambda: "www.example.com" in text_of(reader, "#tv-chat-log"), timeout=10, message="approved")
    desk.screenshot(path=str(shots / "tv-desk-ko.png"), full_page=True)
    axe_clean(writer, "tv-chat-writer-ko", shots)
    for context in (writer_context, reader_context, desk_context, overlay_context):
        context.close()
