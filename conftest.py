"""The shared test base: the sample district and its people, built once per session.

Named people: resident 민지 (no account), roads officer 준호, welfare officer 소라 (no access to
roads), roads department lead 도윤, comms officer 하늘 (spans departments).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM must still be usable.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


def require(condition: bool, reason: str) -> None:
    """Skip on a developer's machine when a component is missing; fail in CI, where it must exist."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{reason} (CI must have it)")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _fresh_process_state() -> Any:
    """Each test starts with an empty cache (rate limits, cached closures) and Korean active."""
    from django.core.cache import cache
    from django.utils import translation

    cache.clear()
    translation.activate("ko")
    yield
    translation.deactivate()
    cache.clear()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    from sotong.organisation.loading import load_district
    from sotong.pages.setup import setup_site
    from sotong.voice.loading import load_categories

    with django_db_blocker.unblock():
        load_district()
        load_categories()
        setup_site()


@pytest.fixture
def district(db: Any) -> Any:
    """The sample district; reloaded when a transactional test emptied the database."""
    from sotong.organisation.loading import load_district
    from sotong.organisation.models import District

    if not District.objects.exists():
        from sotong.voice.loading import load_categories

        load_district()
        load_categories()
    return District.objects.get()


@pytest.fixture
def site_pages(district: Any) -> Any:
    from sotong.pages.setup import setup_site

    return setup_site()


def _staff(username: str, display_name: str, role: str, department_code: str | None) -> Any:
    from django.contrib.auth import get_user_model

    from sotong.organisation.models import Department
    from sotong.organisation.services import membership_grant

    user = get_user_model().objects.create_user(
        username=username, password="correct horse 42", display_name=display_name
    )
    department = Department.objects.get(code=department_code) if department_code else None
    membership_grant(user=user, role=role, department=department)
    return user


@pytest.fixture
def junho(district: Any) -> Any:
    """Roads officer (도로과), the department's primary SNS officer."""
    from sotong.organisation.models import Department
    from sotong.organisation.services import officer_assign

    user = _staff("junho", "박준호", "officer", "roads")
    officer_assign(department=Department.objects.get(code="roads"), user=user, position="primary")
    return user


@pytest.fixture
def sora(district: Any) -> Any:
    """Welfare officer (복지정책과): no access to roads."""
    return _staff("sora", "이소라", "officer", "welfare")


@pytest.fixture
def doyun(district: Any) -> Any:
    """Roads department lead."""
    return _staff("doyun", "김도윤", "department_lead", "roads")


@pytest.fixture
def haneul(district: Any) -> Any:
    """Comms team (통합접수): works across all departments."""
    return _staff("haneul", "정하늘", "comms", "pr")


@pytest.fixture
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="module")
def chromium_browser() -> Iterator[Any]:
    """Chromium for one test module of an app's browser tests, stopped at its end (Playwright's loop must
    not outlive it); tests/browser shares one for its whole folder instead (tests/browser/conftest.py)."""
    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    require(CHROMIUM.exists(), f"Chromium is not installed at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def shots(artifacts_dir: Path) -> Path:
    folder = artifacts_dir / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def sqlite_test_db_copy(target: Path) -> bool:
    """Copy the migrated SQLite test database to ``target`` (to spare a subprocess the migrations)."""
    from django.db import connection

    if connection.vendor != "sqlite":
        return False
    source = Path(connection.settings_dict["NAME"])
    if not source.exists():
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(source, target)
    return True


# SOTONG_TEST_NOW=2026-03-09T08:55:00+09:00 runs every test from that instant, the clock ticking on
# (scripts/test-at): a test that passes only at some hours shows itself. Off unless set (decision 0063).
_TEST_NOW = os.environ.get("SOTONG_TEST_NOW", "")
_test_now_traveller: Any = None


def pytest_configure(config: pytest.Config) -> None:
    global _test_now_traveller
    if not _TEST_NOW:
        return
    import datetime

    import time_machine

    instant = datetime.datetime.fromisoformat(_TEST_NOW)
    if instant.tzinfo is None:
        raise pytest.UsageError(f"SOTONG_TEST_NOW needs a UTC offset, e.g. {_TEST_NOW}+09:00")
    # A timestamp, not the datetime: time-machine would set TZ from a datetime's zone, and the process
    # keeps Django's Asia/Seoul.
    _test_now_traveller = time_machine.travel(instant.timestamp(), tick=True).start()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    if _test_now_traveller is not None:
        import datetime

        _test_now_traveller.move_to(datetime.datetime.fromisoformat(_TEST_NOW).timestamp())


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The scaled pass (DATABASE_URL on PostgreSQL) leaves out the tests marked ``embedded_only``: they start
    the embedded shape on a SQLite database of their own whatever the pass (the demo), so running them again
    there would test nothing of PostgreSQL or Redis. They are reported as deselected."""
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://", "pgsql://")):
        return
    left = [item for item in items if item.get_closest_marker("embedded_only")]
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = [item for item in items if not item.get_closest_marker("embedded_only")]
