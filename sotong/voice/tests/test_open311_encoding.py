"""POST Service Request bodies that are not UTF-8 (GeoReport v2 requires it): refused with 400 in the
spec's error format, storing nothing, instead of being stored as mojibake."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote_from_bytes, urlencode

import pytest
from django.test import Client
from lxml import etree

from sotong.voice.models import Case
from sotong.voice.open311.keys import key_create
from sotong.voice.tests.test_open311_post_request import FORM, errors_of, pothole

pytestmark = pytest.mark.django_db

NOT_UTF8 = (
    "The request body is not valid UTF-8; send the form as application/x-www-form-urlencoded; charset=utf-8."
)


@pytest.fixture(autouse=True)
def generous_limits(settings: Any) -> None:
    settings.OPEN311_POST_LIMIT_PER_IP = 100_000
    settings.OPEN311_POST_LIMIT_PER_KEY = 100_000


@pytest.fixture
def api_key(district: Any) -> str:
    _key, raw = key_create(name="encoding-app")
    return raw


def raw_post(body: bytes, content_type: str = FORM, fmt: str = "json") -> Any:
    return Client().generic("POST", f"/open311/v2/requests.{fmt}", body, content_type=content_type)


def form_with(api_key: str, description: bytes) -> bytes:
    """The pothole form, its description replaced by ``description`` as it stands in the body."""
    fields = pothole(api_key)
    del fields["description"]
    return urlencode(fields).encode() + b"&description=" + description


def test_percent_encoded_bytes_that_are_not_utf8_are_refused(api_key: str) -> None:
    # "보도블록" in EUC-KR, percent-encoded as a client that ignores the spec's charset would send it.
    response = raw_post(form_with(api_key, quote_from_bytes("보도블록".encode("euc-kr")).encode()))
    assert response.status_code == 400
    assert errors_of(response) == [NOT_UTF8]
    assert not Case.objects.exists()


def test_raw_bytes_that_are_not_utf8_are_refused_in_xml_too(api_key: str) -> None:
    response = raw_post(form_with(api_key, "보도블록".encode("euc-kr")), fmt="xml")
    assert response.status_code == 400
    root = etree.fromstring(response.content)
    assert root.tag == "errors"
    assert root.findtext("error/code") == "400"
    assert root.findtext("error/description") == NOT_UTF8
    assert not Case.objects.exists()


def test_a_field_name_that_is_not_utf8_is_refused(api_key: str) -> None:
    body = urlencode(pothole(api_key)).encode() + b"&attribute%5B%FF%FE%5D=1"
    response = raw_post(body)
    assert response.status_code == 400 and errors_of(response) == [NOT_UTF8]
    assert not Case.objects.exists()


def test_a_multipart_field_that_is_not_utf8_is_refused(api_key: str) -> None:
    boundary = "sotong-boundary"
    parts = [(name, str(value).encode()) for name, value in pothole(api_key).items() if name != "description"]
    parts.append(("description", "보도블록이 깨졌어요".encode("euc-kr")))
    body = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + value + b"\r\n"
        for name, value in parts
    )
    body += f"--{boundary}--\r\n".encode()
    response = raw_post(body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 400 and errors_of(response) == [NOT_UTF8]
    assert not Case.objects.exists()


def test_utf8_as_percent_encoding_raw_bytes_or_multipart_is_stored_as_sent(api_key: str) -> None:
    encoded = raw_post(form_with(api_key, quote_from_bytes("보도블록 ①".encode()).encode()))
    assert encoded.status_code == 200, encoded.content
    raw = raw_post(form_with(api_key, "가로등 옆 보도블록".encode()))
    assert raw.status_code == 200, raw.content
    multipart = Client().post(
        "/open311/v2/requests.json", pothole(api_key, description="점자블록이 깨졌어요", device_id="m")
    )
    assert multipart.status_code == 200, multipart.content
    assert sorted(Case.objects.values_list("text", flat=True)) == sorted(
        ["보도블록 ①", "가로등 옆 보도블록", "점자블록이 깨졌어요"]
    )
