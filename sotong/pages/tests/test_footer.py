"""The footer on every resident page: the district's office address and phone in the reader's language."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("prefix", "address", "label"),
    [
        ("/", "서울특별시 영등포구 당산로 123", "청사 주소"),
        ("/en/", "123 Dangsan-ro, Yeongdeungpo-gu, Seoul", "Office address"),
        ("/zh-hans/", "首尔特别市永登浦区堂山路123", None),
    ],
)
def test_the_office_address_is_in_the_readers_language(
    site_pages: Any, prefix: str, address: str, label: str | None
) -> None:
    response = Client().get(prefix + "voice/")
    assert response.status_code == 200
    footer = response.text.split("<footer", 1)[1]
    assert address in footer
    if label:
        assert label in footer
    assert "02-2670-3114" in footer


@pytest.mark.usefixtures("site_pages")
def test_without_a_translated_address_the_korean_one_is_shown() -> None:
    from sotong.organisation.models import District

    District.objects.update(address_en="")
    footer = Client().get("/en/voice/").text.split("<footer", 1)[1]
    assert "서울특별시 영등포구 당산로 123" in footer
