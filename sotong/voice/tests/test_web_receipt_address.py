"""The receipt after sending the homepage form shows the full tracking address, in the reader's language,
as plain text to copy (the copy button is JavaScript's extra)."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from sotong.voice.models import Case
from sotong.voice.tests.test_web_intake_flow import form_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("prefix", "heading", "button"),
    [
        ("/", "진행 상황 주소", "주소 복사"),
        ("/en/", "Tracking address", "Copy the address"),
        ("/zh-hans/", "进度查询地址", "复制地址"),
    ],
)
def test_the_receipt_shows_the_full_tracking_address_as_text(
    district: Any, prefix: str, heading: str, button: str
) -> None:
    client = Client()
    response = client.post(f"{prefix}voice/", form_data())
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get()

    page = client.get(response["Location"]).content.decode()
    address = f"{settings.SITE_URL}{prefix}voice/track/{case.number}/?t={case.token}"
    shown = re.search(r'<code id="tracking-address">(.*?)</code>', page, re.S)
    assert shown and html.unescape(shown.group(1)).strip() == address
    assert heading in page
    # The button is hidden until the script shows it: without JavaScript the address is there to copy.
    assert re.search(rf"<button[^>]*data-copy=\"tracking-address\"[^>]*hidden>{button}</button>", page)
    assert "/static/voice/js/copy-address" in page

    tracking = client.get(address.removeprefix(settings.SITE_URL))
    assert tracking.status_code == 200 and case.number in tracking.content.decode()


def test_the_address_leads_only_to_this_case(district: Any) -> None:
    client = Client()
    client.post("/voice/", form_data())
    case = Case.objects.get()
    assert client.get(f"/voice/track/{case.number}/", {"t": "wrong"}).status_code == 404
