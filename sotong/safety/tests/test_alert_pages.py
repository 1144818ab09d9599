"""Residents' alert pages in Korean, English and Chinese: what is in force, instructions and shelters."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from sotong.safety.models import Facility
from sotong.safety.services.alerts import alert_cancel, alert_create
from sotong.safety.tests import alerts_fixtures
from sotong.safety.tests.alerts_fixtures import draft, published
from tests.clock import MONDAY_MORNING

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(MONDAY_MORNING)]
seoyeon = alerts_fixtures.seoyeon


def shelter() -> Facility:
    return Facility.objects.create(
        kind="temporary_housing",
        name_ko="당산초등학교 체육관",
        name_en="Dangsan Elementary School gym",
        name_zh="堂山小学体育馆",
        address="서울 영등포구 당산로 1",
        lat=37.5245,
        lon=126.8985,
    )


def test_the_alert_page_gives_instructions_and_shelters_in_each_language(seoyeon: Any) -> None:
    alert = published(seoyeon, shelters=[shelter()])

    for prefix, expected in (
        ("/", ["반지하와 지하 주차장에서 바로 나오세요.", "당산초등학교 체육관", "당산1동"]),
        (
            "/en/",
            [
                "Leave basements and underground car parks now.",
                "Dangsan Elementary School gym",
                "Dangsan 1-dong",
            ],
        ),
        ("/zh-hans/", ["请立即离开半地下室和地下停车场。", "堂山小学体育馆", "堂山1洞"]),
    ):
        response = Client().get(f"{prefix}safety/alerts/{alert.pk}/")
        page = response.content.decode()
        assert response.status_code == 200, prefix
        for text in expected:
            assert text in page, (prefix, text)
        assert f'href="{prefix}safety/?dong=dangsan1&amp;hazard=flood"' in page


def queries_for_list() -> tuple[int, str]:
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        page = Client().get("/safety/alerts/").content.decode()
    return len(captured), page


def test_the_list_shows_what_is_in_force_and_what_ended(seoyeon: Any) -> None:
    in_force = published(seoyeon, headline_ko="여의동 폭염경보", hazard="heat")
    ended = published(seoyeon, headline_ko="당산동 호우주의보")
    alert_cancel(original=ended, by=seoyeon)

    count, page = queries_for_list()
    for number in range(4):
        alert_cancel(
            original=published(seoyeon, headline_ko=f"경보 {number}", shelters=[shelter()]), by=seoyeon
        )
    more, _ = queries_for_list()

    assert more == count  # the query count does not grow with the number of alerts

    active_part, recent_part = page.split('id="recent-heading"')
    assert in_force.headline_ko in active_part
    assert ended.headline_ko in recent_part and "해제" in recent_part


def test_a_cancelled_alert_says_so(seoyeon: Any) -> None:
    cancel = alert_cancel(original=published(seoyeon), by=seoyeon)

    assert "이 특보는 해제되었습니다." in Client().get(f"/safety/alerts/{cancel.pk}/").content.decode()


def test_drafts_are_not_public(seoyeon: Any) -> None:
    alert = alert_create(data=draft(), by=seoyeon)

    assert Client().get(f"/safety/alerts/{alert.pk}/").status_code == 404
