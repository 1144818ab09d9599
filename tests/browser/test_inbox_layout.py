"""The inbox in Chromium at a desktop width and at narrow ones: case numbers, names, dongs, dates and
statuses stay on one line (never 박준/호 or 2026-/000161), and the message column keeps a readable width
(the table scrolls sideways on a phone instead)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

WIDTHS = [1280, 800, 420]
LONG_TEXT = (
    "신길3동 언덕길이 완전 빙판이에요. 방금 차가 미끄러져서 아래로 내려왔어요. 제설 좀 급하게 부탁드려요. "
    "어르신들이 많이 다니는 길이라 걱정입니다."
)


def lines_of(page: Any, selector: str) -> list[tuple[str, int]]:
    """(text, number of lines it takes) for every element matching ``selector``."""
    return page.eval_on_selector_all(
        selector,
        """els => els.map(el => {
            const range = document.createRange();
            range.selectNodeContents(el);
            const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
            return [el.textContent.trim(), tops.size];
        })""",
    )


def test_numbers_names_and_dates_never_break_inside_at_any_width(
    resident_site: str, junho: Any, browser: Any, screenshots: Path
) -> None:
    from sotong.voice.models import Case
    from sotong.voice.tests.test_inbox_pages import roads_case

    for n in range(3):
        roads_case(f"{LONG_TEXT} ({n})", title="" if n else "언덕길 빙판")
    Case.objects.update(officer=junho)

    for width in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="ko-KR")
        try:
            page = context.new_page()
            page.goto(resident_site + "/admin/login/")
            page.fill("#id_username", "junho")
            page.fill("#id_password", "correct horse 42")
            page.click("button[type=submit]")
            page.wait_for_url("**/admin/")
            page.goto(resident_site + "/admin/voice/")
            page.screenshot(path=str(screenshots / f"inbox-{width}.png"), full_page=True)

            rows = page.locator(".inbox__table tbody tr").count()
            assert rows == 3
            for column in (2, 4, 5, 6, 7, 9):  # number, kind, dong, received, deadline, officer
                cells = lines_of(
                    page,
                    f".inbox__table tbody td:nth-child({column}) .nowrap, "
                    f".inbox__table tbody td:nth-child({column}) a",
                )
                broken = [(text, n) for text, n in cells if n > 1]
                assert broken == [], f"at {width} px, column {column}: {broken}"
            widths = page.eval_on_selector_all(
                ".inbox__text", "els => els.map(el => el.getBoundingClientRect().width)"
            )
            assert min(widths) >= 180, f"at {width} px the message column is {min(widths)} px wide"
            # Korean wraps between words: no line of any cell or header starts inside a word.
            words_split = page.eval_on_selector(
                ".inbox__table",
                """table => {
                    const out = [];
                    const walker = document.createTreeWalker(table, NodeFilter.SHOW_TEXT);
                    for (let text = walker.nextNode(); text; text = walker.nextNode()) {
                        if (text.parentElement.closest(".w-sr-only")) continue;
                        const s = text.textContent;
                        for (let i = 1; i < s.length; i++) {
                            if (/\\s/.test(s[i - 1]) || /\\s/.test(s[i])) continue;
                            const range = document.createRange();
                            range.setStart(text, i - 1); range.setEnd(text, i + 1);
                            const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
                            if (tops.size > 1) out.push(s.slice(Math.max(0, i - 4), i + 4));
                        }
                    }
                    return out;
                }""",
            )
            assert words_split == [], f"at {width} px words break inside: {words_split[:5]}"
            if width >= 1280:
                # At a desktop width the whole table fits: nothing hides behind a sideways scroll.
                scroll, visible = page.eval_on_selector(
                    ".inbox__scroll", "e => [e.scrollWidth, e.clientWidth]"
                )
                assert scroll <= visible, f"at {width} px the table is {scroll} px wide in {visible} px"
        finally:
            context.close()
