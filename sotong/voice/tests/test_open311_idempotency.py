"""POST Service Request with an Idempotency-Key: a retry (the same body) returns the first case; the same
key with a different body is refused with 422 in the spec's error format, storing nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from lxml import etree

from sotong.voice.models import Case
from sotong.voice.open311.keys import key_create
from sotong.voice.tests.test_open311_post_request import errors_of, post, pothole

pytestmark = pytest.mark.django_db

REUSED = (
    "The Idempotency-Key was used before for a different request; a retry must send the same body, "
    "and a new request needs a new key."
)


@pytest.fixture(autouse=True)
def generous_limits(settings: Any) -> None:
    settings.OPEN311_POST_LIMIT_PER_IP = 100_000
    settings.OPEN311_POST_LIMIT_PER_KEY = 100_000


@pytest.fixture
def api_key(district: Any) -> str:
    _key, raw = key_create(name="idempotent-app")
    return raw


def test_the_same_key_with_the_same_body_returns_the_first_case(api_key: str) -> None:
    headers = {"Idempotency-Key": "report-17"}
    first = post(headers=headers, **pothole(api_key))
    again = post(headers=headers, **pothole(api_key))
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert Case.objects.count() == 1


def test_the_same_body_as_a_multipart_form_is_the_same_request(api_key: str) -> None:
    headers = {"Idempotency-Key": "report-18"}
    first = post(headers=headers, **pothole(api_key))
    as_multipart = Client().post("/open311/v2/requests.json", pothole(api_key), headers=headers)
    assert as_multipart.status_code == 200
    assert as_multipart.json() == first.json()
    assert Case.objects.count() == 1


def test_the_same_key_with_a_different_body_is_422_and_stores_nothing(api_key: str) -> None:
    headers = {"Idempotency-Key": "report-19"}
    first = post(headers=headers, **pothole(api_key))
    assert first.status_code == 200
    case = Case.objects.get()

    changed = post(headers=headers, **pothole(api_key, description="가로등 옆 보도블록도 깨졌어요."))
    assert changed.status_code == 422
    assert errors_of(changed) == [REUSED]
    added = post("xml", headers=headers, **pothole(api_key, media_url="https://example.org/p.jpg"))
    assert added.status_code == 422
    root = etree.fromstring(added.content)
    assert root.tag == "errors" and root.findtext("error/code") == "422"
    assert root.findtext("error/description") == REUSED

    assert list(Case.objects.all()) == [case]
    case.refresh_from_db()
    assert case.text.startswith("보도블록이 깨져 있어요.")
    # The first request is still the key's: retrying it still works.
    assert post(headers=headers, **pothole(api_key)).json() == first.json()


def test_keys_are_per_client_so_another_app_may_use_the_same_key(api_key: str) -> None:
    _other, other_key = key_create(name="other-app")
    headers = {"Idempotency-Key": "report-20"}
    mine = post(headers=headers, **pothole(api_key))
    theirs = post(headers=headers, **pothole(other_key, description="다른 앱의 다른 신고입니다."))
    assert mine.status_code == theirs.status_code == 200
    assert mine.json()[0]["service_request_id"] != theirs.json()[0]["service_request_id"]


def test_a_case_stored_before_bodies_were_compared_is_returned_for_its_key(api_key: str) -> None:
    """Cases stored before the request's digest was kept have none: a retry with their key is taken as
    the same request, as it was then."""
    headers = {"Idempotency-Key": "report-21"}
    first = post(headers=headers, **pothole(api_key))
    Case.objects.update(request_digest="")
    again = post(headers=headers, **pothole(api_key, description="조금 다른 내용"))
    assert again.status_code == 200
    assert again.json() == first.json()
    assert Case.objects.count() == 1
