from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone, translation
from lxml import etree

from sotong.voice.choices import Channel, Status
from sotong.voice.models import Case, ServiceCategory
from sotong.voice.services.handling import case_close, case_reply
from sotong.voice.services.intake import Submission, case_receive
from sotong.voice.services.routing import case_route
from tests.clock import MONDAY_MORNING

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(MONDAY_MORNING)]

SEOUL = ZoneInfo("Asia/Seoul")


def received(
    *,
    code: str = "road_damage",
    days_ago: float = 1,
    text: str = "보도블록이 깨졌어요.",
    channel: str = Channel.WEB,
    **extra: Any,
) -> Case:
    extra.setdefault("consent_publish", True)
    case, _created = case_receive(
        submission=Submission(
            channel=channel,
            external_id=uuid.uuid4().hex,
            text=text,
            category=ServiceCategory.objects.get(code=code),
            received_at=timezone.now() - timedelta(days=days_ago),
            **extra,
        )
    )
    return case


def numbers(response: Any) -> set[str]:
    assert response.status_code == 200, response.content
    return {r["service_request_id"] for r in response.json()}


@pytest.fixture
def cases(district: Any, junho: Any) -> dict[str, Case]:
    """An open pothole, an answered and a closed one, an open parking case, and a pothole of last year."""
    made = {
        "open_road": received(days_ago=1),
        "answered_road": received(days_ago=2, channel=Channel.KAKAO),
        "closed_road": received(days_ago=10),
        "parking": received(code="illegal_parking", days_ago=3, text="소화전 앞 불법 주차"),
        "old_road": received(days_ago=200),
    }
    made = {name: case_route(case=case) for name, case in made.items()}
    case_reply(case=made["answered_road"], body="내일 오전에 보수하겠습니다.", by=junho)
    case_close(case=made["closed_road"], by=junho)
    return {name: Case.objects.get(pk=case.pk) for name, case in made.items()}


def test_the_default_is_every_channels_requests_of_the_last_90_days(cases: dict[str, Case]) -> None:
    got = numbers(Client().get("/open311/v2/requests.json"))
    assert got == {c.number for name, c in cases.items() if name != "old_road"}


def test_requests_filter_by_status(cases: dict[str, Case]) -> None:
    client = Client()
    assert numbers(client.get("/open311/v2/requests.json", {"status": "open"})) == {
        cases["open_road"].number,
        cases["parking"].number,
    }
    assert numbers(client.get("/open311/v2/requests.json", {"status": "closed"})) == {
        cases["answered_road"].number,
        cases["closed_road"].number,
    }
    assert len(numbers(client.get("/open311/v2/requests.json", {"status": "open,closed"}))) == 4
    assert client.get("/open311/v2/requests.json", {"status": "fixed"}).status_code == 400


def test_requests_filter_by_service_code(cases: dict[str, Case]) -> None:
    client = Client()
    assert numbers(client.get("/open311/v2/requests.json", {"service_code": "illegal_parking"})) == {
        cases["parking"].number
    }
    both = numbers(client.get("/open311/v2/requests.json", {"service_code": "illegal_parking,road_damage"}))
    assert len(both) == 4
    assert numbers(client.get("/open311/v2/requests.json", {"service_code": "no_such,bad code!"})) == set()


def test_requests_filter_by_dates(cases: dict[str, Case]) -> None:
    client = Client()
    now = timezone.now().astimezone(SEOUL)
    window = {
        "start_date": (now - timedelta(days=5)).isoformat(timespec="seconds"),
        "end_date": (now - timedelta(days=1, hours=12))
        .astimezone(ZoneInfo("UTC"))
        .strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    assert numbers(client.get("/open311/v2/requests.json", window)) == {
        cases["answered_road"].number,
        cases["parking"].number,
    }
    old = (now - timedelta(days=210)).date().isoformat()
    assert numbers(client.get("/open311/v2/requests.json", {"start_date": old})) == {cases["old_road"].number}


@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "yesterday"},
        {"start_date": "2026-01-01T00:00:00+09:00", "end_date": "2026-06-01T00:00:00+09:00"},
        {"start_date": "2026-02-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"},
        {"end_date": "1900-01-01"},
    ],
)
def test_a_bad_date_range_is_400(district: Any, params: dict[str, str]) -> None:
    response = Client().get("/open311/v2/requests.json", params)
    assert response.status_code == 400
    ((error),) = response.json()
    assert error["code"] == 400 and "date" in error["description"]


def test_requests_by_id_override_the_other_filters(cases: dict[str, Case]) -> None:
    wanted = f"{cases['old_road'].number}, {cases['parking'].number},2026-999999,garbage"
    got = numbers(
        Client().get("/open311/v2/requests.json", {"service_request_id": wanted, "status": "closed"})
    )
    assert got == {cases["old_road"].number, cases["parking"].number}


def test_a_request_shows_its_answer_department_and_deadline(cases: dict[str, Case]) -> None:
    case = cases["answered_road"]
    ((shown),) = Client().get(f"/open311/v2/requests/{case.number}.json").json()
    assert shown == {
        "service_request_id": case.number,
        "status": "closed",
        "status_notes": "내일 오전에 보수하겠습니다.",
        "service_name": "도로·보도 파손",
        "service_code": "road_damage",
        "description": "보도블록이 깨졌어요.",
        "agency_responsible": "도로과",
        "service_notice": "도로과에서 처리합니다.",
        "requested_datetime": case.received_at.astimezone(SEOUL).isoformat(timespec="seconds"),
        "updated_datetime": case.updated_at.astimezone(SEOUL).isoformat(timespec="seconds"),
        "expected_datetime": case.deadline.astimezone(SEOUL).isoformat(timespec="seconds"),
        "address": None,
        "lat": None,
        "long": None,
        "media_url": "",
    }
    open_case = Client().get(f"/open311/v2/requests/{cases['open_road'].number}.json?locale=en").json()[0]
    assert open_case["status"] == "open"
    with translation.override("en"):
        assert open_case["status_notes"] == str(Status.ASSIGNED.label) != "담당 부서 배정"
    assert open_case["service_name"] == "Damaged road or pavement"


def test_descriptions_are_masked_and_contact_details_never_shown(district: Any) -> None:
    case = received(
        text="김민지입니다. 010-9876-5432로 전화 주세요. minji@example.kr, 12가3456 차량",
        address_text="당산로 123",
        lat=Decimal("37.526412"),
        lon=Decimal("126.896278"),
        contact_name="김민지",
        contact_phone="010-5555-1234",
        contact_email="minji@example.kr",
        consent_contact=True,
    )
    response = Client().get(f"/open311/v2/requests/{case.number}.json")
    ((shown),) = response.json()
    assert (
        shown["description"] == "김*지입니다. 010-****-5432로 전화 주세요. m****@example.kr, **가 **** 차량"
    )
    assert (shown["lat"], shown["long"]) == (37.5264, 126.8963)
    text = response.content.decode()
    for secret in ("김민지", "9876", "5555", "minji@", "01055551234", "12가3456"):
        assert secret not in text


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_request_is_a_404_in_the_error_format(district: Any, fmt: str) -> None:
    for number in ("2026-999999", "not-a-number", "%00"):
        response = Client().get(f"/open311/v2/requests/{number}.{fmt}")
        assert response.status_code == 404
        if fmt == "json":
            assert response.json()[0]["code"] == 404
        else:
            root = etree.fromstring(response.content)
            assert root.tag == "errors"
            assert [c.tag for c in root.find("error")] == ["code", "description"]


def test_requests_xml_has_the_specs_elements(cases: dict[str, Case]) -> None:
    response = Client().get("/open311/v2/requests.xml", {"service_request_id": cases["answered_road"].number})
    root = etree.fromstring(response.content)
    assert root.tag == "service_requests"
    (request,) = root.findall("request")
    assert [child.tag for child in request] == [
        "service_request_id",
        "status",
        "status_notes",
        "service_name",
        "service_code",
        "description",
        "agency_responsible",
        "service_notice",
        "requested_datetime",
        "updated_datetime",
        "expected_datetime",
        "address",
        "lat",
        "long",
        "media_url",
    ]
    assert request.findtext("status") == "closed"
    assert request.findtext("agency_responsible") == "도로과"
    requested = datetime.fromisoformat(request.findtext("requested_datetime"))
    assert requested.utcoffset() == timedelta(hours=9)


def test_the_request_list_costs_one_query_however_long(
    cases: dict[str, Case], django_assert_num_queries: Any
) -> None:
    client = Client()
    with django_assert_num_queries(1):
        assert len(client.get("/open311/v2/requests.json").json()) == 4
    for _ in range(3):
        received(code="illegal_parking")
    with django_assert_num_queries(1):
        assert len(client.get("/open311/v2/requests.json").json()) == 7


def test_a_case_whose_resident_did_not_agree_to_publication_is_not_listed(district: Any) -> None:
    private = received(channel=Channel.WEB, consent_publish=False, text="우리 집 앞 보도블록")
    via_open311 = received(channel=Channel.OPEN311, consent_publish=False)
    client = Client()
    listed = numbers(client.get("/open311/v2/requests.json"))
    assert private.number not in listed
    assert via_open311.number in listed
    assert client.get(f"/open311/v2/requests/{private.number}.json").status_code == 404
