"""Browser tests: one Chromium for all of them, a fresh context per test, the live server on loopback.

The live server answers from another thread, so these tests use ``transactional_db``: what a test
writes is committed and visible to the server, and the database is flushed afterwards, which is why
every test rebuilds the site through ``site_pages``. That rebuild costs about a second, so a test covers
one concern on every page, each page in its own subtest, rather than one page per test.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import require

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class Chromium:
    """One Chromium for a run of browser tests, started when the first needs it.

    It is stopped as soon as the browser tests are done (see pytest_runtest_teardown): while Playwright's
    sync API is started, its event loop counts as running in this thread, and a later test's
    ``asyncio.run()`` would fail with "cannot be called from a running event loop".
    """

    def __init__(self) -> None:
        self._playwright: Any = None
        self._browser: Any = None

    def browser(self) -> Any:
        if self._browser is None:
            from playwright.sync_api import sync_playwright

            self._playwright = sync_playwright().start()
            self._browser = self._playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
            )
        return self._browser

    def stop(self) -> None:
        if self._playwright is not None:
            self._browser.close()
            self._playwright.stop()
            self._playwright = self._browser = None


_CHROMIUM = Chromium()


@pytest.fixture(scope="session")
def chromium() -> Iterator[Chromium]:
    require(CHROMIUM.exists(), f"Chromium is not installed at {CHROMIUM}")
    yield _CHROMIUM
    _CHROMIUM.stop()


@pytest.fixture
def browser(chromium: Chromium) -> Any:
    return chromium.browser()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    try:
        return (yield)
    finally:
        if nextitem is None or nextitem.get_closest_marker("browser") is None:
            _CHROMIUM.stop()


@pytest.fixture
def resident_site(
    transactional_db: Any, live_server: Any, site_pages: Any, junho: Any, doyun: Any, sora: Any
) -> str:
    """The resident site on the live server; returns its base URL.

    SNS officers: roads 준호 (정) and its lead 도윤 (부), welfare 소라, parking 민호; the other
    departments have none, so the directory shows both cases.
    """
    from django.contrib.auth import get_user_model

    from sotong.organisation.models import Department
    from sotong.organisation.services import officer_assign

    roads, parking, welfare = (Department.objects.get(code=code) for code in ("roads", "parking", "welfare"))
    officer_assign(department=roads, user=doyun, position="backup")
    officer_assign(department=welfare, user=sora, position="primary")
    minho = get_user_model().objects.create_user(
        username="minho", password="correct horse 42", display_name="한민호"
    )
    officer_assign(department=parking, user=minho, position="primary")
    return str(live_server.url)


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="ko-KR")
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(context: Any) -> Any:
    return context.new_page()


@pytest.fixture
def screenshots(artifacts_dir: Path) -> Path:
    folder = artifacts_dir / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
