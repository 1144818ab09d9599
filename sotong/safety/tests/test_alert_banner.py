"""The alert banner on every resident page while an alert for the district is in force."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from sotong.safety.blocks import SEEN_COOKIE
from sotong.safety.models import Alert
from sotong.safety.selectors.alerts import banner_alerts
from sotong.safety.services.alerts import alert_cancel, alerts_expire
from sotong.safety.tests import alerts_fixtures
from sotong.safety.tests.alerts_fixtures import published
from tests.clock import MONDAY_MORNING

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(MONDAY_MORNING)]
seoyeon = alerts_fixtures.seoyeon


def test_no_banner_without_an_alert(site_pages: Any) -> None:
    assert "alert-banner" not in Client().get("/").content.decode()


def test_the_banner_speaks_the_residents_language_and_links_the_alert(site_pages: Any, seoyeon: Any) -> None:
    alert = published(seoyeon)

    for prefix, headline in (
        ("/", "당산1동·당산2동 호우경보"),
        ("/en/", "Heavy rain warning for Dangsan 1 and 2"),
        ("/zh-hans/", "堂山1洞、堂山2洞暴雨警报"),
    ):
        page = Client().get(prefix).content.decode()
        assert headline in page, prefix
        assert f'href="{prefix}safety/alerts/{alert.pk}/"' in page, prefix
        assert 'aria-labelledby="alert-banner-heading"' in page


def test_a_new_alert_is_announced_and_a_seen_one_is_only_shown(site_pages: Any, seoyeon: Any) -> None:
    alert = published(seoyeon)

    assert 'role="alert"' in Client().get("/").content.decode()

    seen = Client()
    seen.cookies[SEEN_COOKIE] = str(alert.pk)
    page = seen.get("/").content.decode()
    assert 'role="alert"' not in page and "호우경보" in page

    Alert.objects.filter(pk=alert.pk).update(published_at=timezone.now() - timedelta(hours=1))
    from sotong.safety.selectors.alerts import invalidate_banner

    invalidate_banner()
    assert 'role="alert"' not in Client().get("/").content.decode()


def test_the_banner_is_read_from_the_cache(seoyeon: Any, django_assert_num_queries: Any) -> None:
    published(seoyeon)
    banner_alerts()

    with django_assert_num_queries(0):
        assert len(banner_alerts()) == 1


def test_a_cancellation_clears_the_banner_at_once(
    site_pages: Any, seoyeon: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        alert = published(seoyeon)
    assert len(banner_alerts()) == 1

    with django_capture_on_commit_callbacks(execute=True):
        alert_cancel(original=alert, by=seoyeon)

    assert banner_alerts() == []
    assert "alert-banner" not in Client().get("/").content.decode()


def test_an_expired_alert_leaves_the_banner(seoyeon: Any) -> None:
    alert = published(seoyeon, expires=timezone.now() + timedelta(minutes=5))
    assert len(banner_alerts()) == 1

    assert alerts_expire(now=timezone.now() + timedelta(minutes=6)) == 1

    alert.refresh_from_db()
    assert alert.state == Alert.State.EXPIRED
    assert banner_alerts() == []


def test_test_and_exercise_alerts_never_reach_the_banner(seoyeon: Any) -> None:
    alert = published(seoyeon)
    Alert.objects.filter(pk=alert.pk).update(status="Exercise")
    from sotong.safety.selectors.alerts import invalidate_banner

    invalidate_banner()
    assert banner_alerts() == []
