"""The safety office uploads a CAP document or a Korean alert API response in the back office."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from sotong.core.models import AuditEvent
from sotong.safety.models import Alert
from sotong.safety.tests import alerts_fixtures

pytestmark = pytest.mark.django_db
seoyeon = alerts_fixtures.seoyeon
FIXTURES = Path(__file__).parent / "fixtures" / "cap"
URL = "/admin/safety/alerts/upload/"


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def upload(client: Client, name: str, content: bytes | None = None) -> Any:
    data = content if content is not None else (FIXTURES / name).read_bytes()
    return client.post(URL, {"document": SimpleUploadedFile(name, data)}, follow=True)


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_a_korean_cap_document_is_imported_and_listed(seoyeon: Any) -> None:
    client = signed_in(seoyeon)

    response = upload(client, "sotong-kr-heavy-rain.cap")

    alert = Alert.objects.get()
    assert alert.origin == "upload:sotong-kr-heavy-rain.cap"
    assert "가져온 특보 1건" in messages_of(response)[0]
    assert alert.headline_ko in response.text
    event = AuditEvent.objects.get(action="safety.alerts_uploaded")
    assert event.actor == seoyeon and event.detail["created"] == [alert.pk]


def test_the_same_document_twice_changes_nothing(seoyeon: Any) -> None:
    client = signed_in(seoyeon)
    upload(client, "sotong-kr-heavy-rain.cap")

    response = upload(client, "sotong-kr-heavy-rain.cap")

    assert Alert.objects.count() == 1
    assert "이미 있던 특보 1건" in messages_of(response)[0]


def test_a_real_foreign_document_is_kept_for_the_back_office(seoyeon: Any) -> None:
    response = upload(signed_in(seoyeon), "oasiscap-nws-5c2cf27b1f56885d61654dc47fa411d5.xml")

    assert Alert.objects.count() == 1
    assert "가져온 특보 1건" in messages_of(response)[0]


def test_an_entity_attack_is_refused_with_its_reason_and_nothing_stored(seoyeon: Any) -> None:
    response = upload(signed_in(seoyeon), "caplib-xee.cap")

    assert not Alert.objects.exists()
    (message,) = messages_of(response)
    assert message.startswith("가져오지 못했습니다 (upload:caplib-xee.cap)")


def test_an_invalid_document_is_refused(seoyeon: Any) -> None:
    response = upload(signed_in(seoyeon), "caplib-invalid.cap")

    assert not Alert.objects.exists()
    assert messages_of(response)[0].startswith("가져오지 못했습니다")


def test_a_feed_is_refused_as_an_upload(seoyeon: Any) -> None:
    feed = b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>'

    response = upload(signed_in(seoyeon), "feed.xml", feed)

    assert not Alert.objects.exists()
    assert "feed" in messages_of(response)[0]


def test_a_file_too_large_is_refused_on_the_form(seoyeon: Any, settings: Any) -> None:
    from sotong.safety.cap import validate

    response = upload(signed_in(seoyeon), "big.cap", b"<" + b"x" * (validate.MAX_BYTES + 1))

    assert response.status_code == 400
    assert "파일이 너무 큽니다." in response.text
    assert not Alert.objects.exists()


def test_other_staff_cannot_upload(junho: Any) -> None:
    response = signed_in(junho).post(
        URL, {"document": SimpleUploadedFile("a.cap", (FIXTURES / "sotong-kr-heavy-rain.cap").read_bytes())}
    )

    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert not Alert.objects.exists()
