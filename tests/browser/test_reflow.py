"""200% zoom and narrow phones: every page reflows with no horizontal scrolling (WCAG 1.4.10)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.resident import ALL_PAGES, LANGUAGES, open_page

pytestmark = pytest.mark.browser

# 640 CSS pixels is a 1280-pixel-wide window at 200% zoom; 320 is the width WCAG 1.4.10 names.
WIDTHS = [640, 320]

LAYOUT = """() => {
  const width = document.documentElement.clientWidth;
  const offscreen = (selector) => [...document.querySelectorAll(selector + ' a')]
    .filter((a) => { const box = a.getBoundingClientRect();
      return box.width === 0 || box.height === 0 || box.left < 0 || box.right > width
        || getComputedStyle(a).visibility !== 'visible'; })
    .map((a) => a.textContent.trim());
  return {
    scrollWidth: document.documentElement.scrollWidth, clientWidth: width,
    nav: document.querySelectorAll('nav.site-nav a').length, navOffscreen: offscreen('nav.site-nav'),
    switcher: document.querySelectorAll('nav.lang-switcher a').length, switcherOffscreen: offscreen('nav.lang-switcher'),
  };
}"""


def test_every_page_reflows_without_horizontal_scrolling_at_640_and_320_pixels(
    page: Any, resident_site: str, screenshots: Path, subtests: Any
) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        for resident_page in ALL_PAGES:
            with subtests.test(f"{resident_page.name} at {width}px"):
                open_page(page, resident_site, resident_page)
                if width == min(WIDTHS):
                    page.screenshot(
                        path=str(screenshots / f"{resident_page.name}-{width}px.png"), full_page=True
                    )

                layout = page.evaluate(LAYOUT)
                assert layout["scrollWidth"] <= layout["clientWidth"] + 1, f"scrolls sideways: {layout}"
                assert layout["switcher"] == len(LANGUAGES)
                assert layout["switcherOffscreen"] == []
                assert layout["nav"] > 0, "the main menu is empty"
                assert layout["navOffscreen"] == []
