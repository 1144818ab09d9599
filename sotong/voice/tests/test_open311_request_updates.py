from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone
from lxml import etree

from sotong.voice.models import Case
from sotong.voice.open311.keys import key_create
from sotong.voice.services.handling import case_reply
from sotong.voice.services.routing import case_route
from tests.clock import MONDAY_MORNING

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(MONDAY_MORNING)]

SEOUL = ZoneInfo("Asia/Seoul")


@pytest.fixture
def answered(district: Any, junho: Any, settings: Any) -> Case:
    """A pothole reported through an app, routed to 도로과 and answered by 준호."""
    settings.OPEN311_POST_LIMIT_PER_IP = settings.OPEN311_POST_LIMIT_PER_KEY = 100_000
    _key, raw = key_create(name="minwon-app")
    fields = {
        "api_key": raw,
        "service_code": "road_damage",
        "lat": "37.5264",
        "long": "126.8963",
        "description": "보도블록이 깨졌어요.",
    }
    response = Client().post(
        "/open311/v2/requests.json", urlencode(fields), content_type="application/x-www-form-urlencoded"
    )
    case = Case.objects.get(number=response.json()[0]["service_request_id"])
    case = case_route(case=case)
    case_reply(case=case, body="내일 오전에 보수하겠습니다. 문의 02-2670-1234", by=junho)
    return case


def test_an_officers_answer_is_an_update_that_closes_the_request(answered: Case) -> None:
    response = Client().get("/open311/v2/servicerequestupdates.json")
    assert response.status_code == 200
    updates = [u for u in response.json() if u["service_request_id"] == answered.number]
    assert [u["description"] for u in updates] == [
        "접수",
        "담당 부서 배정: 도로과",
        "내일 오전에 보수하겠습니다. 문의 02-****-1234",
    ]
    answer = updates[-1]
    assert set(answer) == {
        "update_id",
        "service_request_id",
        "status",
        "updated_datetime",
        "description",
        "media_url",
    }
    assert answer["status"] == "closed"
    assert [u["status"] for u in updates[:-1]] == ["open", "open"]
    assert answer["updated_datetime"].endswith("+09:00")
    assert len({u["update_id"] for u in updates}) == 3


def test_updates_follow_start_and_end_date(answered: Case) -> None:
    client = Client()
    future = (timezone.now() + timedelta(days=1)).isoformat()
    assert client.get("/open311/v2/servicerequestupdates.json", {"start_date": future}).json() == []
    past = {
        "start_date": (timezone.now() - timedelta(days=2)).isoformat(),
        "end_date": (timezone.now() - timedelta(days=1)).isoformat(),
    }
    assert client.get("/open311/v2/servicerequestupdates.json", past).json() == []
    bad = client.get("/open311/v2/servicerequestupdates.json", {"end_date": "soon"})
    assert bad.status_code == 400 and bad.json()[0]["code"] == 400


def test_updates_in_xml_are_request_update_elements(answered: Case) -> None:
    response = Client().get("/open311/v2/servicerequestupdates.xml")
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    root = etree.fromstring(response.content)
    assert root.tag == "service_request_updates"
    last = root.findall("request_update")[-1]
    assert [child.tag for child in last] == [
        "update_id",
        "service_request_id",
        "status",
        "updated_datetime",
        "description",
        "media_url",
    ]
    assert last.findtext("service_request_id") == answered.number
    assert last.findtext("status") == "closed"
    assert datetime.fromisoformat(last.findtext("updated_datetime")).utcoffset() == timedelta(hours=9)


def test_updates_use_the_requested_language_for_status_lines(answered: Case) -> None:
    english = Client().get("/open311/v2/servicerequestupdates.json?locale=en").json()
    first = next(u for u in english if u["service_request_id"] == answered.number)
    assert first["description"] != "접수"
