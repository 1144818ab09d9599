"""Residents' 소통TV pages, the calendar feed, the home page's block and the KakaoTalk topic."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from icalendar import Calendar

from sotong.connectors.kakao.inbound import SECRET_HEADER
from sotong.connectors.kakao.tests.payloads import SECRET, kakao_settings, skill_payload
from sotong.tv.choices import BroadcastState
from sotong.tv.services.ingest import publish_start
from sotong.tv.services.keys import stream_key_issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def lineup(make_broadcast: Any, studio: Any) -> dict[str, Any]:
    live = make_broadcast(title="겨울철 혈압 관리", title_en="Blood pressure in winter", starts_in=-10)
    assert publish_start(stream_key_issue(live, by=studio)).accepted
    return {
        "live": live,
        "next": make_broadcast(title="어르신 예방접종 안내", starts_in=24 * 60),
        "ended": make_broadcast(title="지난주 구정뉴스", starts_in=-7 * 24 * 60, state=BroadcastState.ENDED),
        "cancelled": make_broadcast(
            title="취소된 강좌", starts_in=2 * 24 * 60, state=BroadcastState.CANCELLED
        ),
    }


def test_the_schedule_shows_live_upcoming_and_past(lineup: dict[str, Any], site_pages: Any) -> None:
    html = Client().get("/tv/").content.decode()
    live_at, upcoming_at, ended_at = (html.index(h) for h in ("지금 생방송", "방송 예정", "지난 방송"))
    assert (
        live_at < html.index("겨울철 혈압 관리") < upcoming_at < html.index("어르신 예방접종 안내") < ended_at
    )
    assert html.index("지난주 구정뉴스") > ended_at and html.index("취소된 강좌") > ended_at
    assert f'href="/tv/{lineup["live"].pk}/"' in html

    english = Client().get("/en/tv/").content.decode()
    assert "Blood pressure in winter" in english
    assert 'lang="ko">어르신 예방접종 안내</a>' in english  # untranslated: the Korean title, marked Korean


def test_a_broadcast_page_and_an_unknown_one(lineup: dict[str, Any], site_pages: Any) -> None:
    page = Client().get(f"/tv/{lineup['live'].pk}/").content.decode()
    assert "겨울철 혈압 관리" in page and "생방송 중" in page and "어르신 예방접종 안내" in page
    assert Client().get("/tv/999999/").status_code == 404


def test_the_calendar_feed_is_rfc5545_with_every_broadcast(lineup: dict[str, Any]) -> None:
    response = Client().get("/tv/schedule.ics")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    events = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {
        "건강강좌: 겨울철 혈압 관리",
        "건강강좌: 어르신 예방접종 안내",
        "건강강좌: 지난주 구정뉴스",
        "건강강좌: 취소된 강좌",
    }
    live = events["건강강좌: 겨울철 혈압 관리"]
    assert live.decoded("dtstart") == lineup["live"].starts_at
    assert str(live["url"]).endswith(f"/tv/{lineup['live'].pk}/")
    assert str(events["건강강좌: 취소된 강좌"]["status"]) == "CANCELLED"
    assert len({str(e["uid"]) for e in events.values()}) == 4


def test_the_home_page_says_what_is_live(lineup: dict[str, Any], site_pages: Any) -> None:
    html = Client().get("/").content.decode()
    block = html[html.index('id="home-tv-title"') :]
    assert "지금 생방송 중입니다." in block and "겨울철 혈압 관리" in block


def test_the_home_page_names_the_next_broadcast_when_nothing_is_live(
    make_broadcast: Any, site_pages: Any
) -> None:
    make_broadcast(title="어르신 예방접종 안내", starts_in=24 * 60)
    html = Client().get("/").content.decode()
    block = html[html.index('id="home-tv-title"') :]
    assert "다음 방송" in block and "어르신 예방접종 안내" in block


def test_kakaotalk_tells_what_is_live_and_next(lineup: dict[str, Any], settings: Any) -> None:
    kakao_settings(settings)
    response = Client().post(
        "/kakao/skill/",
        data=json.dumps(skill_payload("소통TV", user_key="tv-viewer")),
        content_type="application/json",
        headers={SECRET_HEADER: SECRET},
    )
    text = response.json()["template"]["outputs"][0]["simpleText"]["text"]
    assert text.startswith("지금 생방송 중입니다.")
    assert "건강강좌: 겨울철 혈압 관리" in text and f"/tv/{lineup['live'].pk}/" in text
    assert "다음 방송:" in text and "어르신 예방접종 안내" in text
    assert "취소된 강좌" not in text
