"""KRDS on the resident pages, as a person sees them: screenshots of the main pages at a desktop and a phone
width (kept in the artifacts folder to look at), the KRDS stylesheet and the Pretendard GOV font applied, and
nothing wider than the window."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

PAGES = {
    "home": "/",
    "directory": "/departments/",
    "voice-form": "/voice/",
    "safety-home": "/safety/",
    "tv-index": "/tv/",
    "privacy": "/privacy/",
}
WIDTHS = [1280, 375]

LOOK = """async () => {
  await document.fonts.ready;
  const body = getComputedStyle(document.body);
  const masthead = document.getElementById('krds-masthead');
  return {
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
    fontFamily: body.fontFamily,
    pretendard: document.fonts.check('16px "Pretendard GOV"', '소통'),
    mastheadHeight: masthead ? masthead.getBoundingClientRect().height : 0,
    rootFontSize: getComputedStyle(document.documentElement).fontSize,
    // What sticks out, named, so that a failure says where to look.
    wide: [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
      .slice(0, 5).map((el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + '.' + [...el.classList].join('.')),
  };
}"""


def test_the_main_resident_pages_wear_krds_at_desktop_and_phone_widths(
    page: Any, resident_site: str, screenshots: Path, subtests: Any
) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for name, path in PAGES.items():
            with subtests.test(f"{name} at {width}px"):
                response = page.goto(resident_site + path)
                assert response is not None and response.status == 200
                look = page.evaluate(LOOK)
                page.screenshot(path=str(screenshots / f"krds-{name}-{width}.png"), full_page=True)

                assert look["fontFamily"].startswith('"Pretendard GOV"'), look
                assert look["pretendard"], "Pretendard GOV did not load"
                # KRDS is rescaled to the reader's default size: 1rem stays 16 px.
                assert look["rootFontSize"] == "16px"
                assert look["mastheadHeight"] > 0
                assert look["scrollWidth"] <= look["clientWidth"] + 1, f"scrolls sideways: {look}"
