"""/safety/sync/data, sign-out and account deletion: two devices of one account see each other's places,
another resident's cookie reaches only their own, writes need the CSRF token, and a signed-out or deleted
account's device is told so."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from sotong.safety.models import SyncAccount, SyncDevice, SyncPlace, SyncSignInLink
from sotong.safety.services.sync import email_digest, sign_in_complete, sign_in_request, sign_in_token
from sotong.safety.views.sync import COOKIE
from tests.clock import MONDAY_MORNING

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(MONDAY_MORNING)]


def signed_in(email: str, **client_options: Any) -> Client:
    """A browser signed in to the account of `email`, the way the mail's link does it."""
    sign_in_request(email=email)
    link = SyncSignInLink.objects.latest("pk")
    # The secret is only in the mail; make a fresh link whose secret this test knows.
    import secrets

    from sotong.core.crypto import digest

    secret = secrets.token_urlsafe(32)
    link.secret_digest = digest(f"safety-sync-link:{secret}")
    link.save(update_fields=["secret_digest"])
    _account, token = sign_in_complete(token=sign_in_token(secret))
    client = Client(**client_options)
    client.cookies[COOKIE] = token
    return client


def place(**fields: Any) -> dict[str, Any]:
    item = {
        "id": str(uuid.uuid4()),
        "updated_at": (timezone.now() - timedelta(minutes=1)).isoformat(),
        "label": "home",
        "address": "",
        "dong": "dangsan1",
        "lat": 37.5241,
        "lon": 126.8991,
    }
    item.update(fields)
    return item


def sync(client: Client, body: dict[str, Any], prefix: str = "") -> Any:
    return client.post(f"{prefix}/safety/sync/data", data=json.dumps(body), content_type="application/json")


def test_a_place_saved_on_the_phone_shows_on_the_laptop(district: Any) -> None:
    phone = signed_in("minji@example.com")
    laptop = signed_in("minji@example.com")
    home = place(label="home", address="당산로 123")
    answer = sync(
        phone, {"places": [home], "household": {"value": ["elderly"], "updated_at": home["updated_at"]}}
    )
    assert answer.status_code == 200
    state = laptop.get("/safety/sync/data").json()
    assert [p["address"] for p in state["places"]] == ["당산로 123"]
    assert state["household"]["value"] == ["elderly"] and state["devices"] == 2
    # The laptop removes it; the phone learns of it on its next sync, even sending its old copy.
    removed = sync(
        laptop, {"places": [{"id": home["id"], "deleted": True, "updated_at": timezone.now().isoformat()}]}
    )
    assert removed.json()["places"][0]["deleted"] is True
    again = sync(phone, {"places": [home]}).json()
    assert [p["deleted"] for p in again["places"]] == [True]


def test_another_residents_device_reaches_only_its_own_account(district: Any) -> None:
    minji = signed_in("minji@example.com")
    junho = signed_in("junho@example.com")
    sync(minji, {"places": [place(address="민지의 집")]})
    assert junho.get("/safety/sync/data").json()["places"] == []
    sync(junho, {"places": [place(address="준호의 집")]})
    assert [p["address"] for p in minji.get("/safety/sync/data").json()["places"]] == ["민지의 집"]


def test_a_device_without_an_account_is_told_so_and_nothing_is_saved(district: Any, client: Client) -> None:
    assert client.get("/safety/sync/data").json() == {"signed_in": False}
    client.cookies[COOKIE] = "forged"
    response = sync(client, {"places": [place()]})
    assert response.status_code == 401 and response.json()["signed_in"] is False
    assert not SyncPlace.objects.exists()


def test_the_get_sets_the_csrf_cookie_the_page_sends_back(district: Any) -> None:
    phone = signed_in("minji@example.com", enforce_csrf_checks=True)
    response = phone.get("/safety/sync/data")
    token = response.cookies["csrftoken"].value
    refused = sync(phone, {"places": [place()]})
    assert refused.status_code == 403 and not SyncPlace.objects.exists()
    accepted = phone.post(
        "/safety/sync/data",
        data=json.dumps({"places": [place()]}),
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert accepted.status_code == 200 and SyncPlace.objects.count() == 1


def test_bad_input_gets_a_message_in_the_residents_language_and_changes_nothing(district: Any) -> None:
    phone = signed_in("minji@example.com")
    kept = place()
    sync(phone, {"places": [kept]})
    busan = sync(phone, {"places": [place(), place(lat=35.1, lon=129.0)]}, prefix="/en")
    assert busan.status_code == 400 and "outside" in busan.json()["error"]
    garbled = phone.post("/zh-hans/safety/sync/data", data=b"{not json", content_type="application/json")
    assert garbled.status_code == 400 and "无法" in garbled.json()["error"]
    assert list(SyncPlace.objects.values_list("uid", flat=True)) == [uuid.UUID(kept["id"])]


def test_syncing_is_rate_limited_per_device(district: Any) -> None:
    phone = signed_in("minji@example.com")
    codes = [sync(phone, {"places": []}).status_code for _ in range(61)]
    assert codes[:60] == [200] * 60 and codes[60] == 429


def test_signing_out_ends_only_this_device(district: Any) -> None:
    phone = signed_in("minji@example.com")
    laptop = signed_in("minji@example.com")
    response = phone.post("/safety/sync/sign-out")
    assert response.status_code == 200 and response.cookies[COOKIE].value == ""
    assert phone.get("/safety/sync/data").json()["signed_in"] is False
    assert laptop.get("/safety/sync/data").json()["signed_in"] is True
    assert SyncDevice.objects.count() == 1


def test_deleting_the_account_removes_its_data_and_signs_out_every_device(district: Any) -> None:
    phone = signed_in("minji@example.com")
    laptop = signed_in("minji@example.com")
    other = signed_in("junho@example.com")
    sync(
        phone,
        {"places": [place()], "household": {"value": ["pet"], "updated_at": timezone.now().isoformat()}},
    )
    sync(other, {"places": [place()]})
    response = phone.post("/safety/sync/account/delete")
    assert response.status_code == 200
    assert not SyncAccount.objects.filter(email_digest=email_digest("minji@example.com")).exists()
    assert not SyncSignInLink.objects.filter(email_digest=email_digest("minji@example.com")).exists()
    assert SyncPlace.objects.count() == 1 and SyncDevice.objects.count() == 1  # 준호's
    assert sync(laptop, {"places": [place()]}).status_code == 401


def test_deleting_needs_the_csrf_token(district: Any) -> None:
    phone = signed_in("minji@example.com", enforce_csrf_checks=True)
    assert phone.post("/safety/sync/account/delete").status_code == 403
    assert SyncAccount.objects.count() == 1
