"""Keyboard users see where they are: every focusable element draws an outline or a ring (WCAG 2.4.7)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.resident import ALL_PAGES, open_page

pytestmark = pytest.mark.browser

FOCUS_STYLE = """() => {
  const el = document.activeElement, style = getComputedStyle(el);
  return {
    tag: el.tagName.toLowerCase(),
    text: (el.innerText || el.value || el.id || '').trim().slice(0, 40),
    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0,
    shadow: style.boxShadow !== 'none',
  };
}"""


def test_every_focusable_element_shows_a_visible_focus_indicator(
    page: Any, resident_site: str, subtests: Any
) -> None:
    for resident_page in ALL_PAGES:
        with subtests.test(resident_page.name):
            open_page(page, resident_site, resident_page)
            total = page.evaluate(
                "document.querySelectorAll('a[href], button, input, select, textarea').length"
            )

            unmarked, reached = [], 0
            for _ in range(total):
                # Keyboard focus, as a resident would move it: :focus-visible applies to it.
                page.keyboard.press("Tab")
                focused = page.evaluate(FOCUS_STYLE)
                if focused["tag"] == "body":
                    break
                reached += 1
                if not (focused["outline"] or focused["shadow"]):
                    unmarked.append(f"<{focused['tag']}> {focused['text']}")

            assert reached == total, f"Tab reached {reached} of {total} focusable elements"
            assert not unmarked, "no visible focus indicator on:\n" + "\n".join(unmarked)
