"""POST Service Request limits: a request with a valid api_key counts against its key only (a partner's
server relays many residents from one address); every other request counts against its address."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client
from lxml import etree

from sotong.voice.models import Case
from sotong.voice.open311.keys import key_create, key_revoke
from sotong.voice.tests.test_open311_post_request import FORM, errors_of, pothole
from tests.clock import MONDAY_MORNING

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(MONDAY_MORNING)]

BY_ADDRESS = "Too many requests from this address; try again in a few minutes."
BY_KEY = "Too many requests with this api_key; try again in a few minutes."


@pytest.fixture
def limits(settings: Any) -> tuple[int, int]:
    """Small limits, so that going past them takes a few requests: (per address, per key)."""
    settings.OPEN311_POST_LIMIT_PER_IP = 3
    settings.OPEN311_POST_LIMIT_PER_KEY = 6
    return 3, 6


@pytest.fixture
def partner_key(district: Any) -> str:
    _key, raw = key_create(name=f"partner-{uuid.uuid4().hex[:8]}")
    return raw


@pytest.fixture
def server() -> Client:
    """One address (fresh each test: counts live in the cache, Redis in the scaled run)."""
    return Client(REMOTE_ADDR=f"2001:db8::{uuid.uuid4().hex[:4]}:{uuid.uuid4().hex[:4]}")


def send(client: Client, fields: dict[str, Any], fmt: str = "json") -> Any:
    return client.post(f"/open311/v2/requests.{fmt}", urlencode(fields), content_type=FORM)


def test_a_partner_posts_past_the_address_limit_with_its_key(
    limits: tuple[int, int], partner_key: str, server: Client
) -> None:
    per_address, per_key = limits
    for n in range(per_key):
        response = send(server, pothole(partner_key, device_id=f"resident-{n}"))
        assert response.status_code == 200, (n, response.content)
    assert per_key > per_address
    assert Case.objects.count() == per_key


def test_the_keys_own_limit_still_applies(limits: tuple[int, int], partner_key: str, server: Client) -> None:
    _per_address, per_key = limits
    for n in range(per_key):
        assert send(server, pothole(partner_key, device_id=f"resident-{n}")).status_code == 200
    over = send(server, pothole(partner_key, device_id="one-too-many"))
    assert over.status_code == 429 and errors_of(over) == [BY_KEY]
    # From another address the key is just as spent: the limit is the key's.
    elsewhere = Client(REMOTE_ADDR="198.51.100.23")
    assert send(elsewhere, pothole(partner_key, device_id="elsewhere")).status_code == 429
    assert Case.objects.count() == per_key


def test_keyless_posts_are_refused_at_the_address_limit_in_the_specs_format(
    limits: tuple[int, int], partner_key: str, server: Client
) -> None:
    per_address, _per_key = limits
    fields = pothole(partner_key)
    del fields["api_key"]
    for _ in range(per_address):
        assert send(server, fields).status_code == 403
    limited = send(server, fields)
    assert limited.status_code == 429 and errors_of(limited) == [BY_ADDRESS]
    as_xml = send(server, fields, fmt="xml")
    assert as_xml.status_code == 429
    root = etree.fromstring(as_xml.content)
    assert root.tag == "errors" and root.findtext("error/code") == "429"
    assert root.findtext("error/description") == BY_ADDRESS
    # A partner with a valid key at the same address is not held back by them.
    assert send(server, pothole(partner_key, device_id="relayed")).status_code == 200
    assert Case.objects.count() == 1


def test_unknown_and_revoked_keys_count_against_the_address(
    limits: tuple[int, int], partner_key: str, server: Client
) -> None:
    per_address, _per_key = limits
    _old, revoked = key_create(name=f"old-{uuid.uuid4().hex[:8]}")
    key_revoke(name=_old.name)
    tries = [pothole("guessed-key-1"), pothole(revoked), pothole("guessed-key-2")]
    assert [send(server, fields).status_code for fields in tries[:per_address]] == [403] * per_address
    assert send(server, pothole("guessed-key-3")).status_code == 429
    assert not Case.objects.exists()


def test_unreadable_bodies_without_a_valid_key_count_against_the_address(
    limits: tuple[int, int], server: Client
) -> None:
    per_address, _per_key = limits
    for _ in range(per_address):
        response = server.post("/open311/v2/requests.json", b"{}", content_type="application/json")
        assert response.status_code == 400
    assert server.post("/open311/v2/requests.json", b"{}", content_type="application/json").status_code == 429
