"""Live captions end to end: ffmpeg pushes to `sotong tv`, Chromium plays the broadcast's page, a captioner
types a line on the caption desk and presses Enter, and the player shows it — as an active cue of the video's
text track, placed on the media timeline from EXT-X-PROGRAM-DATE-TIME, and in the caption region under the
picture. axe-core then finds no serious or critical violation on the player with captions on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.resident import axe_clean

from . import test_tv_ingest
from .conftest import wait_until

pytestmark = pytest.mark.django_db(transaction=True)

# The broadcast on air with its key, and `sotong tv` on a free port: the ingest test's own fixtures.
on_air = test_tv_ingest.on_air
ingest = test_tv_ingest.ingest

LINE = "안녕하십니까, 구청장입니다."
ACTIVE_CUES = (
    """v => Array.from(v.textTracks).flatMap(t => Array.from(t.activeCues || []).map(c => c.text))"""
)


def sign_in(page: Any, base: str) -> None:
    page.goto(base + "/admin/login/")
    page.fill("#id_username", "studio")
    page.fill("#id_password", "correct horse 42")
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/")


@pytest.mark.browser
def test_a_line_typed_on_the_desk_shows_on_the_playing_video(
    on_air: tuple[Any, str],
    ingest: tuple[int, Path],
    live_server: Any,
    site_pages: Any,
    settings: Any,
    chromium_browser: Any,
    shots: Path,
) -> None:
    broadcast, key = on_air
    port, hls = ingest
    settings.TV_HLS_DIR = hls
    encoder = test_tv_ingest.push(f"rtmp://127.0.0.1:{port}/live/{key}", seconds=60)
    viewer = chromium_browser.new_context(viewport={"width": 1280, "height": 900}, locale="ko-KR")
    studio = chromium_browser.new_context(viewport={"width": 1280, "height": 900}, locale="ko-KR")
    try:
        folder = hls / f"b{broadcast.pk}" / "240p"
        wait_until(lambda: len(list(folder.glob("seg_*.ts"))) >= 2, timeout=30, message="segments")

        player = viewer.new_page()
        player.goto(f"{live_server.url}/tv/{broadcast.pk}/")
        video = player.locator("#tv-video")
        # Polled from here: the page's CSP refuses the eval Playwright's wait_for_function polls with.
        wait_until(lambda: video.evaluate("v => v.currentTime") > 0.5, timeout=20, message="playback")
        assert player.locator("#tv-captions-toggle").get_attribute("aria-pressed") == "true"

        desk = studio.new_page()
        sign_in(desk, live_server.url)
        desk.goto(f"{live_server.url}/admin/tv/broadcasts/{broadcast.pk}/captions/")
        field = desk.locator("#tv-caption-text")
        field.focus()  # the captioner's keyboard only, from here
        desk.keyboard.type(LINE)
        desk.keyboard.press("Enter")
        wait_until(lambda: desk.locator("#tv-caption-recent li").count() == 1, timeout=10, message="sent")
        assert field.input_value() == ""
        assert desk.locator("#tv-caption-status").inner_text() == "보냈습니다."
        desk.screenshot(path=str(shots / "tv-caption-desk.png"), full_page=True)
        cue = broadcast.caption_cues.get()
        assert cue.text == LINE

        region = player.locator("#tv-captions-text")
        wait_until(lambda: LINE in video.evaluate(ACTIVE_CUES), timeout=20, message="an active cue")
        assert region.inner_text() == LINE and region.is_visible()
        # On the media timeline: the cue starts where the video's date reaches the moment it was sent.
        placed = video.evaluate(
            "v => { const c = Array.from(v.textTracks).flatMap(t => Array.from(t.cues || []))[0];"
            " return [c.startTime, v.currentTime, window.sotongTvPlayer.playingDate.getTime()]; }"
        )
        start, current, playing = placed
        assert abs((playing + (start - current) * 1000) - cue.at.timestamp() * 1000) < 1500, placed
        player.screenshot(path=str(shots / "tv-player-caption.png"))

        # Switched off and on by its button, which says whether it is pressed.
        toggle = player.locator("#tv-captions-toggle")
        toggle.click()
        assert toggle.get_attribute("aria-pressed") == "false" and not region.is_visible()
        assert video.evaluate("v => Array.from(v.textTracks).map(t => t.mode)") == ["disabled"]
        toggle.press("Enter")
        assert toggle.get_attribute("aria-pressed") == "true" and region.is_visible()

        # A line from the page's websocket (chat.js re-dispatches each event on the document) joins the
        # same track: here one dated at the moment playing now.
        player.evaluate(
            """() => document.dispatchEvent(new CustomEvent("sotong:tv", {detail: {type: "caption",
                id: 1000000, text: "두 번째 줄", at: window.sotongTvPlayer.playingDate.toISOString()}}))"""
        )
        wait_until(
            lambda: video.evaluate(ACTIVE_CUES) == ["두 번째 줄"] and region.inner_text() == "두 번째 줄",
            timeout=5,
            message="the pushed line, in place of the first",
        )

        # At 200 % zoom (half the width in CSS pixels) nothing needs scrolling sideways.
        player.set_viewport_size({"width": 640, "height": 900})
        assert player.evaluate("() => document.documentElement.scrollWidth") <= 640
        axe_clean(player, "tv-player-captions-on-200", shots)
    finally:
        viewer.close()
        studio.close()
        if encoder.poll() is None:
            encoder.kill()
        encoder.wait()
