from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from lxml import etree

from sotong.voice.choices import Channel, Status
from sotong.voice.models import Case, Open311Key, ServiceCategory
from sotong.voice.open311.keys import key_create, key_revoke
from sotong.voice.services.routing import case_route
from tests.clock import MONDAY_MORNING

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(MONDAY_MORNING)]

SEOUL = ZoneInfo("Asia/Seoul")
FORM = "application/x-www-form-urlencoded; charset=utf-8"


@pytest.fixture(autouse=True)
def generous_limits(settings: Any) -> None:
    # Counts live in the cache (Redis in the scaled run) across tests and runs; only the rate-limit
    # tests below set small limits, on fresh keys and addresses.
    settings.OPEN311_POST_LIMIT_PER_IP = 100_000
    settings.OPEN311_POST_LIMIT_PER_KEY = 100_000


@pytest.fixture
def api_key(district: Any) -> str:
    _key, raw = key_create(name="minwon-app")
    return raw


def post(fmt: str = "json", headers: dict[str, str] | None = None, **fields: Any) -> Any:
    return Client().post(
        f"/open311/v2/requests.{fmt}",
        data=urlencode(fields, doseq=True),
        content_type=FORM,
        headers=headers or {},
    )


def pothole(api_key: str, **overrides: Any) -> dict[str, Any]:
    fields = {
        "api_key": api_key,
        "service_code": "road_damage",
        "lat": "37.52641234",
        "long": "126.89627777",
        "address_string": "당산역 4번 출구 앞",
        "description": "보도블록이 깨져 있어요. 010-2222-3333으로 연락 주세요.",
        "email": "Minji@Example.kr",
        "phone": "+82 10-1234-5678",
        "first_name": "민지",
        "last_name": "김",
        "device_id": "device-1",
    }
    fields.update(overrides)
    return fields


def errors_of(response: Any) -> list[str]:
    body = response.json()
    assert isinstance(body, list) and body
    assert all(set(e) == {"code", "description"} and e["code"] == response.status_code for e in body)
    return [e["description"] for e in body]


def test_a_post_stores_a_case_that_routes_to_the_categorys_department(api_key: str, junho: Any) -> None:
    response = post(**pothole(api_key))
    assert response.status_code == 200, response.content
    ((receipt),) = response.json()
    case = Case.objects.get()
    assert receipt == {
        "service_request_id": case.number,
        "service_notice": f"접수 번호 {case.number}: 도로과에서 처리합니다.",
        "account_id": None,
    }
    assert case.channel == Channel.OPEN311
    assert case.category == ServiceCategory.objects.get(code="road_damage")
    assert case.status == Status.RECEIVED
    assert (case.lat, case.lon) == (Decimal("37.526412"), Decimal("126.896278"))
    assert case.address_text == "당산역 4번 출구 앞"
    # Giving the app a phone number or e-mail address is asking to hear back about the report.
    assert case.consent_contact is True
    assert (case.contact_name, case.contact_phone, case.contact_email) == (
        "김민지",
        "01012345678",
        "minji@example.kr",
    )

    case_route(case=case)
    case.refresh_from_db()
    assert case.department.code == "roads" and case.officer == junho
    shown = Client().get(f"/open311/v2/requests/{case.number}.json").json()[0]
    assert shown["agency_responsible"] == "도로과"
    assert shown["status"] == "open"
    assert shown["expected_datetime"] == case.deadline.astimezone(SEOUL).isoformat(timespec="seconds")
    assert shown["expected_datetime"].endswith("+09:00")
    assert shown["service_notice"] == "도로과에서 처리합니다."
    assert (shown["lat"], shown["long"]) == (37.5264, 126.8963)


def test_a_retry_of_the_same_post_returns_the_same_case(api_key: str) -> None:
    first = post(**pothole(api_key))
    again = post(**pothole(api_key))
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert Case.objects.count() == 1
    other = post(**pothole(api_key, description="가로등 옆 보도블록도 깨졌어요."))
    assert other.json()[0]["service_request_id"] != first.json()[0]["service_request_id"]
    assert Case.objects.count() == 2


def test_an_idempotency_key_makes_one_case_and_is_its_token(api_key: str) -> None:
    headers = {"Idempotency-Key": "3f1c2a9e-report-17"}
    first = post(headers=headers, **pothole(api_key))
    # A retry sends the same body (another body under a used key: test_open311_idempotency.py).
    again = post(headers=headers, **pothole(api_key))
    number = first.json()[0]["service_request_id"]
    assert again.json()[0]["service_request_id"] == number
    assert Case.objects.count() == 1
    token = Client().get("/open311/v2/tokens/minwon-app:3f1c2a9e-report-17.json")
    assert token.status_code == 200
    assert token.json() == [{"service_request_id": number, "token": "minwon-app:3f1c2a9e-report-17"}]
    missing = Client().get("/open311/v2/tokens/nope.xml")
    assert missing.status_code == 404
    assert etree.fromstring(missing.content).findtext("error/code") == "404"
    bad = post(headers={"Idempotency-Key": "spaces are not allowed"}, **pothole(api_key))
    assert bad.status_code == 400


def test_a_missing_unknown_or_revoked_key_is_refused_and_nothing_is_stored(api_key: str) -> None:
    fields = pothole(api_key)
    del fields["api_key"]
    assert errors_of(post(**fields)) == ["api_key is missing or not valid."]
    assert post(**pothole("not-a-key")).status_code == 403
    key_revoke(name="minwon-app")
    response = post("xml", **pothole(api_key))
    assert response.status_code == 403
    root = etree.fromstring(response.content)
    assert root.tag == "errors" and root.findtext("error/code") == "403"
    assert not Case.objects.exists()


def test_a_key_records_when_it_was_last_used(api_key: str) -> None:
    assert Open311Key.objects.get().last_used_at is None
    post(**pothole(api_key))
    assert Open311Key.objects.get().last_used_at is not None


def test_service_code_is_required_and_must_exist(api_key: str) -> None:
    assert errors_of(post(**pothole(api_key, service_code=""))) == [
        "service_code is required (see services.xml)."
    ]
    response = post(**pothole(api_key, service_code="no_such_service"))
    assert response.status_code == 404
    ServiceCategory.objects.filter(code="snow_ice").update(is_active=False)
    assert post(**pothole(api_key, service_code="snow_ice")).status_code == 404
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("lat", "long"),
    [("40.7128", "-74.0060"), ("126.8963", "37.5264"), ("91", "126.9"), ("north", "126.9"), ("NaN", "126.9")],
)
def test_a_location_outside_korea_or_not_a_number_is_400(api_key: str, lat: str, long: str) -> None:
    response = post(**pothole(api_key, lat=lat, long=long))
    assert response.status_code == 400
    (description,) = errors_of(response)
    assert "lat" in description
    assert not Case.objects.exists()


def test_a_location_is_required_in_one_of_three_forms(api_key: str) -> None:
    fields = pothole(api_key)
    for name in ("lat", "long", "address_string"):
        del fields[name]
    assert errors_of(post(**fields)) == [
        "A location is required: lat and long, address_string or address_id."
    ]
    assert errors_of(post(**fields, lat="37.5")) == ["lat and long must be sent together."]
    assert post(**fields, address_string="여의도공원 앞").status_code == 200
    dong = post(**fields, address_id="yeongdeungpo")
    assert dong.status_code == 200
    case = Case.objects.get(number=dong.json()[0]["service_request_id"])
    assert case.dong.code == "yeongdeungpo" and case.location_source == "dong"
    assert "administrative dong" in errors_of(post(**fields, address_id="12345"))[0]


def test_every_problem_is_listed_at_once(api_key: str) -> None:
    response = post(
        **pothole(api_key, lat="1", email="not-an-email", phone="12", media_url="javascript:alert(1)")
    )
    assert response.status_code == 400
    problems = errors_of(response)
    assert len(problems) == 4
    assert any("Republic of Korea" in p for p in problems)
    assert "email is not a valid e-mail address." in problems
    assert "media_url must be an http or https URL." in problems
    assert any(p.startswith("phone must be") for p in problems)


def test_attributes_are_checked_and_kept_in_the_case_text(api_key: str) -> None:
    ServiceCategory.objects.create(
        code="test_bins",
        name_ko="수거함",
        attributes=[
            {
                "code": "bin_kind",
                "datatype": "singlevaluelist",
                "required": True,
                "description_ko": "수거함 종류",
                "values": [{"key": "clothes", "name_ko": "의류"}, {"key": "battery", "name_ko": "폐건전지"}],
            },
            {"code": "count", "datatype": "number", "required": False, "description_ko": "개수"},
        ],
    )
    fields = pothole(api_key, service_code="test_bins", description="수거함이 넘칩니다.")
    assert errors_of(post(**fields)) == ["attribute[bin_kind] is required."]
    assert errors_of(post(**fields, **{"attribute[bin_kind]": "shoes"})) == [
        "attribute[bin_kind] must be one of: clothes, battery."
    ]
    assert errors_of(post(**fields, **{"attribute[bin_kind]": "clothes", "attribute[count]": "many"})) == [
        "attribute[count] must be a number."
    ]
    response = post(
        **fields,
        **{"attribute[bin_kind]": "battery", "attribute[count]": "3", "attribute[fixmystreet_id]": "99"},
        media_url="https://example.org/photo.jpg",
    )
    assert response.status_code == 200
    case = Case.objects.get()
    assert (
        case.text
        == "수거함이 넘칩니다.\n\n수거함 종류: 폐건전지\n개수: 3\n첨부 링크: https://example.org/photo.jpg"
    )


def test_a_report_without_contact_details_does_not_consent_to_contact(api_key: str) -> None:
    fields = pothole(api_key, description="")
    for name in ("email", "phone", "first_name", "last_name"):
        del fields[name]
    assert post(**fields).status_code == 200
    case = Case.objects.get()
    assert case.consent_contact is False
    assert case.text == "도로·보도 파손"  # no description: the service's name says what it is


def test_the_xml_receipt_has_the_specs_shape(api_key: str) -> None:
    response = post("xml", **pothole(api_key))
    assert response.status_code == 200
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    root = etree.fromstring(response.content)
    assert root.tag == "service_requests"
    request = root.find("request")
    assert [child.tag for child in request] == ["service_request_id", "service_notice", "account_id"]
    assert request.findtext("service_request_id") == Case.objects.get().number
    assert request.find("account_id").text is None  # <account_id/>, as in the spec's example


def test_jurisdiction_id_may_name_the_district_or_the_site(api_key: str) -> None:
    assert post(**pothole(api_key, jurisdiction_id="yeongdeungpo")).status_code == 200
    assert post(**pothole(api_key, jurisdiction_id="127.0.0.1", device_id="2")).status_code == 200
    assert post(**pothole(api_key, jurisdiction_id="seoul.go.kr", device_id="3")).status_code == 404
    assert Case.objects.count() == 2


def test_a_body_that_is_too_large_or_not_a_form_is_refused(api_key: str) -> None:
    big = post(**pothole(api_key, description="가" * 30_000))
    assert big.status_code == 413 and errors_of(big)
    as_json = Client().post(
        "/open311/v2/requests.json", data={"api_key": api_key}, content_type="application/json"
    )
    assert as_json.status_code == 400
    long_text = post(**pothole(api_key, description="가" * 4001))
    assert errors_of(long_text) == ["description is longer than 4,000 characters."]
    assert not Case.objects.exists()


def test_posts_are_limited_per_key_and_per_address(api_key: str, settings: Any) -> None:
    settings.OPEN311_POST_LIMIT_PER_KEY = 2
    for n in range(2):
        assert post(**pothole(api_key, device_id=f"d{n}")).status_code == 200
    limited = post(**pothole(api_key, device_id="d3"))
    assert limited.status_code == 429 and "api_key" in errors_of(limited)[0]

    settings.OPEN311_POST_LIMIT_PER_KEY = 100_000
    settings.OPEN311_POST_LIMIT_PER_IP = 1
    address = f"2001:db8::{uuid.uuid4().hex[:4]}:{uuid.uuid4().hex[:4]}"
    client = Client(REMOTE_ADDR=address)
    # Only requests without a valid key count per address (test_open311_rate_limits.py).
    body = urlencode(pothole("not-a-key", device_id="d4"))
    assert client.post("/open311/v2/requests.json", body, content_type=FORM).status_code == 403
    again = client.post("/open311/v2/requests.json", body, content_type=FORM)
    assert again.status_code == 429 and "address" in errors_of(again)[0]


def test_markup_is_stored_as_text_and_escaped_on_the_way_out(api_key: str) -> None:
    text = "<script>alert('x')</script> & <b>보도</b>"
    number = post(**pothole(api_key, description=text)).json()[0]["service_request_id"]
    assert Case.objects.get().text == text
    assert Client().get(f"/open311/v2/requests/{number}.json").json()[0]["description"] == text
    response = Client().get(f"/open311/v2/requests/{number}.xml")
    assert b"&lt;script&gt;" in response.content and b"<script>" not in response.content
    assert etree.fromstring(response.content).findtext("request/description") == text
