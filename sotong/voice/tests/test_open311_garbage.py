"""Whatever a client sends, the API answers in the spec's format and never fails with a 500."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

import pytest
from django.test import Client
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from lxml import etree

from sotong.voice.open311.keys import key_create
from tests.clock import MONDAY_MORNING

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(MONDAY_MORNING)]

FUZZ = settings(
    max_examples=120,
    deadline=None,
    # The database and the key are set up once per test; every example may use them.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
EXPECTED = {200, 400, 403, 404, 405, 413, 429}
FIELDS = [
    "api_key",
    "jurisdiction_id",
    "service_code",
    "lat",
    "long",
    "address_string",
    "address_id",
    "attribute[vehicle_number]",
    "attribute[vehicle_number][]",
    "attribute[]",
    "email",
    "device_id",
    "account_id",
    "first_name",
    "last_name",
    "phone",
    "description",
    "media_url",
]
PLAUSIBLE = [
    "",
    "road_damage",
    "illegal_parking",
    "general",
    "37.5264",
    "126.8963",
    "-0",
    "1e5",
    "NaN",
    "Infinity",
    "37.5264.1",
    "yeongdeungpo",
    "https://example.org/a.jpg",
    "javascript:alert(1)",
    "010-1234-5678",
    "+82 10 1234 5678",
    "minji@example.kr",
    "2026-01-31T09:00:00+09:00",
    "\x00",
    "<b>굵게</b>&amp;",
    "가" * 300,
]
values = st.one_of(st.sampled_from(PLAUSIBLE), st.text(max_size=200))
names = st.one_of(st.sampled_from(FIELDS), st.text(max_size=30))


@pytest.fixture(autouse=True)
def generous_limits(settings: Any) -> None:
    settings.OPEN311_POST_LIMIT_PER_IP = settings.OPEN311_POST_LIMIT_PER_KEY = 1_000_000


@pytest.fixture
def api_key(district: Any) -> str:
    return key_create(name="fuzz-app")[1]


def assert_open311(response: Any, fmt: str, ok_root: str = "service_requests") -> None:
    status = response.status_code
    event(f"HTTP {status}")  # shown by --hypothesis-show-statistics
    assert status in EXPECTED, (status, response.content[:500])
    if fmt == "json":
        assert response["Content-Type"] == "application/json; charset=utf-8"
        body = response.json()
        if status == 200:
            # Spark convention: the root goes, so a document is an object and a list is an array.
            assert isinstance(body, dict if ok_root in {"discovery", "service_definition"} else list)
            return
        assert isinstance(body, list) and body
        assert all(
            e["code"] == status and isinstance(e["description"], str) and e["description"] for e in body
        )
        return
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    root = etree.fromstring(response.content)
    if status == 200:
        assert root.tag == ok_root
        return
    assert root.tag == "errors"
    errors = root.findall("error")
    assert errors and all(e.findtext("code") == str(status) and e.findtext("description") for e in errors)


@FUZZ
@given(
    pairs=st.lists(st.tuples(names, values), max_size=14),
    with_key=st.booleans(),
    with_basics=st.booleans(),
    fmt=st.sampled_from(["json", "xml"]),
)
def test_any_posted_form_gets_an_answer_in_the_specs_format(
    api_key: str, pairs: list[tuple[str, str]], with_key: bool, with_basics: bool, fmt: str
) -> None:
    if with_basics:
        pairs = [("service_code", "road_damage"), ("lat", "37.5264"), ("long", "126.8963"), *pairs]
    if with_key:
        pairs = [("api_key", api_key), *pairs]
    response = Client().post(
        f"/open311/v2/requests.{fmt}", urlencode(pairs), content_type="application/x-www-form-urlencoded"
    )
    assert_open311(response, fmt)
    if response.status_code == 200 and fmt == "json":
        ((receipt),) = response.json()
        assert set(receipt) == {"service_request_id", "service_notice", "account_id"}


@FUZZ
@given(
    body=st.binary(max_size=3000),
    content_type=st.sampled_from(
        [
            "application/x-www-form-urlencoded",
            "application/x-www-form-urlencoded; charset=euc-kr",
            "multipart/form-data; boundary=xyz",
            "multipart/form-data",
            "multipart/form-data; boundary=xyz; charset=no-such-charset",
            "application/json",
            "text/plain",
        ]
    ),
    fmt=st.sampled_from(["json", "xml"]),
)
def test_any_raw_body_gets_an_answer_in_the_specs_format(
    api_key: str, body: bytes, content_type: str, fmt: str
) -> None:
    response = Client().generic("POST", f"/open311/v2/requests.{fmt}", body, content_type=content_type)
    assert_open311(response, fmt)


@FUZZ
@given(
    params=st.dictionaries(
        st.sampled_from(["service_request_id", "service_code", "start_date", "end_date", "status", "locale"]),
        st.one_of(
            st.sampled_from(
                ["2026-01-31", "2026-01-31T09:00:00Z", "open", "closed,open", "en", "2026-000001"]
            ),
            st.text(max_size=60),
        ),
    ),
    jurisdiction=st.sampled_from([None, "yeongdeungpo", "127.0.0.1", "elsewhere.example", "\x00"]),
    resource=st.sampled_from(["requests", "servicerequestupdates", "services", "discovery"]),
    fmt=st.sampled_from(["json", "xml"]),
)
def test_any_query_gets_an_answer_in_the_specs_format(
    district: Any, params: dict[str, str], jurisdiction: str | None, resource: str, fmt: str
) -> None:
    if jurisdiction is not None:
        params["jurisdiction_id"] = jurisdiction
    response = Client().get(f"/open311/v2/{resource}.{fmt}", params)
    root = {"requests": "service_requests", "servicerequestupdates": "service_request_updates"}
    assert_open311(response, fmt, ok_root=root.get(resource, resource))


@FUZZ
@given(
    resource=st.sampled_from(["requests", "services", "tokens"]),
    name=st.one_of(
        st.sampled_from(["road_damage", "illegal_parking", "2026-000001"]), st.text(min_size=1, max_size=80)
    ),
    fmt=st.sampled_from(["json", "xml"]),
)
def test_any_resource_id_gets_an_answer_in_the_specs_format(
    district: Any, resource: str, name: str, fmt: str
) -> None:
    response = Client().get(f"/open311/v2/{resource}/{quote(name, safe='')}.{fmt}")
    ok_root = "service_definition" if resource == "services" else "service_requests"
    assert_open311(response, fmt, ok_root=ok_root)
